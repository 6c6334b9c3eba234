const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether `value` is a UUID in its usual text form (either case). Ids from paths and arguments
 * are checked with it before they reach a `uuid` column, where anything else is a SQL error.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
