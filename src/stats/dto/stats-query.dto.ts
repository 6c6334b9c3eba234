import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { MAX_FILTERS } from '../filters.js';
import {
  type Comparison,
  COMPARISONS,
  type Interval,
  INTERVALS,
  type PeriodName,
  PERIODS,
} from '../period.js';
import type { BreakdownSort } from '../stats.service.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A query parameter given once or repeated, as a list. */
function toList(value: unknown): unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [value];
}

const FILTER_DESCRIPTION =
  'Repeat for several filters (all must hold): `<dimension>:<operator>:<value>`, operators `is`, `is_not`, `contains`, `not_contains`; several values separated by `|` (any may match; write `\\|` for a `|` inside a value); `(none)` is "no value". `is` and `is_not` compare exactly (`*` is a wildcard for page, entry_page and exit_page); `contains` ignores case. Dimensions: page, hostname, entry_page, exit_page, source, referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, browser, browser_version, os, os_version, device, screen, country, event, prop.<key>, and goal (`goal:is:<goal name>`). Example: `country:is:DE|FR`.';

/** The period every stats route takes. */
export class PeriodQueryDto {
  @ApiPropertyOptional({
    enum: PERIODS,
    default: '30d',
    description:
      "`realtime` (the last 30 minutes), `day`, `7d` and `30d` (ending on `date`, today by default), `month`, `6mo`, `12mo` (calendar months ending with the month of `date`), `all` (since the first page view), `custom` (`from`–`to`). Dates are in the site's timezone.",
  })
  @IsOptional()
  @IsIn(PERIODS, { message: `period must be one of: ${PERIODS.join(', ')}` })
  period: PeriodName = '30d';

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'The day the period ends on or falls in (YYYY-MM-DD).',
  })
  @IsOptional()
  @Matches(DATE, { message: 'date must be a date as YYYY-MM-DD' })
  date?: string;

  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'First day of a custom period (inclusive).',
  })
  @IsOptional()
  @Matches(DATE, { message: 'from must be a date as YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-30',
    description: 'Last day of a custom period (inclusive).',
  })
  @IsOptional()
  @Matches(DATE, { message: 'to must be a date as YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({
    enum: COMPARISONS,
    default: 'off',
    description:
      '`previous`: the period of the same length just before (the previous calendar months for month, 6mo, 12mo); `year`: the same dates a year earlier. Not for realtime and all.',
  })
  @IsOptional()
  @IsIn(COMPARISONS, { message: `compare must be one of: ${COMPARISONS.join(', ')}` })
  compare: Comparison = 'off';
}

/** The period and filters of the stats routes. */
export class StatsQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({
    type: [String],
    example: ['country:is:DE|FR', 'page:is:/blog/*'],
    description: FILTER_DESCRIPTION,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => toList(value))
  @ArrayMaxSize(MAX_FILTERS, { message: `at most ${MAX_FILTERS} filters` })
  @IsString({ each: true, message: 'each filter must be text' })
  @MaxLength(4096, { each: true, message: 'a filter is at most 4096 characters' })
  filter?: string[];
}

export class TimeseriesQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({
    enum: INTERVALS,
    description:
      'Bucket size; by default hour for a day, day up to about three months, week or month beyond, minute for realtime.',
  })
  @IsOptional()
  @IsIn(INTERVALS, { message: `interval must be one of: ${INTERVALS.join(', ')}` })
  interval?: Interval;
}

const SORTS: BreakdownSort[] = [
  'visitors',
  'visits',
  'pageviews',
  'bounceRate',
  'visitDuration',
  'events',
  'conversionRate',
];

export const MAX_BREAKDOWN_LIMIT = 1000;

