import { FilterError, likePattern, parseFilters } from './filters.js';

describe('parseFilters', () => {
  it('should read dimension, operator and values, with (none) as no value', () => {
    const [country, source] = parseFilters(['country:is:DE|FR', 'source:is_not:(none)']);
    expect(country).toMatchObject({ kind: 'dimension', operator: 'is', values: ['DE', 'FR'] });
    expect(country.kind === 'dimension' && country.dimension.name).toBe('country');
    expect(source).toMatchObject({ operator: 'is_not', values: [null] });
  });

  it('should keep colons of the value and unescape \\| and \\\\', () => {
    const [referrer] = parseFilters('referrer:is:https://a.example/x\\|y|c\\\\d');
    expect(referrer.values).toEqual(['https://a.example/x|y', 'c\\d']);
  });

  it('should read property and goal filters', () => {
    const [prop, goal] = parseFilters(['prop.plan:contains:pro', 'goal:is:Signup|Read the blog']);
    expect(prop.kind === 'dimension' && prop.dimension.name).toBe('prop.plan');
    expect(goal).toEqual({ kind: 'goal', operator: 'is', values: ['Signup', 'Read the blog'] });
  });

  it.each([
    ['country', 'must read <dimension>:<operator>:<value>'],
    ['country:equals:DE', 'the operator must be one of'],
    ['planet:is:Mars', 'unknown dimension "planet"'],
    ['country:is:', 'needs a value'],
    ['country:is:DE|', 'needs a value'],
    ['source:contains:(none)', '(none) can only be used with is and is_not'],
    ['goal:is_not:Signup', 'a goal filter takes only the operator is'],
  ])('should refuse %s', (filter, message) => {
    expect(() => parseFilters(filter)).toThrow(FilterError);
    expect(() => parseFilters(filter)).toThrow(message);
  });

  it('should refuse more than 20 filters', () => {
    expect(() => parseFilters(Array.from({ length: 21 }, () => 'country:is:DE'))).toThrow(
      'at most 20',
    );
  });
});

describe('likePattern', () => {
  it('should make * a wildcard only where asked, and keep %, _ and \\ literal', () => {
    expect(likePattern('/blog/*', true)).toBe('/blog/%');
    expect(likePattern('/blog/*', false)).toBe('/blog/*');
    expect(likePattern('50%_off\\', true)).toBe('50\\%\\_off\\\\');
  });
});
