import { type Dimension, DIMENSION_NAMES, dimensionNamed } from './dimensions.js';

export const OPERATORS = ['is', 'is_not', 'contains', 'not_contains'] as const;
export type Operator = (typeof OPERATORS)[number];

/** In a filter value, stands for "no value" (a direct visit's source, an unknown country). */
export const NONE = '(none)';

/** `goal:is:<goal name>`: visits that converted on the goal (see the goals API). */
export const GOAL_FILTER = 'goal';

export interface DimensionFilter {
  kind: 'dimension';
  dimension: Dimension;
  operator: Operator;
  /** Alternatives (any may match); `null` for `(none)`. */
  values: (string | null)[];
}

export interface GoalFilter {
  kind: 'goal';
  operator: 'is';
  /** Goal names (display names) or ids; any may match. */
  values: string[];
}

export type Filter = DimensionFilter | GoalFilter;

export const MAX_FILTERS = 20;
const MAX_VALUES = 50;
const MAX_VALUE_LENGTH = 2048;

/** A filter the caller wrote that cannot be read: the message says why, for a 400. */
export class FilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilterError';
  }
}

/**
 * Reads `filter` query values: `<dimension>:<operator>:<value>[|<value>…]`, e.g.
 * `country:is:DE|FR`, `page:contains:/blog`, `source:is_not:(none)`, `goal:is:Signup`. A `|` or
 * `\` inside a value is written `\|` or `\\`. Several filters must all hold.
 */
export function parseFilters(raw: string | string[] | undefined): Filter[] {
  const items = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (items.length > MAX_FILTERS) throw new FilterError(`at most ${MAX_FILTERS} filters`);
  return items.map(parseFilter);
}

function parseFilter(text: string): Filter {
  const first = text.indexOf(':');
  const second = first < 0 ? -1 : text.indexOf(':', first + 1);
  if (second < 0) {
    throw new FilterError(
      `filter "${text}" must read <dimension>:<operator>:<value>, e.g. country:is:DE`,
    );
  }
  const name = text.slice(0, first);
  const operator = text.slice(first + 1, second);
  const values = splitValues(text.slice(second + 1));
  if (!OPERATORS.includes(operator as Operator)) {
    throw new FilterError(
      `filter "${text}": the operator must be one of ${OPERATORS.join(', ')} (got "${operator}")`,
    );
  }
  if (values.length === 0 || values.some((value) => value === '')) {
    throw new FilterError(`filter "${text}" needs a value (use ${NONE} for "no value")`);
  }
  if (values.length > MAX_VALUES) {
    throw new FilterError(`filter "${text}" has more than ${MAX_VALUES} values`);
  }
  if (values.some((value) => value.length > MAX_VALUE_LENGTH)) {
    throw new FilterError(`filter "${text}": values are at most ${MAX_VALUE_LENGTH} characters`);
  }
  if (values.includes(NONE) && (operator === 'contains' || operator === 'not_contains')) {
    throw new FilterError(`filter "${text}": ${NONE} can only be used with is and is_not`);
  }
  if (name === GOAL_FILTER) {
    if (operator !== 'is') throw new FilterError('a goal filter takes only the operator is');
    return { kind: 'goal', operator: 'is', values };
  }
  const dimension = dimensionNamed(name);
  if (!dimension) {
    throw new FilterError(
      `filter "${text}": unknown dimension "${name}"; one of ${[...DIMENSION_NAMES, GOAL_FILTER].join(', ')}`,
    );
  }
  return {
    kind: 'dimension',
    dimension,
    operator: operator as Operator,
    values: values.map((value) => (value === NONE ? null : value)),
  };
}

/** Splits on `|` that is not escaped, and unescapes `\|` and `\\`. */
function splitValues(text: string): string[] {
  const values: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1];
      i += 1;
    } else if (char === '|') {
      values.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  values.push(current);
  return values;
}

/**
 * A SQL LIKE pattern for `value`: `*` becomes "any run of characters" when `wildcards`, and
 * `%`, `_` and `\` are literal. `contains` wraps it in `%…%`.
 */
export function likePattern(value: string, wildcards: boolean): string {
  const escaped = value.replace(/[\\%_]/g, (char) => `\\${char}`);
  return wildcards ? escaped.replace(/\*/g, '%') : escaped;
}
