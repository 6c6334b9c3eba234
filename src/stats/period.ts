/**
 * The periods the stats answer for, as calendar dates in the site's timezone. Pure: the caller
 * gives "now" (the app's clock) and turns the local bounds into instants in the database, where
 * the same timezone rules bucket the rows.
 */

export const PERIODS = [
  'realtime',
  'day',
  '7d',
  '30d',
  'month',
  '6mo',
  '12mo',
  'all',
  'custom',
] as const;
export type PeriodName = (typeof PERIODS)[number];

export const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export const COMPARISONS = ['previous', 'year', 'off'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** How long the realtime period looks back. */
export const REALTIME_MINUTES = 30;
/** The most points a timeseries may have. */
export const MAX_POINTS = 1000;
/** The longest custom range, in days (about ten years). */
export const MAX_CUSTOM_DAYS = 3700;

/**
 * A span of local time: `[from, to)` as local timestamps (`YYYY-MM-DD HH:MM:SS`, no zone), which
 * the database turns into instants with `AT TIME ZONE`.
 */
export interface LocalRange {
  from: string;
  to: string;
  /** The first and last calendar day covered (inclusive), for answers and CSV file names. */
  firstDate: string;
  lastDate: string;
}

export interface ResolvedPeriod {
  name: PeriodName;
  range: LocalRange;
  /**
   * For `realtime`: the instants themselves (a local time is ambiguous in the hour that repeats
   * when clocks go back, and realtime is about the last minutes, not about calendar days).
   */
  instants?: { from: Date; to: Date };
  /** The range to compare with, if any. */
  comparison: LocalRange | null;
  /** The bucket size of a timeseries when the caller gives none. */
  defaultInterval: Interval;
}

export interface PeriodRequest {
  period: PeriodName;
  /** For `day`, `7d`, `30d`, `month`, `6mo`, `12mo`: the day the period ends on or falls in. */
  date?: string;
  /** For `custom`: first and last day, inclusive. */
  from?: string;
  to?: string;
  compare: Comparison;
}

/** A period the caller asked for that cannot be answered: the message says why, for a 400. */
export class PeriodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PeriodError';
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar date as a UTC midnight, so that date arithmetic ignores every timezone. */
function parseDate(value: string, field: string): Date {
  const parsed = DATE.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(parsed.getTime()) || formatDate(parsed) !== value) {
    throw new PeriodError(`${field} must be a date as YYYY-MM-DD (got "${value}")`);
  }
  return parsed;
}

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

/** The calendar date `days` after `date` (`YYYY-MM-DD`; before it when negative). */
export function shiftDate(date: string, days: number): string {
  return formatDate(addDays(new Date(`${date}T00:00:00Z`), days));
}

function startOfMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

function addMonths(date: Date, months: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
}

/** The same day a year earlier; 29 February becomes 28 February. */
function yearEarlier(date: Date): Date {
  const shifted = new Date(
    Date.UTC(date.getUTCFullYear() - 1, date.getUTCMonth(), date.getUTCDate()),
  );
  return shifted.getUTCMonth() === date.getUTCMonth() ? shifted : addDays(shifted, -1);
}

function daysBetween(first: Date, last: Date): number {
  return Math.round((last.getTime() - first.getTime()) / 86_400_000) + 1;
}

/** Whole days `[first, last]` as a local range. */
function days(first: Date, last: Date): LocalRange {
  return {
    from: `${formatDate(first)} 00:00:00`,
    to: `${formatDate(addDays(last, 1))} 00:00:00`,
    firstDate: formatDate(first),
    lastDate: formatDate(last),
  };
}

/** Formatters by timezone: making one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    // IANA names are a bounded set; a timezone is checked before it reaches here.
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The calendar date and time of `instant` in `timezone`. */
export function localDateTime(instant: Date, timezone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    formatterOf(timezone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
  };
}

/**
 * Resolves a period for a site in `timezone` at `now`. `firstDate` is the local date of the
 * site's first stored event (for `all`), or today when it has none.
 */
