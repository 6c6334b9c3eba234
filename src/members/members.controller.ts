import { Body, Controller, Delete, Get, HttpCode, Ip, Param, Patch } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { AccountAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import type { ResourceAccess, UserPrincipal } from '../auth/principal.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { ChangeRoleDto, MemberDto } from './dto/member.dto.js';
import { MembersService } from './members.service.js';

/** People only (`keys: 'none'`): API keys never manage who belongs to an account. */
@ApiTags('accounts')
@Controller('api/accounts/:accountId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @AccountAccess('viewer', { keys: 'none' })
  @ApiOperation({ summary: "The account's members and their roles" })
  @ApiOkResponse({ type: [MemberDto] })
  list(@CurrentAccess() access: ResourceAccess): Promise<MemberDto[]> {
    return this.members.list(access.accountId);
  }

  @Patch(':userId')
  // Above the access rule: OpenAPI joins these to its generic 403 and 404 descriptions.
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description:
      'Below admin; or an admin giving or taking the owner role (only owners may); or an API key.',
  })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'Also: a user id that is not a member of this account.',
  })
  @AccountAccess('admin', { keys: 'none' })
  @ApiOperation({
    summary: "Change a member's role",
    description:
      "Admins and owners; only an owner may make someone an owner or change an owner's role, and the last owner keeps the role.",
  })
  @ApiOkResponse({ type: MemberDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A role that does not exist.' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The last owner would be demoted.' })
  changeRole(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('userId') userId: string,
    @Body() body: ChangeRoleDto,
    @Ip() ip: string,
  ): Promise<MemberDto> {
    return this.members.changeRole(
      access.accountId,
      { userId: principal.userId, sessionId: principal.sessionId, clientAddress: ip },
      userId,
      body.role,
    );
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiForbiddenResponse({
    type: ErrorBodyDto,
    description:
      'Also: a viewer removing someone else, or an admin removing an owner (only owners may).',
  })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description: 'Also: a user id that is not a member of this account.',
  })
  @AccountAccess('viewer', { keys: 'none' })
  @ApiOperation({
    summary: 'Remove a member, or leave the account (your own user id)',
    description:
      'Any member may remove themselves; admins remove admins and viewers; only owners remove owners; the last owner stays.',
  })
  @ApiNoContentResponse({ description: 'Removed; their access ends at once.' })
  @ApiConflictResponse({ type: ErrorBodyDto, description: 'The last owner would be removed.' })
  async remove(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('userId') userId: string,
    @Ip() ip: string,
  ): Promise<void> {
    await this.members.remove(
      access.accountId,
      { userId: principal.userId, sessionId: principal.sessionId, clientAddress: ip },
      userId,
    );
  }
}
