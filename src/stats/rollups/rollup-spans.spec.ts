import { isRun, piecesOf, spanEnd, spanKey, spanOf } from './rollup-spans.js';

describe('spans', () => {
  it('should put a day in its Monday-to-Sunday week and its month', () => {
    expect(spanOf('week', '2026-12-03')).toEqual({ kind: 'week', start: '2026-11-30' });
    expect(spanOf('week', '2026-11-30')).toEqual({ kind: 'week', start: '2026-11-30' });
    expect(spanOf('week', '2026-12-06')).toEqual({ kind: 'week', start: '2026-11-30' });
    expect(spanOf('month', '2026-12-06')).toEqual({ kind: 'month', start: '2026-12-01' });
    expect(spanEnd({ kind: 'week', start: '2026-12-28' })).toBe('2027-01-03');
    expect(spanEnd({ kind: 'month', start: '2028-02-01' })).toBe('2028-02-29');
    expect(spanEnd({ kind: 'month', start: '2026-12-01' })).toBe('2026-12-31');
  });

  it('should read whole months, then whole weeks, and the days left over', () => {
    const available = new Set([
      'month:2026-11-01',
      'week:2026-11-02',
      'week:2026-11-30',
      'week:2026-12-07',
    ]);
    // 30 days to 3 December: November is not whole in it; its weeks are.
    const thirty = piecesOf('2026-11-04', '2026-12-03', available);
    expect(thirty.spans.map(spanKey)).toEqual([]);
    expect(thirty.days).toHaveLength(30);
    const twoMonths = piecesOf('2026-11-01', '2026-12-13', available);
    expect(twoMonths.spans.map(spanKey)).toEqual(['month:2026-11-01', 'week:2026-12-07']);
    expect(twoMonths.days).toEqual([
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
    // Without the month, its weeks serve.
    available.delete('month:2026-11-01');
    const weeks = piecesOf('2026-11-01', '2026-12-06', available);
    expect(weeks.spans.map(spanKey)).toEqual(['week:2026-11-02', 'week:2026-11-30']);
    expect(weeks.days).toHaveLength(1 + 3 * 7);
    // Every day is read once.
    const covered = weeks.days.length + 7 * weeks.spans.length;
    expect(covered).toBe(36);
  });

  it('should read the longest span that starts on a day, runs of days included', () => {
    expect(spanEnd({ kind: 'd29', start: '2026-11-04' })).toBe('2026-12-02');
    expect(isRun('d29')).toBe(true);
    expect(isRun('week')).toBe(false);
    expect(isRun('d0')).toBe(false);
    const available = new Set([
      'd29:2026-11-04',
      'd6:2026-11-27',
      'd30:2026-10-05',
      'week:2026-11-09',
      'week:2026-11-16',
      'month:2026-10-01',
    ]);
    // The last 30 days: yesterday's run and today.
    const thirty = piecesOf('2026-11-04', '2026-12-03', available);
    expect(thirty.spans.map(spanKey)).toEqual(['d29:2026-11-04']);
    expect(thirty.days).toEqual(['2026-12-03']);
    // The 30 days before: their run, whole.
    const before = piecesOf('2026-10-05', '2026-11-03', available);
    expect(before.spans.map(spanKey)).toEqual(['d30:2026-10-05']);
    expect(before.days).toEqual([]);
    // A run that ends after the range is not read; weeks and days serve instead.
    const custom = piecesOf('2026-11-04', '2026-11-30', available);
    expect(custom.spans.map(spanKey)).toEqual(['week:2026-11-09', 'week:2026-11-16']);
    expect(custom.days).toHaveLength(27 - 14);
  });
});
