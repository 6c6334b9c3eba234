/**
 * Filters as the stats API takes them and as the dashboard keeps them in its URL:
 * `<dimension>:<operator>:<value>[|<value>…]`, `\|` and `\\` for a `|` and a `\` inside a value,
 * `(none)` for "no value".
 */
export type Operator = 'is' | 'is_not' | 'contains' | 'not_contains';

export interface Filter {
  dimension: string;
  operator: Operator;
  /** `null` is "no value" (Direct / None, unknown country…). */
  values: (string | null)[];
}

const OPERATORS: readonly Operator[] = ['is', 'is_not', 'contains', 'not_contains'];
const NONE = '(none)';

export const OPERATOR_LABELS: Record<Operator, string> = {
  is: 'is',
  is_not: 'is not',
  contains: 'contains',
  not_contains: 'does not contain',
};

/** The filter a URL parameter names, or `null` when it is not one. */
export function parseFilter(text: string): Filter | null {
  const first = text.indexOf(':');
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (first <= 0 || second < 0) return null;
  const dimension = text.slice(0, first);
  const operator = text.slice(first + 1, second) as Operator;
  if (!OPERATORS.includes(operator)) return null;
  const values: (string | null)[] = [];
  let current = '';
  const rest = text.slice(second + 1);
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i];
    if (char === '\\' && (rest[i + 1] === '|' || rest[i + 1] === '\\')) {
      current += rest[i + 1];
      i++;
    } else if (char === '|') {
      values.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  values.push(current);
  return { dimension, operator, values: values.map((value) => (value === NONE ? null : value)) };
}

/** The URL/API form of a filter. */
export function formatFilter(filter: Filter): string {
  const values = filter.values.map((value) =>
    value === null ? NONE : value.replaceAll('\\', '\\\\').replaceAll('|', '\\|'),
  );
  return `${filter.dimension}:${filter.operator}:${values.join('|')}`;
}

/** The filters of a URL's query, in order, without duplicates of the same dimension. */
export function filtersOf(params: URLSearchParams): Filter[] {
  const filters: Filter[] = [];
  for (const text of params.getAll('filter')) {
    const filter = parseFilter(text);
    if (filter && !filters.some((known) => known.dimension === filter.dimension)) {
      filters.push(filter);
    }
  }
  return filters;
}

/**
 * The query with `filter` applied: it replaces any filter on the same dimension (clicking
 * another row of a panel swaps the filter rather than asking for both at once).
 */
export function withFilter(params: URLSearchParams, filter: Filter): URLSearchParams {
  const next = withoutFilter(params, filter.dimension);
  next.append('filter', formatFilter(filter));
  return next;
}

/** The query without the filter on `dimension`. */
export function withoutFilter(params: URLSearchParams, dimension: string): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete('filter');
  for (const filter of filtersOf(params)) {
    if (filter.dimension !== dimension) next.append('filter', formatFilter(filter));
  }
  return next;
}
