import {
  BadRequestException,
  Controller,
  Get,
  Header,
  Param,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SiteAccess } from '../auth/access-rules.js';
import { CurrentAccess, CurrentPrincipal } from '../auth/current.decorators.js';
import { type Principal, type ResourceAccess, siteIdOf } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { ErrorBodyDto } from '../common/dto/error-body.dto.js';
import { csvLine, csvResponse } from './csv.js';
import { DIMENSION_NAMES } from './dimensions.js';
import {
  BreakdownDto,
  BreakdownQueryDto,
  EventPropertiesDto,
  EventPropertiesQueryDto,
  FilteredTrafficDto,
  GoalsStatsDto,
  PeriodQueryDto,
  RealtimeDto,
  RealtimeQueryDto,
  StatsQueryDto,
  SummaryDto,
  TimeseriesDto,
  TimeseriesQueryDto,
} from './dto/stats-query.dto.js';
import {
  type BreakdownResult,
  type GoalsResult,
  type RealtimeResult,
  StatsRequestError,
  StatsService,
  type StatsRequest,
  type SummaryResult,
  type TimeseriesResult,
} from './stats.service.js';

const INVALID = ApiBadRequestResponse({
  type: ErrorBodyDto,
  description:
    'A parameter, filter, period or dimension is invalid; the message says which and why.',
});

function statsRequest(query: StatsQueryDto, access: ResourceAccess): StatsRequest {
  return {
    timezone: access.siteTimezone,
    period: query.period,
    date: query.date,
    from: query.from,
    to: query.to,
    compare: query.compare,
    filters: query.filter,
  };
}

/** Answers a 400 for what the stats cannot answer as asked. */
async function answering<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof StatsRequestError) throw new BadRequestException(error.message);
    throw error;
  }
}

/**
 * The stats of a site: what the dashboard shows, and exactly what an API key with the
 * `stats:read` scope can read. Every read is in the audit log (`site.data_read`, at most one a
 * minute per reader, site and kind of read).
 */
@ApiTags('stats')
@Controller('api/sites/:siteId/stats')
export class StatsController {
  constructor(
    private readonly stats: StatsService,
    private readonly audit: AuditService,
  ) {}

