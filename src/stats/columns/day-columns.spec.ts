import {
  BOUNCED,
  DayColumns,
  PAGE_COLUMNS,
  type PageViewRow,
  STARTED,
  VISIT_COLUMNS,
  type VisitRow,
} from './day-columns.js';

/** A visit row with `values` for the first visit columns and null for the rest. */
function visit(
  id: string,
  visitor: number,
  started: boolean,
  hits: number,
  pageViewCount: number,
  duration: number,
  values: Record<string, string | null> = {},
): VisitRow {
  return [
    id,
    visitor,
    started,
    hits,
    pageViewCount,
    duration,
    ...VISIT_COLUMNS.map((name) => values[name] ?? null),
  ];
}

function pageView(sessionId: string, path: string, hostname = 'example.com'): PageViewRow {
  return [sessionId, ...PAGE_COLUMNS.map((name) => (name === 'page' ? path : hostname))];
}

describe('DayColumns', () => {
  it('should read back what it wrote: visits, their flags and codes, page views', async () => {
    const data = await DayColumns.encode(
      [
        visit('a', 2 ** 51 - 1, true, 2, 2, 61.5, { source: 'Google', browser: 'Chrome' }),
        visit('b', -(2 ** 51), true, 1, 1, 0, { source: null, browser: 'Firefox' }),
        visit('c', 7, false, 1, 5, 300, { source: 'Google', browser: 'Chrome' }),
      ],
      [pageView('a', '/'), pageView('a', '/pricing'), pageView('b', '/'), pageView('c', '/docs')],
      // b's visit went on after midnight.
      [pageView('b', '/blog')],
      [['c', 'Signup', '/signup', 'example.com']],
    );
    const day = DayColumns.decode(data);
    expect(day.visitCount).toBe(3);
    expect(day.pageViewCount).toBe(4);
    expect([...day.visitors]).toEqual([2 ** 51 - 1, -(2 ** 51), 7]);
    expect([...day.flags]).toEqual([STARTED, STARTED | BOUNCED, 0]);
    expect([...day.hits]).toEqual([2, 1, 1]);
    // Only visits that started that day carry their page views and duration.
    expect([...day.visitPageviews]).toEqual([2, 1, 0]);
    expect([...day.durations]).toEqual([61.5, 0, 0]);
    const source = day.column('source');
    expect([...source.codes].map((code) => source.values[code])).toEqual([
      'Google',
      null,
      'Google',
    ]);
    // The day's page views, then the later ones.
    expect([...day.pageViewVisits]).toEqual([0, 0, 1, 2, 1]);
    const page = day.column('page');
    expect([...page.codes].map((code) => page.values[code])).toEqual([
      '/',
      '/pricing',
      '/',
      '/docs',
      '/blog',
    ]);
    expect([...day.eventVisits]).toEqual([2]);
    const event = day.column('event');
    expect(event.values[event.codes[0]]).toBe('Signup');
    // An event's page is coded in the page columns' dictionaries.
    expect(page.values[day.eventPageCodes.get('page')![0]]).toBe('/signup');
    expect(day.bytes).toBe(data.length);
  });

  it('should store codes in one, two or four bytes as the dictionary needs, aligned in any buffer', async () => {
    for (const count of [1, 256, 257, 65_536, 65_537]) {
      const visits = Array.from({ length: count }, (_, i) =>
        visit(`v${i}`, i, true, 1, 1, 0, { entry_page: `/${i}` }),
      );
      const data = await DayColumns.encode(visits, []);
      // A copy at an odd offset, as a driver may hand it.
      const shifted = Buffer.alloc(data.length + 1);
      data.copy(shifted, 1);
      const day = DayColumns.decode(shifted.subarray(1));
      const entry = day.column('entry_page');
      expect(entry.codes.BYTES_PER_ELEMENT).toBe(count <= 256 ? 1 : count <= 65_536 ? 2 : 4);
      expect(entry.values[entry.codes[count - 1]]).toBe(`/${count - 1}`);
    }
  });

  it('should let the event loop turn while it encodes a busy day', async () => {
    const visits = Array.from({ length: 20_000 }, (_, i) => visit(`v${i}`, i, true, 1, 1, 0, {}));
    const pageViews = visits.map(([id]) => pageView(id, '/'));
    let turns = 0;
    let encoding = true;
    const count = (): void => {
      turns += 1;
      if (encoding) setImmediate(count);
    };
    setImmediate(count);
    await DayColumns.encode(visits, pageViews);
    encoding = false;
    // 20,000 visits and 20,000 page views, 4,096 rows a turn: eight turns at least.
    expect(turns).toBeGreaterThanOrEqual(8);
  });

  it('should refuse another format and a page view of a visit not in the day', async () => {
    const data = await DayColumns.encode([], []);
    const header = JSON.parse(data.subarray(4, 4 + data.readUInt32BE(0)).toString()) as object;
    const other = Buffer.from(JSON.stringify({ ...header, v: 9 }));
    const bad = Buffer.alloc(4 + other.length);
    bad.writeUInt32BE(other.length, 0);
    other.copy(bad, 4);
    expect(() => DayColumns.decode(bad)).toThrow('format 9');
    await expect(DayColumns.encode([], [pageView('x', '/')])).rejects.toThrow('not in the day');
    await expect(DayColumns.encode([], [], [], [['x', 'Signup', '/', 'a']])).rejects.toThrow(
      'not in the day',
    );
  });
});
