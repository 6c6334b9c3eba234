import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AccountAccess, SignedIn } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import type { ResourceAccess, UserPrincipal } from '../auth/principal.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { AuditService } from './audit.service.js';
import {
  AuditActivityQueryDto,
  AuditLogPageDto,
  AuditLogQueryDto,
  DEFAULT_AUDIT_PAGE,
} from './dto/audit-log.dto.js';

const BAD_QUERY = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: 'A bad `limit`, `before`, `action` or `siteId`.',
});

/** An account's audit log, for its owners. */
@ApiTags('audit')
@Controller('api/accounts/:accountId/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @AccountAccess('owner', { keys: 'none' })
  @ApiOperation({
    summary: "Read an account's audit log",
    description:
      'Sign-ins into the account aside, everything done in the account: invitations, member and role changes, API keys created and revoked, site changes and reads of site data (one entry per person, site and kind of read a minute). Newest first; page with `before`. Owners only.',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @BAD_QUERY
  read(
    @Param('accountId') _accountId: string,
    @CurrentAccess() access: ResourceAccess,
    @Query() query: AuditLogQueryDto,
  ): Promise<AuditLogPageDto> {
    return this.audit.listForAccount(access.accountId, {
      ...query,
      limit: query.limit ?? DEFAULT_AUDIT_PAGE,
    });
  }
}

/** A person's own sign-in history. */
@ApiTags('audit')
@Controller('api/auth/activity')
export class AuthActivityController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @SignedIn()
  @ApiOperation({
    summary: 'Read your own sign-in activity',
    description:
      'Your sign-ins (and failed attempts at your account), sign-outs, ended sessions, password changes and resets: the entries that belong to you rather than to an account. Newest first; page with `before`.',
  })
  @ApiOkResponse({ type: AuditLogPageDto })
  @BAD_QUERY
  read(
    @CurrentPrincipal() principal: UserPrincipal,
    @Query() query: AuditActivityQueryDto,
  ): Promise<AuditLogPageDto> {
    return this.audit.listForUser(principal.userId, {
      ...query,
      limit: query.limit ?? DEFAULT_AUDIT_PAGE,
    });
  }
}
