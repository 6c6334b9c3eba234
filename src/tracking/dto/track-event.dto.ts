import { Transform, type TransformFnParams } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { cleanText } from '../../common/clean-text.js';
import { IsPresent, StripUnknownFields } from '../../common/validation.js';
import { MAX_URL, parseUrl } from '../page-url.js';

/** Strings are cleaned (NUL, unpaired surrogates) before they are validated and stored. */
const clean = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value) : value;

/** Text that reports show: cleaned and trimmed. */
const cleanTrimmed = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value).trim() : value;

/** Optional text: empty or blank counts as absent. */
const cleanOptional = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value).trim() || undefined : value;

function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHttpUrl',
      validator: {
        validate: (value: unknown) => {
          const url = typeof value === 'string' ? parseUrl(value) : null;
          if (!url) return false;
          return (
            (url.protocol === 'http:' || url.protocol === 'https:') &&
            url.hostname.length <= 253 &&
            url.href.length <= MAX_URL
          );
        },
        defaultMessage: () =>
          `$property must be an absolute http:// or https:// URL of at most ${MAX_URL} characters once percent-encoded`,
      },
    },
    options,
  );
}

export const EVENT_TYPES = ['pageview', 'event'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const MAX_PROPS = 30;
export const MAX_PROP_KEY = 64;
export const MAX_PROP_VALUE = 256;

/** Why `props` is not a flat object of at most 30 short keys and short scalar values, or null. */
function propsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'props must be an object of string, number or boolean values';
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_PROPS) return `props must have at most ${MAX_PROPS} keys`;
  for (const [key, item] of entries) {
    if (!key.trim() || key.length > MAX_PROP_KEY) {
      return `props keys must be 1 to ${MAX_PROP_KEY} characters long and not blank`;
    }
    if (typeof item === 'string') {
      if (item.length > MAX_PROP_VALUE) {
        return `props values must be at most ${MAX_PROP_VALUE} characters long (${key})`;
      }
    } else if (typeof item === 'number') {
      if (!Number.isFinite(item)) return `props values must be finite numbers (${key})`;
    } else if (typeof item !== 'boolean') {
      return `props values must be strings, numbers or booleans, not nested (${key})`;
    }
  }
  return null;
}

function IsEventProps(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventProps',
      validator: {
        validate: (value: unknown) => propsProblem(value) === null,
        defaultMessage: (args?: ValidationArguments) => propsProblem(args?.value) ?? '',
      },
    },
    options,
  );
}

/** Keys and string values of `props` are cleaned like every other text. */
const cleanProps = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [
      cleanText(key),
      typeof item === 'string' ? cleanText(item) : item,
    ]),
  );
};

/** `name` is required for custom events and refused on page views. */
function IsEventName(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEventName',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const isEvent = (args?.object as TrackEventDto | undefined)?.type === 'event';
          if (!isEvent) return value === undefined;
          return typeof value === 'string' && value.length >= 1 && value.length <= 120;
        },
        defaultMessage: (args?: ValidationArguments) => {
          if ((args?.object as TrackEventDto | undefined)?.type !== 'event') {
            return 'name is only for custom events (type "event")';
          }
          return args?.value === undefined || args.value === null || args.value === ''
            ? 'name is required for custom events (type "event") and must not be empty or blank'
            : 'name must be a string of 1 to 120 characters for an event';
        },
      },
    },
    options,
  );
}

/**
 * The body of `POST /track`: one page view or custom event, as the tracker sends it. Fields it
 * does not declare are dropped (a newer tracker's, or ones a client must never set: addresses,
 * user agents, times, ids are all the server's).
 */
@StripUnknownFields()
export class TrackEventDto {
  @IsPresent()
  @IsUUID('all', { message: 'site_id must be a UUID (the data-site-id of your snippet)' })
  site_id!: string;

  @IsPresent()
  @Transform(clean)
  @IsString()
  @MaxLength(2048)
  @IsHttpUrl()
  url!: string;

  @IsOptional()
  @Transform(cleanOptional)
  @IsString()
  @MaxLength(512)
  title?: string;

  @IsOptional()
  @Transform(cleanOptional)
  @IsString()
  @MaxLength(2048)
  referrer?: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  screen_width?: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  screen_height?: number;

  @IsPresent()
  @Transform(clean)
  @IsString()
  @Length(1, 256)
  fingerprint!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  load_time_ms?: number;

  @IsOptional()
  @IsUUID('all', { message: 'event_id must be a UUID' })
  event_id?: string;

  /** `pageview` (the default) or `event`, a custom event with a `name` and optional `props`. */
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: 'type must be "pageview" or "event"' })
  type?: EventType;

  @Transform(cleanTrimmed)
  @IsEventName()
  name?: string;

  @IsOptional()
  @Transform(cleanProps)
  @IsEventProps()
  @ValidateBy({
    name: 'propsOnlyForEvents',
    validator: {
      validate: (_value: unknown, args?: ValidationArguments) =>
        (args?.object as TrackEventDto | undefined)?.type === 'event',
      defaultMessage: () => 'props are only for custom events (type "event")',
    },
  })
  props?: Record<string, string | number | boolean>;
}
