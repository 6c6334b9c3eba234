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
    expect(change('visitors', 150, 100)).toEqual({ text: '50%', direction: 'up' });
    expect(change('pageviews', 50, 100)).toEqual({ text: '50%', direction: 'down' });
    expect(change('bounceRate', 40, 55)).toEqual({ text: '15 pt', direction: 'down' });
    expect(change('visits', 10, 0)).toBeNull();
    expect(change('visits', 0, 0)).toEqual({ text: '0%', direction: 'flat' });
    expect(change('visits', 10, undefined)).toBeNull();
  });

  it('should write calendar dates without shifting them by the browser timezone', () => {
    expect(formatDay('2026-11-03')).toBe('3 Nov 2026');
    expect(formatDay('2026-01-31', false)).toBe('31 Jan');
  });
});
