import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuditService } from '../audit/audit.service.js';
import { Public, SiteAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import { type Principal, type ResourceAccess, siteIdOf } from '../auth/principal.js';
import { AuthRateLimits } from '../auth-flows/auth-rate-limits.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { appConfig } from '../config/app.config.js';
import {
  CreatedSharedLinkDto,
  CreateSharedLinkDto,
  OpenedSharedLinkDto,
  OpenSharedLinkDto,
  SharedLinkDto,
} from './dto/shared-link.dto.js';
import { SharedLinksService } from './shared-links.service.js';

const LINK_ID = ApiParam({ name: 'linkId', format: 'uuid', description: 'The shared link.' });

/** Read-only links to one site's dashboard: admins manage them, anyone with one opens it. */
@ApiTags('sites')
@Controller('api')
export class SharedLinksController {
  constructor(
    private readonly links: SharedLinksService,
    private readonly audit: AuditService,
    private readonly limits: AuthRateLimits,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  @Get('sites/:siteId/shared-links')
  @SiteAccess('admin', { keys: 'none' })
  @ApiOperation({ summary: "The site's shared links (never the links themselves)" })
  @ApiOkResponse({ type: [SharedLinkDto] })
  list(@CurrentAccess() access: ResourceAccess): Promise<SharedLinkDto[]> {
    return this.links.list(siteIdOf(access));
  }

  @Post('sites/:siteId/shared-links')
  @SiteAccess('admin', { keys: 'none' })
  @ApiOperation({
    summary: 'Create a read-only link to the site’s dashboard',
    description:
      'Whoever has the link sees this site’s stats and nothing else. The link is in this answer only.',
  })
  @ApiCreatedResponse({ type: CreatedSharedLinkDto })
  @ApiBadRequestResponse({ type: ErrorBodyDto, description: 'A missing name or a short password.' })
  async create(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSharedLinkDto,
    @Req() req: Request,
  ): Promise<CreatedSharedLinkDto> {
    const siteId = siteIdOf(access);
    const { token, ...link } = await this.links.create({
      siteId,
      name: body.name,
      password: body.password ?? null,
      createdBy: principal.type === 'user' ? principal.userId : null,
    });
    this.audit.record({
      action: 'shared_link.created',
      actor: principal,
      accountId: access.accountId,
      siteId,
      target: { type: 'shared_link', id: link.id },
      details: { name: link.name, protected: link.hasPassword },
      clientAddress: req.ip ?? null,
    });
    return { ...link, link: `${this.app.publicUrl}/share/${token}` };
  }

  @Delete('sites/:siteId/shared-links/:linkId')
  @SiteAccess('admin', { keys: 'none' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @LINK_ID
  @ApiOperation({ summary: 'Revoke a shared link: it stops working at once' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  async revoke(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Param('linkId') linkId: string,
    @Req() req: Request,
  ): Promise<void> {
    const siteId = siteIdOf(access);
    if (!(await this.links.revoke(siteId, linkId))) {
      throw new NotFoundException('This site has no shared link with this id.');
    }
    this.audit.record({
      action: 'shared_link.revoked',
      actor: principal,
      accountId: access.accountId,
      siteId,
      target: { type: 'shared_link', id: linkId },
      clientAddress: req.ip ?? null,
    });
  }

  @Post('shared-links/open')
  @Public()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Open a shared link',
    description:
      'The site a shared link shows; for a link with a password, checks it and answers the proof to send with the stats requests. Then call the site’s stats routes with `X-Trackveil-Share: <token>` (and `X-Trackveil-Share-Access`).',
  })
  @ApiOkResponse({ type: OpenedSharedLinkDto })
  @ApiUnauthorizedResponse({ type: ErrorBodyDto, description: 'The password is missing or wrong.' })
  @ApiNotFoundResponse({ type: ErrorBodyDto, description: 'No such link, or it was revoked.' })
  @ApiTooManyRequestsResponse({ type: ErrorBodyDto, description: 'Too many password attempts.' })
  async open(
    @Body() body: OpenSharedLinkDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<OpenedSharedLinkDto> {
    return this.links.open(body.token, body.password, (linkId) =>
      this.limits.sharedLinkPassword(req, res, linkId),
    );
  }
}
