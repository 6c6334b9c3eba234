import { dimensionLabel, valueLabel } from './dimensions';

describe('dashboard dimension names', () => {
  it('should name dimensions and custom properties', () => {
    expect(dimensionLabel('utm_campaign')).toBe('UTM campaign');
    expect(dimensionLabel('prop.plan')).toBe('Property plan');
  });

  it('should name countries and missing values', () => {
    expect(valueLabel('country', 'DE')).toBe('Germany');
    expect(valueLabel('country', null)).toBe('Unknown');
    expect(valueLabel('source', null)).toBe('Direct / None');
    expect(valueLabel('page', null)).toBe('(none)');
    expect(valueLabel('page', '/pricing')).toBe('/pricing');
  });
});