export class BreakdownQueryDto extends StatsQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_BREAKDOWN_LIMIT, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_BREAKDOWN_LIMIT}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${MAX_BREAKDOWN_LIMIT}` })
  @Max(MAX_BREAKDOWN_LIMIT, {
    message: `limit must be a whole number from 1 to ${MAX_BREAKDOWN_LIMIT}`,
  })
  limit = 100;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number from 1' })
  @Min(1, { message: 'page must be a whole number from 1' })
  @Max(100_000, { message: 'page must be at most 100000' })
  page = 1;

  @ApiPropertyOptional({ description: 'Only rows whose value contains this text (any case).' })
  @IsOptional()
  @IsString()
  @MaxLength(200, { message: 'search is at most 200 characters' })
  search?: string;

  @ApiPropertyOptional({
    enum: SORTS,
    description:
      'Default visitors. Visit dimensions: visitors, visits, pageviews, bounceRate, visitDuration; page and hostname: visitors, visits, pageviews; event and prop.<key>: visitors, events, conversionRate.',
  })
  @IsOptional()
  @IsIn(SORTS, { message: `sort must be one of: ${SORTS.join(', ')}` })
  sort?: BreakdownSort;

  @ApiPropertyOptional({ enum: ['desc', 'asc'], default: 'desc' })
  @IsOptional()
  @IsIn(['desc', 'asc'], { message: 'order must be desc or asc' })
  order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    default: 'json',
    description: '`csv`: every row (no paging), streamed as a CSV file.',
  })
  @IsOptional()
  @IsIn(['json', 'csv'], { message: 'format must be json or csv' })
  format: 'json' | 'csv' = 'json';
}

export class RealtimeQueryDto {
  @ApiPropertyOptional({ type: [String], description: FILTER_DESCRIPTION })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => toList(value))
  @ArrayMaxSize(MAX_FILTERS, { message: `at most ${MAX_FILTERS} filters` })
  @IsString({ each: true, message: 'each filter must be text' })
  filter?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number from 1 to 100' })
  @Min(1, { message: 'limit must be a whole number from 1 to 100' })
  @Max(100, { message: 'limit must be a whole number from 1 to 100' })
  limit = 10;
}

class MetricsDto {
  @ApiProperty({ description: 'Distinct visitors with a page view in the period.' })
  visitors!: number;
  @ApiProperty({ description: 'Visits (sessions) that started in the period.' })
  visits!: number;
  @ApiProperty({ description: 'Page views in the period.' })
  pageviews!: number;
  @ApiProperty({ description: 'Page views per visit, of the visits counted (two decimals).' })
  viewsPerVisit!: number;
  @ApiProperty({ description: 'Percent (whole) of the visits with one page view or none.' })
  bounceRate!: number;
  @ApiProperty({ description: 'Mean seconds from the start of a visit to its last activity.' })
  visitDuration!: number;
}

class PeriodViewDto {
  @ApiProperty({ enum: PERIODS })
  name!: PeriodName;
  @ApiProperty({ example: '2026-11-01', description: 'First day (site timezone).' })
  from!: string;
  @ApiProperty({ example: '2026-11-30', description: 'Last day, inclusive.' })
  to!: string;
  @ApiProperty({ example: 'Europe/Berlin' })
  timezone!: string;
}

class RangeDto {
  @ApiProperty({ example: '2026-10-01' })
  from!: string;
  @ApiProperty({ example: '2026-10-31' })
  to!: string;
}

export class SummaryDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty({ type: RangeDto, nullable: true })
  comparison!: RangeDto | null;
  @ApiProperty({ type: MetricsDto })
  metrics!: MetricsDto;
  @ApiProperty({
    type: MetricsDto,
    nullable: true,
    description: "The comparison period's metrics.",
  })
  previous!: MetricsDto | null;
}

class PointDto extends MetricsDto {
  @ApiProperty({
    example: '2026-11-01',
    description:
      'Local start of the bucket: YYYY-MM-DD, or YYYY-MM-DDTHH:MM for hours and minutes.',
  })
  date!: string;
}

class ComparisonSeriesDto extends RangeDto {
  @ApiProperty({ type: [PointDto] })
  points!: PointDto[];
}

export class TimeseriesDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty({ enum: INTERVALS })
  interval!: Interval;
  @ApiProperty({ type: [PointDto] })
  points!: PointDto[];
  @ApiProperty({ type: ComparisonSeriesDto, nullable: true })
  comparison!: ComparisonSeriesDto | null;
}

class BreakdownRowDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The value; null is "no value" (Direct / None for source).',
  })
  value!: string | null;
  @ApiProperty()
  visitors!: number;
  @ApiPropertyOptional({ description: 'Visit and page dimensions.' })
  visits?: number;
  @ApiPropertyOptional({ description: 'Visit and page dimensions.' })
  pageviews?: number;
  @ApiPropertyOptional({ description: 'Visit dimensions: percent of visits with one page view.' })
  bounceRate?: number;
  @ApiPropertyOptional({ description: 'Visit dimensions: mean visit duration in seconds.' })
  visitDuration?: number;
  @ApiPropertyOptional({ description: 'Event dimensions: how many events.' })
  events?: number;
  @ApiPropertyOptional({
    description: 'Event dimensions: percent of all visitors of the period (one decimal).',
  })
  conversionRate?: number;
}

export class BreakdownDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty()
  dimension!: string;
  @ApiProperty({ type: [String], description: 'The fields of every row, in order.' })
  columns!: string[];
  @ApiProperty({ type: [BreakdownRowDto] })
  rows!: BreakdownRowDto[];
  @ApiProperty()
  page!: number;
  @ApiProperty()
  limit!: number;
  @ApiProperty({ description: 'Whether a next page has rows.' })
  hasMore!: boolean;
}

class RealtimeRowDto {
  @ApiProperty({ type: String, nullable: true })
  value!: string | null;
  @ApiProperty()
  visitors!: number;
}

export class RealtimeDto {
  @ApiProperty({ description: 'Distinct visitors with a page view in the last 5 minutes.' })
  visitors!: number;
  @ApiProperty({
    type: [RealtimeRowDto],
    description: 'Pages viewed in the last 5 minutes, by visitors.',
  })
  pages!: RealtimeRowDto[];
  @ApiProperty({
    type: [RealtimeRowDto],
    description: "Sources of those visitors' visits; null is Direct / None.",
  })
  sources!: RealtimeRowDto[];
}

class FilteredDayDto {
  @ApiProperty({ example: '2026-11-30', description: "The day, in the site's timezone." })
  date!: string;
  @ApiProperty({
    example: 'bot',
    description:
      'Why nothing was stored: bot, prefetch, referrer_spam, origin_not_allowed, rate_limited, invalid, too_large, unsupported_media_type, site_not_found (the site was deactivated)…',
  })
  reason!: string;
  @ApiProperty()
  count!: number;
}

class FilteredTotalDto {
  @ApiProperty({ example: 'bot' })
  reason!: string;
  @ApiProperty()
  count!: number;
}

export class EventPropertiesQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({
    description: 'Only the properties of the custom events of this name.',
    example: 'Signup',
    maxLength: 200,
  })
  @IsOptional()
  @IsString({ message: 'event must be text' })
  @MaxLength(200, { message: 'event must be at most 200 characters long' })
  event?: string;
}

class EventPropertyKeyDto {
  @ApiProperty({ example: 'plan' })
  key!: string;
  @ApiProperty({ description: 'Custom events of the period with this property.' })
  events!: number;
}

export class EventPropertiesDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty({
    type: [EventPropertyKeyDto],
    description:
      'The property keys, most used first (at most 50); break one down with `prop.<key>`.',
  })
  keys!: EventPropertyKeyDto[];
}

export class FilteredTrafficDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty({ type: [FilteredDayDto] })
  days!: FilteredDayDto[];
  @ApiProperty({
    type: [FilteredTotalDto],
    description: 'Per reason over the period, largest first.',
  })
  totals!: FilteredTotalDto[];
}

class GoalStatsDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty({ example: 'Signup' })
  name!: string;
  @ApiProperty({ enum: ['event', 'page'] })
  kind!: 'event' | 'page';
  @ApiProperty({ type: String, nullable: true })
  eventName!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '/thanks/*' })
  pagePath!: string | null;
  @ApiProperty({ description: 'Visitors who converted in the period.' })
  visitors!: number;
  @ApiProperty({ description: 'Matching custom events, or page views of a matching page.' })
  conversions!: number;
  @ApiProperty({
    description: 'Converted visitors over all visitors of the period, percent, one decimal.',
  })
  conversionRate!: number;
}

export class GoalsStatsDto {
  @ApiProperty({ type: PeriodViewDto })
  period!: PeriodViewDto;
  @ApiProperty({ type: [GoalStatsDto] })
  goals!: GoalStatsDto[];
}
