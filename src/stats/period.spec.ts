import {
  checkInterval,
  localDateTime,
  PeriodError,
  type PeriodRequest,
  resolvePeriod,
} from './period.js';

// 2026-03-31 23:30 in New York is 2026-04-01 03:30 UTC.
const NOW = new Date('2026-04-01T03:30:00Z');
const TZ = 'America/New_York';

function resolve(request: Partial<PeriodRequest>, firstDate = '2025-12-24') {
  return resolvePeriod({ period: '30d', compare: 'off', ...request }, NOW, TZ, firstDate);
}

describe('resolvePeriod', () => {
  it("should count today in the site's timezone, not in UTC", () => {
    expect(localDateTime(NOW, TZ).date).toBe('2026-03-31');
    expect(resolve({ period: 'day' }).range).toEqual({
      from: '2026-03-31 00:00:00',
      to: '2026-04-01 00:00:00',
      firstDate: '2026-03-31',
      lastDate: '2026-03-31',
    });
  });

  it.each([
    ['7d', '2026-03-25', '2026-03-31', '2026-03-18', '2026-03-24'],
    ['30d', '2026-03-02', '2026-03-31', '2026-01-31', '2026-03-01'],
    ['month', '2026-03-01', '2026-03-31', '2026-02-01', '2026-02-28'],
    ['6mo', '2025-10-01', '2026-03-31', '2025-04-01', '2025-09-30'],
    ['12mo', '2025-04-01', '2026-03-31', '2024-04-01', '2025-03-31'],
  ] as const)('should give %s with the period before it', (period, first, last, cFirst, cLast) => {
    const resolved = resolve({ period, compare: 'previous' });
    expect([resolved.range.firstDate, resolved.range.lastDate]).toEqual([first, last]);
    expect([resolved.comparison?.firstDate, resolved.comparison?.lastDate]).toEqual([
      cFirst,
      cLast,
    ]);
  });

  it('should compare with the same dates a year earlier, 29 February as 28', () => {
    const resolved = resolve({
      period: 'custom',
      from: '2028-02-27',
      to: '2028-02-29',
      compare: 'year',
    });
    expect(resolved.comparison).toMatchObject({ firstDate: '2027-02-27', lastDate: '2027-02-28' });
  });

  it('should end day, 7d and 30d on the given date, and take its whole month for month', () => {
    expect(resolve({ period: '7d', date: '2026-01-03' }).range.firstDate).toBe('2025-12-28');
    expect(resolve({ period: 'month', date: '2024-02-10' }).range).toMatchObject({
      firstDate: '2024-02-01',
      lastDate: '2024-02-29',
    });
  });

  it('should take all from the first data to today, and compare it with nothing', () => {
    const all = resolve({ period: 'all', compare: 'previous' });
    expect(all.range).toMatchObject({ firstDate: '2025-12-24', lastDate: '2026-03-31' });
    expect(all.comparison).toBeNull();
    expect(all.defaultInterval).toBe('week');
    // A site without data yet: today only.
    expect(resolve({ period: 'all' }, '2026-04-01').range.firstDate).toBe('2026-03-31');
  });

  it('should give realtime as the last 30 whole minutes, by instants', () => {
    const realtime = resolve({ period: 'realtime' });
    expect(realtime.instants).toEqual({
      from: new Date('2026-04-01T03:01:00Z'),
      to: new Date('2026-04-01T03:31:00Z'),
    });
    expect(realtime.defaultInterval).toBe('minute');
  });

  it.each([
    [{ period: 'custom' }, 'period=custom needs from and to'],
    [{ period: 'custom', from: '2026-03-02', to: '2026-03-01' }, 'to must not be before from'],
    [{ period: 'custom', from: '2000-01-01', to: '2026-03-01' }, 'at most 3700 days'],
    [{ period: 'custom', from: '2026-02-30', to: '2026-03-01' }, 'from must be a date'],
    [{ period: '7d', to: '2026-03-01' }, 'from and to are only for period=custom'],
    [{ period: 'all', date: '2026-03-01' }, 'date is not used with period=all'],
  ] as [Partial<PeriodRequest>, string][])('should refuse %j', (request, message) => {
    expect(() => resolve(request)).toThrow(PeriodError);
    expect(() => resolve(request)).toThrow(message);
  });
});

describe('checkInterval', () => {
  it('should accept what fits and refuse minutes outside realtime and too many points', () => {
    expect(() => checkInterval(resolve({ period: '30d' }), 'day')).not.toThrow();
    expect(() => checkInterval(resolve({ period: '30d' }), 'hour')).not.toThrow();
    expect(() => checkInterval(resolve({ period: '30d' }), 'minute')).toThrow(
      'only for period=realtime',
    );
    expect(() => checkInterval(resolve({ period: 'realtime' }), 'hour')).toThrow(
      'only interval=minute',
    );
    expect(() => checkInterval(resolve({ period: '12mo' }), 'hour')).toThrow('at most 1000');
  });
});