  @Get('summary')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Top-line figures of a period',
    description:
      'Unique visitors, visits, page views, views per visit, bounce rate and visit duration, with the comparison period\'s figures when `compare` is set. See the README, "Stats: definitions".',
  })
  @ApiOkResponse({ type: SummaryDto })
  @INVALID
  summary(
    @Query() query: StatsQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<SummaryResult> {
    this.record(req, principal, access, 'stats.summary');
    return answering(() => this.stats.summary(siteIdOf(access), statsRequest(query, access)));
  }

  @Get('timeseries')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The figures by hour, day, week or month',
    description:
      "One point per bucket of the period (buckets without traffic are zeros), in the site's timezone; a visit counts in the bucket it started in.",
  })
  @ApiOkResponse({ type: TimeseriesDto })
  @INVALID
  timeseries(
    @Query() query: TimeseriesQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<TimeseriesResult> {
    this.record(req, principal, access, 'stats.timeseries');
    return answering(() =>
      this.stats.timeseries(siteIdOf(access), {
        ...statsRequest(query, access),
        interval: query.interval,
      }),
    );
  }

  @Get('breakdown/:dimension')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @ApiParam({
    name: 'dimension',
    description: `One of ${DIMENSION_NAMES.join(', ')}.`,
    example: 'source',
  })
  @ApiOperation({
    summary: 'The figures per value of a dimension',
    description:
      'Top pages, sources, countries, browsers… sorted, paged and searchable. Visit dimensions (entry/exit page, source, referrer, utm_*, browser, os, device, screen, country) give visitors, visits, page views, bounce rate and visit duration; page and hostname give visitors, visits and page views; event and prop.<key> give visitors, events and conversion rate. `format=csv` streams every row as a CSV file.',
  })
  @ApiOkResponse({ type: BreakdownDto })
  @ApiProduces('application/json', 'text/csv')
  @INVALID
  async breakdown(
    @Param('dimension') dimension: string,
    @Query() query: BreakdownQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BreakdownResult | undefined> {
    const siteId = siteIdOf(access);
    const request = {
      ...statsRequest(query, access),
      dimension,
      search: query.search,
      sort: query.sort,
      order: query.order,
    };
    if (query.format === 'csv') {
      this.record(req, principal, access, 'stats.export');
      await this.streamCsv(res, (writer) => {
        let columns: string[] = [];
        return this.stats.streamBreakdown(
          siteId,
          request,
          (head) => {
            columns = head.columns;
            writer.start(`${head.dimension}-${head.period.from}-${head.period.to}.csv`, columns);
          },
          (rows) => writer.rows(rows.map((row) => columns.map((c) => row[c as keyof typeof row]))),
        );
      });
      return undefined;
    }
    res.setHeader('Cache-Control', 'no-store');
    this.record(req, principal, access, 'stats.breakdown');
    return answering(() =>
      this.stats.breakdown(siteId, { ...request, limit: query.limit, page: query.page }),
    );
  }

  @Get('realtime')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Who is on the site now',
    description:
      'Visitors with a page view in the last 5 minutes, the pages they viewed and the sources of their visits. Poll it (every few seconds is fine).',
  })
  @ApiOkResponse({ type: RealtimeDto })
  @INVALID
  realtime(
    @Query() query: RealtimeQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<RealtimeResult> {
    this.record(req, principal, access, 'stats.realtime');
    return answering(() =>
      this.stats.realtime(siteIdOf(access), query.filter, query.limit, access.siteTimezone),
    );
  }

  @Get('goals')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Conversions of each goal',
    description:
      'Every goal of the site (see the goals API), oldest first, with the visitors who converted in the period, the conversions (matching custom events, or page views of a matching page) and the conversion rate: those visitors over every visitor of the period, under the filters that are not about custom events or goals.',
  })
  @ApiOkResponse({ type: GoalsStatsDto })
  @INVALID
  goals(
    @Query() query: StatsQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<GoalsResult> {
    this.record(req, principal, access, 'stats.goals');
    return answering(() => this.stats.goals(siteIdOf(access), statsRequest(query, access)));
  }

  @Get('event-properties')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @ApiOperation({
    summary: 'The property keys of the custom events of a period',
    description:
      'The keys the custom events of the period carry (of one event name with `event`), most used first: break one down with the dimension `prop.<key>`.',
  })
  @ApiOkResponse({ type: EventPropertiesDto })
  @INVALID
  eventProperties(
    @Query() query: EventPropertiesQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<EventPropertiesDto> {
    this.record(req, principal, access, 'stats.event_properties');
    return answering(() =>
      this.stats.eventProperties(
        siteIdOf(access),
        {
          period: query.period,
          date: query.date,
          from: query.from,
          to: query.to,
          compare: 'off',
          timezone: access.siteTimezone,
        },
        query.event,
      ),
    );
  }

  @Get('filtered-traffic')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Traffic that was not counted, per day and reason',
    description:
      'Requests to /track for this site that stored nothing: bots, prefetches, referrer spam, a page not on the allowed domains, over the rate limit, invalid events… Counted per hour as they happen and written every few seconds, so the last seconds may be missing. Requests that name no site (or an unknown one) are not counted here.',
  })
  @ApiOkResponse({ type: FilteredTrafficDto })
  @INVALID
  filteredTraffic(
    @Query() query: PeriodQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
  ): Promise<FilteredTrafficDto> {
    this.record(req, principal, access, 'stats.filtered_traffic');
    return answering(() =>
      this.stats.filteredTraffic(siteIdOf(access), {
        period: query.period,
        date: query.date,
        from: query.from,
        to: query.to,
        compare: 'off',
        timezone: access.siteTimezone,
      }),
    );
  }

  @Get('export/:kind')
  @SiteAccess('viewer', { keys: 'stats:read', sharedLinks: true })
  @ApiParam({ name: 'kind', enum: ['pageviews', 'events'] })
  @ApiOperation({
    summary: 'Every page view or custom event of a period, as CSV',
    description:
      'One row per page view (or custom event) with its time (UTC and local), page, visitor and visit ids, and the facts of its visit (source, campaign, browser, OS, device, screen, country). Filters apply. Streamed: any size, constant memory.',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'A CSV file.' })
  @INVALID
  async export(
    @Param('kind') kind: string,
    @Query() query: StatsQueryDto,
    @CurrentAccess() access: ResourceAccess,
    @CurrentPrincipal() principal: Principal,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (kind !== 'pageviews' && kind !== 'events') {
      throw new BadRequestException('kind must be pageviews or events');
    }
    this.record(req, principal, access, 'stats.export');
    await this.streamCsv(res, (writer) => {
      let columns: string[] = [];
      return this.stats.streamRaw(
        siteIdOf(access),
        kind,
        statsRequest(query, access),
        (view, head) => {
          columns = head;
          writer.start(`${kind}-${view.from}-${view.to}.csv`, columns);
        },
        (rows) => writer.rows(rows.map((row) => columns.map((c) => row[c]))),
      );
    });
  }

  /**
   * Runs an export: errors before the first byte are answered as usual (400 for a bad request);
   * after it, the connection is cut, so a client never takes a cut file for a whole one.
   */
  private async streamCsv(
    res: Response,
    run: (writer: {
      start: (filename: string, columns: string[]) => void;
      rows: (rows: unknown[][]) => Promise<boolean>;
    }) => Promise<void>,
  ): Promise<void> {
    let out: ReturnType<typeof csvResponse> | undefined;
    try {
      await answering(() =>
        run({
          start: (filename, columns) => {
            out = csvResponse(res, filename);
            res.write(csvLine(columns));
          },
          rows: (rows) => out!.write(rows.map(csvLine).join('')),
        }),
      );
      out?.end();
    } catch (error) {
      if (!out) throw error;
      res.destroy(error as Error);
    }
  }

  private record(req: Request, actor: Principal, access: ResourceAccess, what: string): void {
    this.audit.record({
      action: 'site.data_read',
      actor,
      accountId: access.accountId,
      siteId: access.siteId,
      target: { type: 'site', id: siteIdOf(access) },
      details: { what },
      clientAddress: req.ip ?? null,
    });
  }
}
