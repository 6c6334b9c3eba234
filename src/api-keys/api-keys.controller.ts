import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import type { Principal, ResourceAccess } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';

/**
 * The account's API keys, managed by its admins and owners. Keys never manage keys (`keys:
 * 'none'`): a leaked key cannot mint another one that outlives its revocation.
 */
@ApiTags('api-keys')
@ApiParam({
  name: 'accountId',
  type: String,
  format: 'uuid',
  description: 'The account the keys belong to.',
})
@Controller('api/accounts/:accountId/api-keys')
@AccountAccess('admin', { keys: 'none' })
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create an API key',
    description:
      'Answers the key once, in `key`: only its SHA-256 is stored, so it can never be shown again. Send it as `Authorization: Bearer <key>`.',
  })
  @ApiCreatedResponse({
    type: CreatedApiKeyDto,
    description: 'The new key; `key` is in this answer only.',
  })
  @ApiBadRequestResponse({
    type: ErrorBodyDto,
    description: 'A missing or too long name, an unknown scope, or a field that does not exist.',
  })
  async create(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyDto,
    @Req() req: Request,
  ): Promise<CreatedApiKeyDto> {
    const created = await this.apiKeys.create({
      accountId: access.accountId,
      name: body.name,
      scope: body.scope,
      createdBy: principal.type === 'user' ? principal.userId : null,
    });
    this.audit.record({
      action: 'api_key.created',
      actor: principal,
      accountId: access.accountId,
      target: { type: 'api_key', id: created.id },
      details: { name: created.name, scope: created.scope, prefix: created.prefix },
      clientAddress: req.ip ?? null,
    });
    return created;
  }

  @Get()
  @ApiOperation({
    summary: "List the account's active API keys",
    description: 'Newest first; revoked keys are not listed. Never the keys themselves.',
  })
  @ApiOkResponse({
    type: ApiKeyDto,
    isArray: true,
    description: 'The active keys, without the keys themselves.',
  })
  list(@CurrentAccess() access: ResourceAccess): Promise<ApiKeyDto[]> {
    return this.apiKeys.list(access.accountId);
  }

  @Delete(':keyId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Revoke an API key',
    description:
      'The key stops working at once, on every server: the next request with it gets 401. Revocation cannot be undone.',
  })
  @ApiParam({
    name: 'keyId',
    type: String,
    format: 'uuid',
    description: 'The `id` of the key, from the list.',
  })
  @ApiNoContentResponse({ description: 'Revoked. Empty body.' })
  @ApiNotFoundResponse({
    type: ErrorBodyDto,
    description:
      'No such account or key, a key of another account, or one already revoked (the same answer).',
  })
  async revoke(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('keyId') keyId: string,
    @Req() req: Request,
  ): Promise<void> {
    const revoked = await this.apiKeys.revoke(access.accountId, keyId);
    this.audit.record({
      action: 'api_key.revoked',
      actor: principal,
      accountId: access.accountId,
      target: { type: 'api_key', id: revoked.id },
      details: { name: revoked.name, scope: revoked.scope, prefix: revoked.prefix },
      clientAddress: req.ip ?? null,
    });
  }
}
