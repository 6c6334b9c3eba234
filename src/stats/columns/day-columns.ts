import { setImmediate as nextTurn } from 'node:timers/promises';
import { FIXED_DIMENSIONS } from '../dimensions.js';

/**
 * The day columns of a site: one local day of its visits and page views as columns of small
 * codes, for the breakdowns that no rollup answers (a filter on one dimension, a breakdown by
 * another), which would otherwise group millions of raw rows. The rollup job writes a day's
 * columns with its rollups (`stats_day_columns`); the stats read the days of a period, keep
 * them in memory, and count in Node (see `ColumnsReader`).
 *
 * What a day holds:
 * - visits: every visit with a page view that day or that started that day (sorted by id):
 *   its visitor (52 bits of `hashtextextended(visitor_id::text, 0)`, the hash the visitor
 *   sketches use), whether it started that day, its page views that day, and for one that
 *   started that day whether it bounced, its page views and duration; and the code of each
 *   visit dimension's value (`VISIT_COLUMNS`);
 * - page views of the day: their visit (an index into the visits; a visit's page views are
 *   consecutive) and the codes of their path and hostname (`PAGE_COLUMNS`); then the later page
 *   views (after that day) of the visits that started that day, the same way: what a page filter
 *   asks of a visit ("has a page view of /blog") is asked of all its page views;
 * - custom events of the day: their visit, the code of their name (`event`) and of their page's
 *   path and hostname (in the page columns' dictionaries).
 * Visits with a custom event that day are among the visits too.
 * A code is an index into the column's dictionary of that day (its values, null included).
 *
 * Serialized format (version 3), for `bytea`: a 4-byte big-endian length, then that many bytes
 * of JSON `{"v":3,"visits":n,"pageViews":m,"laterPageViews":k,"events":e,"dictionaries":{column:[values…]}}`,
 * then the
 * arrays, each at an offset that is a multiple of 8, little-endian, in this order: visitor
 * (float64 × n), duration (float64 × n), hits (uint32 × n), visitPageviews (uint32 × n), flags
 * (uint8 × n: bit 0 started that day, bit 1 bounced), each visit column (codes × n), visit
 * (uint32 × (m + k)), each page column (codes × (m + k)), event visit (uint32 × e), event names
 * (codes × e), each page column of the events (codes × e). The table's `format` column holds the
 * version too, so the job finds the days to write again after a change of format. Codes are uint8, uint16 or uint32: the smallest
 * that holds the dictionary.
 */

export const FORMAT_VERSION = 3;

/** Rows `DayColumns.encode` reads between two turns of the event loop (a few ms of work). */
const ROWS_PER_TURN = 4096;

/** The visit dimensions kept as columns: every fixed one. */
export const VISIT_COLUMNS = FIXED_DIMENSIONS.filter((d) => d.level === 'visit').map((d) => d.name);
/** The page dimensions kept as columns. */
export const PAGE_COLUMNS = FIXED_DIMENSIONS.filter((d) => d.level === 'page').map((d) => d.name);
/** The custom events' name column (`prop.<key>` dimensions are not kept). */
export const EVENT_COLUMN = 'event';

export const STARTED = 1;
export const BOUNCED = 2;

export type Codes = Uint8Array | Uint16Array | Uint32Array;

/** A visit as the job reads it (see `DAY_VISITS_SQL`): dimension values after the fixed ones. */
export type VisitRow = [
  id: string,
  visitor: number,
  started: boolean,
  hits: number,
  pageViewCount: number,
  duration: number,
  ...values: (string | null)[],
];

/** A page view as the job reads it (see `DAY_PAGE_VIEWS_SQL`). */
export type PageViewRow = [sessionId: string, ...values: (string | null)[]];

/** A custom event as the job reads it (see `DAY_EVENTS_SQL`): its name, then its page columns. */
export type EventRow = [sessionId: string, name: string, ...values: (string | null)[]];

export class DayColumns {
  private constructor(
    readonly visitors: Float64Array,
    readonly durations: Float64Array,
    readonly hits: Uint32Array,
    readonly visitPageviews: Uint32Array,
    readonly flags: Uint8Array,
    /** Per dimension name (visit and page columns): its values' codes and its dictionary. */
    readonly columns: ReadonlyMap<string, { codes: Codes; values: (string | null)[] }>,
    /** The visit of each page view: the day's first, then the later ones. */
    readonly pageViewVisits: Uint32Array,
    /** Page views of the day (the later ones follow them). */
    readonly pageViewCount: number,
    /** The visit of each custom event of the day. */
    readonly eventVisits: Uint32Array,
    /** The codes of the custom events' page columns (in those columns' dictionaries). */
    readonly eventPageCodes: ReadonlyMap<string, Codes>,
    /** The serialized size, which a cache of days counts. */
    readonly bytes: number,
  ) {}

