import { filtersOf, formatFilter, parseFilter, withFilter, withoutFilter } from './filters';

describe('dashboard filters', () => {
  it('should read the API form with several values, escaped bars and "no value"', () => {
    expect(parseFilter('country:is:DE|FR')).toEqual({
      dimension: 'country',
      operator: 'is',
      values: ['DE', 'FR'],
    });
    expect(parseFilter('page:contains:/a\\|b|(none)')).toEqual({
      dimension: 'page',
      operator: 'contains',
      values: ['/a|b', null],
    });
    expect(parseFilter('prop.plan:is_not:pro:annual')).toEqual({
      dimension: 'prop.plan',
      operator: 'is_not',
      values: ['pro:annual'],
    });
  });

  it('should escape a backslash so a value ending in one keeps its bar', () => {
    const filter = { dimension: 'page', operator: 'is' as const, values: ['a\\', 'b|c'] };
    expect(formatFilter(filter)).toBe('page:is:a\\\\|b\\|c');
    expect(parseFilter(formatFilter(filter))).toEqual(filter);
  });

  it('should refuse what is not a filter', () => {
    expect(parseFilter('country')).toBeNull();
    expect(parseFilter('country:like:DE')).toBeNull();
    expect(parseFilter(':is:DE')).toBeNull();
  });

  it('should write back exactly what it read', () => {
    for (const text of [
      'source:is:(none)',
      'page:is:/x\\|y|/z',
      'utm_campaign:not_contains:a:b',
      'page:contains:C:\\\\dir\\|x',
    ]) {
      expect(formatFilter(parseFilter(text)!)).toBe(text);
    }
  });

  it('should replace a filter on the same dimension and remove one by dimension', () => {
    let params = new URLSearchParams('period=7d&filter=country:is:DE&filter=page:is:/a');
    params = withFilter(params, { dimension: 'page', operator: 'is', values: ['/b'] });
    expect(params.getAll('filter')).toEqual(['country:is:DE', 'page:is:/b']);
    expect(params.get('period')).toBe('7d');
    params = withoutFilter(params, 'country');
    expect(params.getAll('filter')).toEqual(['page:is:/b']);
    expect(filtersOf(new URLSearchParams('filter=x&filter=page:is:/a&filter=page:is:/b'))).toEqual([
      { dimension: 'page', operator: 'is', values: ['/a'] },
    ]);
  });
});
