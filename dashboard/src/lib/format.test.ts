import { change, formatCount, formatDay, formatDuration, formatMetric } from './format';

describe('dashboard number formats', () => {
  it('should write counts exactly below ten thousand and compactly above', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(9_999)).toBe('9,999');
    expect(formatCount(12_345)).toBe('12.3K');
    expect(formatCount(10_400_000)).toBe('10.4M');
  });

  it('should write durations in seconds, minutes and hours', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59.6)).toBe('1m 00s');
    expect(formatDuration(185)).toBe('3m 05s');
    expect(formatDuration(3720)).toBe('1h 02m');
  });

  it('should write each metric in its unit', () => {
    expect(formatMetric('bounceRate', 48)).toBe('48%');
    expect(formatMetric('viewsPerVisit', 2.2)).toBe('2.20');
    expect(formatMetric('visitDuration', 95)).toBe('1m 35s');
  });

  it('should give changes in percent, the bounce rate in points, and none without a base', () => {
    const before = {
      visitors: 100,
      visits: 120,
      pageviews: 100,
      viewsPerVisit: 2,
      bounceRate: 55,
      visitDuration: 60,
    };
    const empty = {
      visitors: 0,
      visits: 0,
      pageviews: 0,
      viewsPerVisit: 0,
      bounceRate: 0,
      visitDuration: 0,
    };
    expect(change('visitors', 150, before)).toEqual({ text: '50%', direction: 'up' });
    expect(change('pageviews', 50, before)).toEqual({ text: '50%', direction: 'down' });
    expect(change('bounceRate', 40, before)).toEqual({ text: '15 pt', direction: 'down' });
    expect(change('visits', 10, empty)).toBeNull();
    expect(change('visits', 0, empty)).toEqual({ text: '0%', direction: 'flat' });
    expect(change('visits', 10, undefined)).toBeNull();
    expect(change('visits', 10, null)).toBeNull();
    // A period without visits has no bounce rate, duration or depth to compare with.
    expect(change('bounceRate', 60, empty)).toBeNull();
    expect(change('visitDuration', 30, empty)).toBeNull();
    expect(change('viewsPerVisit', 1.5, empty)).toBeNull();
    expect(change('bounceRate', 0, { ...empty, visits: 3 })).toEqual({
      text: '0 pt',
      direction: 'flat',
    });
  });

  it('should write calendar dates without shifting them by the browser timezone', () => {
    expect(formatDay('2026-11-03')).toBe('3 Nov 2026');
    expect(formatDay('2026-01-31', false)).toBe('31 Jan');
  });
});