  get visitCount(): number {
    return this.visitors.length;
  }

  column(name: string): { codes: Codes; values: (string | null)[] } {
    const column = this.columns.get(name);
    if (!column) throw new Error(`No day column ${name}`);
    return column;
  }

  /**
   * The serialized columns of a day's visits, its page views (one visit's consecutive) and the
   * later page views of its visits that started that day; every page view of a visit in
   * `visits`. It yields to the event loop every `ROWS_PER_TURN` rows: a busy day (130,000 page
   * views) takes about 100 ms to encode, which in one piece would hold up every `/track` request
   * of the process that long, each time the rollup job recomputes today.
   */
  static async encode(
    visits: VisitRow[],
    dayPageViews: PageViewRow[],
    laterPageViews: PageViewRow[] = [],
    events: EventRow[] = [],
  ): Promise<Buffer> {
    const n = visits.length;
    const pageViews = [...dayPageViews, ...laterPageViews];
    const m = pageViews.length;
    const index = new Map<string, number>();
    const visitors = new Float64Array(n);
    const durations = new Float64Array(n);
    const hits = new Uint32Array(n);
    const visitPageviews = new Uint32Array(n);
    const flags = new Uint8Array(n);
    const visitCodes = VISIT_COLUMNS.map(() => new Uint32Array(n));
    const visitDictionaries = VISIT_COLUMNS.map(() => new Dictionary());
    for (let i = 0; i < n; i++) {
      if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
      const row = visits[i];
      index.set(row[0], i);
      visitors[i] = row[1];
      flags[i] = (row[2] ? STARTED : 0) | (row[2] && row[4] <= 1 ? BOUNCED : 0);
      hits[i] = row[3];
      visitPageviews[i] = row[2] ? row[4] : 0;
      durations[i] = row[2] ? row[5] : 0;
      for (let k = 0; k < VISIT_COLUMNS.length; k++) {
        visitCodes[k][i] = visitDictionaries[k].code(row[6 + k] as string | null);
      }
    }
    const pageViewVisits = new Uint32Array(m);
    const pageCodes = PAGE_COLUMNS.map(() => new Uint32Array(m));
    const pageDictionaries = PAGE_COLUMNS.map(() => new Dictionary());
    for (let j = 0; j < m; j++) {
      if (j % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
      const row = pageViews[j];
      const visit = index.get(row[0]);
      if (visit === undefined) throw new Error(`Page view of a visit not in the day: ${row[0]}`);
      pageViewVisits[j] = visit;
      for (let k = 0; k < PAGE_COLUMNS.length; k++) {
        pageCodes[k][j] = pageDictionaries[k].code(row[1 + k]);
      }
    }
    const e = events.length;
    const eventVisits = new Uint32Array(e);
    const eventNames = new Uint32Array(e);
    const eventNameDictionary = new Dictionary();
    const eventPageCodes = PAGE_COLUMNS.map(() => new Uint32Array(e));
    for (let j = 0; j < e; j++) {
      if (j % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn();
      const row = events[j];
      const visit = index.get(row[0]);
      if (visit === undefined) throw new Error(`Event of a visit not in the day: ${row[0]}`);
      eventVisits[j] = visit;
      eventNames[j] = eventNameDictionary.code(row[1]);
      for (let k = 0; k < PAGE_COLUMNS.length; k++) {
        eventPageCodes[k][j] = pageDictionaries[k].code(row[2 + k]);
      }
    }
    const dictionaries: Record<string, (string | null)[]> = {
      [EVENT_COLUMN]: eventNameDictionary.values,
    };
    VISIT_COLUMNS.forEach((name, k) => (dictionaries[name] = visitDictionaries[k].values));
    PAGE_COLUMNS.forEach((name, k) => (dictionaries[name] = pageDictionaries[k].values));
    const header = Buffer.from(
      JSON.stringify({
        v: FORMAT_VERSION,
        visits: n,
        pageViews: dayPageViews.length,
        laterPageViews: laterPageViews.length,
        events: e,
        dictionaries,
      }),
    );
    const arrays: ArrayBufferView[] = [
      visitors,
      durations,
      hits,
      visitPageviews,
      flags,
      ...visitCodes.map((codes, k) => narrow(codes, visitDictionaries[k].values.length)),
      pageViewVisits,
      ...pageCodes.map((codes, k) => narrow(codes, pageDictionaries[k].values.length)),
      eventVisits,
      narrow(eventNames, eventNameDictionary.values.length),
      ...eventPageCodes.map((codes, k) => narrow(codes, pageDictionaries[k].values.length)),
    ];
    let size = align(4 + header.length);
    for (const array of arrays) size = align(size + array.byteLength);
    const out = Buffer.alloc(size);
    out.writeUInt32BE(header.length, 0);
    header.copy(out, 4);
    let offset = align(4 + header.length);
    for (const array of arrays) {
      Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(out, offset);
      offset = align(offset + array.byteLength);
    }
    return out;
  }

  /** Reads the format described at the top of this file. */
  static decode(data: Uint8Array): DayColumns {
    // A copy whose buffer starts at offset 0, so that every array is aligned in it; in shared
    // memory, which a worker thread counts in without a copy (see `CountPool`).
    const bytes = sharedArray(Uint8Array, data.byteLength);
    bytes.set(data);
    const source = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const headerLength = source.readUInt32BE(0);
    const header = JSON.parse(source.toString('utf8', 4, 4 + headerLength)) as {
      v: number;
      visits: number;
      pageViews: number;
      laterPageViews: number;
      events: number;
      dictionaries: Record<string, (string | null)[]>;
    };
    if (header.v !== FORMAT_VERSION) {
      throw new Error(`Day columns of format ${header.v}, not ${FORMAT_VERSION}`);
    }
    const n = header.visits;
    const m = header.pageViews + header.laterPageViews;
    let offset = align(4 + headerLength);
    const take = <T>(make: (buffer: ArrayBuffer, offset: number) => T, byteLength: number): T => {
      const array = make(bytes.buffer, offset);
      offset = align(offset + byteLength);
      return array;
    };
    const visitors = take((b, o) => new Float64Array(b, o, n), 8 * n);
    const durations = take((b, o) => new Float64Array(b, o, n), 8 * n);
    const hits = take((b, o) => new Uint32Array(b, o, n), 4 * n);
    const visitPageviews = take((b, o) => new Uint32Array(b, o, n), 4 * n);
    const flags = take((b, o) => new Uint8Array(b, o, n), n);
    const columns = new Map<string, { codes: Codes; values: (string | null)[] }>();
    const codesOf = (name: string, count: number): void => {
      const values = header.dictionaries[name];
      if (!values) throw new Error(`Day columns without ${name}`);
      const width = widthOf(values.length);
      columns.set(name, {
        values,
        codes: take((b, o) => codesView(b, o, count, width), width * count),
      });
    };
    for (const name of VISIT_COLUMNS) codesOf(name, n);
    const pageViewVisits = take((b, o) => new Uint32Array(b, o, m), 4 * m);
    for (const name of PAGE_COLUMNS) codesOf(name, m);
    const e = header.events;
    const eventVisits = take((b, o) => new Uint32Array(b, o, e), 4 * e);
    codesOf(EVENT_COLUMN, e);
    const eventPageCodes = new Map<string, Codes>();
    for (const name of PAGE_COLUMNS) {
      const width = widthOf(header.dictionaries[name].length);
      eventPageCodes.set(
        name,
        take((b, o) => codesView(b, o, e, width), width * e),
      );
    }
    if (offset > bytes.byteLength) throw new Error('Day columns cut short');
    return new DayColumns(
      visitors,
      durations,
      hits,
      visitPageviews,
      flags,
      columns,
      pageViewVisits,
      header.pageViews,
      eventVisits,
      eventPageCodes,
      bytes.byteLength,
    );
  }
}

/** Values in order of first appearance, each with its code. */
class Dictionary {
  readonly values: (string | null)[] = [];
  private readonly codes = new Map<string | null, number>();

  code(value: string | null): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }
}

/** A typed array of `length` over shared memory, which a worker thread reads without a copy. */
export function sharedArray<
  C extends { new (buffer: SharedArrayBuffer): ArrayBufferView; BYTES_PER_ELEMENT: number },
>(Type: C, length: number): InstanceType<C> {
  return new Type(new SharedArrayBuffer(Type.BYTES_PER_ELEMENT * length)) as InstanceType<C>;
}

function align(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

function widthOf(size: number): 1 | 2 | 4 {
  return size <= 0x100 ? 1 : size <= 0x10000 ? 2 : 4;
}

function narrow(codes: Uint32Array, size: number): Codes {
  const width = widthOf(size);
  return width === 4 ? codes : width === 2 ? Uint16Array.from(codes) : Uint8Array.from(codes);
}

function codesView(buffer: ArrayBuffer, offset: number, count: number, width: 1 | 2 | 4): Codes {
  return width === 1
    ? new Uint8Array(buffer, offset, count)
    : width === 2
      ? new Uint16Array(buffer, offset, count)
      : new Uint32Array(buffer, offset, count);
}
