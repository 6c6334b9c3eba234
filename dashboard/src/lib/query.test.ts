import { intervalsFor, statsQueryOf } from './query';

describe('dashboard view query', () => {
  it('should default to 30 days with the comparison on', () => {
    expect(statsQueryOf(new URLSearchParams(''))).toEqual({
      period: '30d',
      compare: 'previous',
      filter: [],
    });
  });

  it('should keep a custom range only with both dates', () => {
    expect(
      statsQueryOf(new URLSearchParams('period=custom&from=2026-11-01&to=2026-11-03')),
    ).toMatchObject({
      period: 'custom',
      from: '2026-11-01',
      to: '2026-11-03',
    });
    expect(statsQueryOf(new URLSearchParams('period=custom&from=2026-11-01')).period).toBe('30d');
    expect(statsQueryOf(new URLSearchParams('period=bogus')).period).toBe('30d');
  });

  it('should turn the comparison off for all time, realtime and when asked', () => {
    expect(statsQueryOf(new URLSearchParams('period=all')).compare).toBe('off');
    expect(statsQueryOf(new URLSearchParams('period=realtime')).compare).toBe('off');
    expect(statsQueryOf(new URLSearchParams('period=7d&compare=off')).compare).toBe('off');
    expect(statsQueryOf(new URLSearchParams('period=7d&compare=year')).compare).toBe('year');
    expect(statsQueryOf(new URLSearchParams('period=7d&compare=bogus')).compare).toBe('previous');
    expect(statsQueryOf(new URLSearchParams('period=all&compare=year')).compare).toBe('off');
  });

  it('should chart a period by an interval that fits it', () => {
    expect(intervalsFor(statsQueryOf(new URLSearchParams('period=day')))).toEqual(['hour']);
    expect(intervalsFor(statsQueryOf(new URLSearchParams('period=realtime')))).toEqual(['minute']);
    expect(intervalsFor(statsQueryOf(new URLSearchParams('period=12mo')))[0]).toBe('month');
    const range = new URLSearchParams('period=custom&from=2026-11-01&to=2026-11-02');
    expect(intervalsFor(statsQueryOf(range))[0]).toBe('hour');
  });
});