export function resolvePeriod(
  request: PeriodRequest,
  now: Date,
  timezone: string,
  firstDate: string,
): ResolvedPeriod {
  const today = parseDate(localDateTime(now, timezone).date, 'today');
  if (request.period !== 'custom' && (request.from !== undefined || request.to !== undefined)) {
    throw new PeriodError('from and to are only for period=custom');
  }
  if (request.date !== undefined && ['realtime', 'all', 'custom'].includes(request.period)) {
    throw new PeriodError(`date is not used with period=${request.period}`);
  }
  const anchor = request.date === undefined ? today : parseDate(request.date, 'date');

  switch (request.period) {
    case 'realtime': {
      // The last minutes up to now, in whole minutes so that every point is a full minute.
      const end = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + 60_000);
      const start = new Date(end.getTime() - REALTIME_MINUTES * 60_000);
      const from = localDateTime(start, timezone);
      const to = localDateTime(end, timezone);
      return {
        name: 'realtime',
        range: {
          from: `${from.date} ${from.time}`,
          to: `${to.date} ${to.time}`,
          firstDate: from.date,
          lastDate: to.date,
        },
        instants: { from: start, to: end },
        comparison: null,
        defaultInterval: 'minute',
      };
    }
    case 'day':
    case '7d':
    case '30d': {
      const length = { day: 1, '7d': 7, '30d': 30 }[request.period];
      const first = addDays(anchor, 1 - length);
      return {
        name: request.period,
        range: days(first, anchor),
        comparison: compared(request.compare, first, anchor, () => [
          addDays(first, -length),
          addDays(anchor, -length),
        ]),
        defaultInterval: request.period === 'day' ? 'hour' : 'day',
      };
    }
    case 'month':
    case '6mo':
    case '12mo': {
      const months = { month: 1, '6mo': 6, '12mo': 12 }[request.period];
      const first = addMonths(startOfMonth(anchor), 1 - months);
      const last = addDays(addMonths(startOfMonth(anchor), 1), -1);
      return {
        name: request.period,
        range: days(first, last),
        comparison: compared(request.compare, first, last, () => [
          addMonths(first, -months),
          addDays(first, -1),
        ]),
        defaultInterval: request.period === 'month' ? 'day' : 'month',
      };
    }
    case 'all': {
      const first = parseDate(firstDate, 'firstDate');
      const start = first.getTime() < today.getTime() ? first : today;
      const length = daysBetween(start, today);
      return {
        name: 'all',
        range: days(start, today),
        comparison: null,
        defaultInterval: length <= 45 ? 'day' : length <= 400 ? 'week' : 'month',
      };
    }
    case 'custom': {
      if (request.from === undefined || request.to === undefined) {
        throw new PeriodError('period=custom needs from and to (YYYY-MM-DD, both inclusive)');
      }
      const first = parseDate(request.from, 'from');
      const last = parseDate(request.to, 'to');
      if (last.getTime() < first.getTime()) throw new PeriodError('to must not be before from');
      const length = daysBetween(first, last);
      if (length > MAX_CUSTOM_DAYS) {
        throw new PeriodError(`a custom period may span at most ${MAX_CUSTOM_DAYS} days`);
      }
      return {
        name: 'custom',
        range: days(first, last),
        comparison: compared(request.compare, first, last, () => [
          addDays(first, -length),
          addDays(first, -1),
        ]),
        defaultInterval:
          length <= 2 ? 'hour' : length <= 92 ? 'day' : length <= 400 ? 'week' : 'month',
      };
    }
  }
}

function compared(
  compare: Comparison,
  first: Date,
  last: Date,
  previous: () => [Date, Date],
): LocalRange | null {
  if (compare === 'off') return null;
  if (compare === 'year') return days(yearEarlier(first), yearEarlier(last));
  const [from, to] = previous();
  return days(from, to);
}

const INTERVAL_MS: Record<Interval, number> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 28 * 86_400_000,
};

/** Refuses an interval that does not fit the period: minutes outside realtime, too many points. */
export function checkInterval(period: ResolvedPeriod, interval: Interval): void {
  if (interval === 'minute' && period.name !== 'realtime') {
    throw new PeriodError('interval=minute is only for period=realtime');
  }
  if (period.name === 'realtime' && interval !== 'minute') {
    throw new PeriodError('period=realtime has only interval=minute');
  }
  const span =
    new Date(`${period.range.to.replace(' ', 'T')}Z`).getTime() -
    new Date(`${period.range.from.replace(' ', 'T')}Z`).getTime();
  const points = Math.ceil(span / INTERVAL_MS[interval]);
  if (points > MAX_POINTS) {
    throw new PeriodError(
      `interval=${interval} would give about ${points} points for this period; at most ${MAX_POINTS}: choose a longer interval`,
    );
  }
}
