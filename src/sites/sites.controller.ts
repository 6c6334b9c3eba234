import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Patch,
  Post,
  Req,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { AccountAccess, SiteAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import { type Principal, type ResourceAccess, siteIdOf } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import type { AuditRecord } from '../audit/audit.service.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import {
  CreatedSiteDto,
  CreateSiteDto,
  InstallationDto,
  SiteDto,
  SnippetDto,
  UpdateSiteDto,
} from './dto/site.dto.js';
import { SitePurger } from './site-purger.js';
import { SitesService, type SiteView } from './sites.service.js';

const INVALID = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description: 'A field is missing, invalid or unknown; the message names each one.',
});

const SITE_GONE = 'Site not found.';

function toDto(site: SiteView): SiteDto {
  return {
    id: site.id,
    accountId: site.accountId,
    name: site.name,
    domain: site.domain,
    allowedDomains: site.allowedDomains,
    timezone: site.timezone,
    retentionMonths: site.retentionMonths,
    isActive: site.isActive,
    createdAt: site.createdAt,
  };
}

/** Managing sites: what a dashboard's site settings and setup screens call. */
@ApiTags('sites')
@Controller('api')
export class SitesController {
  constructor(
    private readonly sites: SitesService,
    private readonly purger: SitePurger,
    private readonly audit: AuditService,
  ) {}

  @Get('accounts/:accountId/sites')
  @AccountAccess('viewer', { keys: 'stats:read' })
  @ApiOperation({
    summary: "List the account's sites",
    description: 'Oldest first. Sites being deleted are not listed.',
  })
  @ApiOkResponse({ type: [SiteDto] })
  async list(@CurrentAccess() access: ResourceAccess): Promise<SiteDto[]> {
    return (await this.sites.list(access.accountId)).map(toDto);
  }

  @Post('accounts/:accountId/sites')
  @AccountAccess('admin')
  @ApiOperation({
    summary: 'Create a site',
    description:
      'The same creation as `npm run cli -- sites create`. Answers the site with the snippet to paste into its pages; /track accepts its events at once.',
  })
  @ApiCreatedResponse({ type: CreatedSiteDto })
  @INVALID
  async create(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSiteDto,
    @Req() req: Request,
  ): Promise<CreatedSiteDto> {
    const site = await this.sites.create({ ...body, accountId: access.accountId });
    this.record(req, principal, access.accountId, site.id, 'site.created');
    return { ...toDto(site), snippet: this.snippetOf(site.id) };
  }

  @Get('sites/:siteId')
  @SiteAccess('viewer', { keys: 'stats:read' })
  @ApiOperation({ summary: 'Read a site' })
  @ApiOkResponse({ type: SiteDto })
  async get(@CurrentAccess() access: ResourceAccess): Promise<SiteDto> {
    const site = await this.sites.get(siteIdOf(access));
    if (!site) throw new NotFoundException(SITE_GONE);
    return toDto(site);
  }

  @Patch('sites/:siteId')
  @SiteAccess('admin')
  @ApiOperation({
    summary: 'Change a site',
    description:
      'Only the fields sent change. /track on the replica that answered applies the change at once; other replicas within `SITE_CACHE_TTL_SECONDS`.',
  })
  @ApiOkResponse({ type: SiteDto, description: 'The site as it is now.' })
  @INVALID
  async update(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Body() body: UpdateSiteDto,
    @Req() req: Request,
  ): Promise<SiteDto> {
    const siteId = siteIdOf(access);
    const updated = await this.sites.update(siteId, body);
    if (!updated) throw new NotFoundException(SITE_GONE);
    if (updated.changed.length > 0) {
      this.record(req, principal, access.accountId, siteId, 'site.updated', {
        fields: updated.changed,
      });
    }
    return toDto(updated.site);
  }

  @Delete('sites/:siteId')
  @SiteAccess('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Delete a site and all its traffic',
    description:
      'At once the site is gone from the API and /track refuses its events (404; other replicas within `SITE_CACHE_TTL_SECONDS`). Its visitors, sessions, page views, custom events and event receipts are then removed in the background, in small batches that do not hold up other sites; a deletion interrupted by a restart resumes at the next start. Its id is never used again.',
  })
  @ApiAcceptedResponse({ description: 'Deleted; its traffic is being removed. Empty body.' })
  async remove(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<void> {
    const siteId = siteIdOf(access);
    if (!(await this.sites.markDeleted(siteId))) throw new NotFoundException(SITE_GONE);
    this.record(req, principal, access.accountId, siteId, 'site.deleted');
    this.purger.kick();
  }

  @Get('sites/:siteId/snippet')
  @SiteAccess('viewer')
  @ApiOperation({ summary: "The site's tracking snippet and test page" })
  @ApiOkResponse({ type: SnippetDto })
  snippet(@CurrentAccess() access: ResourceAccess): SnippetDto {
    return this.snippetOf(siteIdOf(access));
  }

  @Get('sites/:siteId/installation')
  @SiteAccess('viewer', { keys: 'stats:read' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Has the site received an event, and when',
    description:
      'For a setup screen to poll (every few seconds is fine, whatever the size of the site) after the snippet is pasted: `installed` turns true with the first stored page view or custom event.',
  })
  @ApiOkResponse({ type: InstallationDto })
  async installation(
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<InstallationDto> {
    const siteId = siteIdOf(access);
    const found = await this.sites.installation(siteId);
    this.record(req, principal, access.accountId, siteId, 'site.data_read', {
      what: 'installation',
    });
    return {
      installed: found.installed,
      firstEventAt: found.firstEventAt?.toISOString() ?? null,
      lastEventAt: found.lastEventAt?.toISOString() ?? null,
    };
  }

  private snippetOf(siteId: string): SnippetDto {
    return {
      html: this.sites.snippet(siteId),
      scriptUrl: this.sites.scriptUrl(),
      testPageUrl: this.sites.testPageUrl(siteId),
    };
  }

  private record(
    req: Request,
    actor: Principal,
    accountId: string,
    siteId: string,
    action: AuditRecord['action'],
    details?: AuditRecord['details'],
  ): void {
    this.audit.record({
      action,
      actor,
      accountId,
      siteId,
      target: { type: 'site', id: siteId },
      details,
      clientAddress: req.ip ?? null,
    });
  }
}
