import { ValidateBy, type ValidationOptions } from 'class-validator';

/**
 * The IANA time zones this Node knows (`Europe/Berlin`, `America/New_York`), plus `UTC`, which
 * `Intl.supportedValuesOf` leaves out on some builds. Names are matched exactly, as the database
 * and the reports will use them.
 */
const TIME_ZONES: ReadonlySet<string> = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export function isTimeZone(value: unknown): boolean {
  return typeof value === 'string' && TIME_ZONES.has(value);
}

export const TIME_ZONE_HINT =
  'an IANA time zone such as Europe/Berlin, America/New_York or UTC (names are case-sensitive)';

/** A DTO field holding an IANA time zone. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimeZone',
      validator: {
        validate: (value: unknown) => isTimeZone(value),
        defaultMessage: (args) => `${args?.property ?? 'timezone'} must be ${TIME_ZONE_HINT}`,
      },
    },
    options,
  );
}
