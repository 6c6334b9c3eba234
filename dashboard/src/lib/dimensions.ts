/** How the dashboard names the stats API's dimensions and their values. */
export const DIMENSION_LABELS: Record<string, string> = {
  page: 'Page',
  entry_page: 'Entry page',
  exit_page: 'Exit page',
  hostname: 'Hostname',
  source: 'Source',
  referrer: 'Referrer',
  utm_source: 'UTM source',
  utm_medium: 'UTM medium',
  utm_campaign: 'UTM campaign',
  utm_term: 'UTM term',
  utm_content: 'UTM content',
  browser: 'Browser',
  browser_version: 'Browser version',
  os: 'Operating system',
  os_version: 'OS version',
  device: 'Device',
  screen: 'Screen size',
  country: 'Country',
  event: 'Event',
  goal: 'Goal',
};

export function dimensionLabel(dimension: string): string {
  if (dimension.startsWith('prop.')) return `Property ${dimension.slice(5)}`;
  return DIMENSION_LABELS[dimension] ?? dimension;
}

const NO_VALUE: Record<string, string> = {
  source: 'Direct / None',
  referrer: 'Direct / None',
  country: 'Unknown',
};

let regions: Intl.DisplayNames | undefined;

/** A row's value as people read it: country names, "Direct / None" for no referrer. */
export function valueLabel(dimension: string, value: string | null): string {
  if (value === null) return NO_VALUE[dimension] ?? '(none)';
  if (dimension === 'country') {
    regions ??= new Intl.DisplayNames(['en'], { type: 'region' });
    try {
      return regions.of(value) ?? value;
    } catch {
      return value;
    }
  }
  return value;
}
