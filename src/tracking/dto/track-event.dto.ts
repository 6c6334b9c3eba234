import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
/** The longest custom event name (`events.name`); event goals share it. */
export const MAX_EVENT_NAME = 120;

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
          return typeof value === 'string' && value.length >= 1 && value.length <= MAX_EVENT_NAME;
        },
        defaultMessage: (args?: ValidationArguments) => {
          if ((args?.object as TrackEventDto | undefined)?.type !== 'event') {
            return 'name is only for custom events (type "event")';
          }
          return args?.value === undefined || args.value === null || args.value === ''
            ? 'name is required for custom events (type "event") and must not be empty or blank'
            : `name must be a string of 1 to ${MAX_EVENT_NAME} characters for an event`;
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
  @ApiProperty({ format: 'uuid', description: 'The `data-site-id` of the snippet.' })
  @IsPresent()
  @IsUUID('all', { message: 'site_id must be a UUID (the data-site-id of your snippet)' })
  site_id!: string;

  @ApiProperty({
    format: 'uri',
    maxLength: MAX_URL,
    description: `Absolute http:// or https:// URL of the page, at most ${MAX_URL} characters once percent-encoded.`,
  })
  @IsPresent()
  @Transform(clean)
  @IsString()
  @MaxLength(2048)
  @IsHttpUrl()
  url!: string;

  @ApiPropertyOptional({ maxLength: 512, description: 'The page title; blank counts as absent.' })
  @IsOptional()
  @Transform(cleanOptional)
  @IsString()
  @MaxLength(512)
  title?: string;

  @ApiPropertyOptional({
    maxLength: 2048,
    description:
      '`document.referrer`; empty means none. Stored without its query string, fragment and credentials.',
  })
  @IsOptional()
  @Transform(cleanOptional)
  @IsString()
  @MaxLength(2048)
  referrer?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100_000,
    description: 'Screen width in CSS pixels.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  screen_width?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 100_000,
    description: 'Screen height in CSS pixels.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  screen_height?: number;

  @ApiProperty({
    minLength: 1,
    maxLength: 256,
    description: 'Stable browser traits; stored only as SHA-256 with a secret per-site salt.',
  })
  @IsPresent()
  @Transform(clean)
  @IsString()
  @Length(1, 256)
  fingerprint!: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 600_000,
    description: 'Page load time in milliseconds.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  load_time_ms?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Generated by the client per event: a retried send with the same id is stored once (within EVENT_ID_RETENTION_DAYS).',
  })
  @IsOptional()
  @IsUUID('all', { message: 'event_id must be a UUID' })
  event_id?: string;

  /** `pageview` (the default) or `event`, a custom event with a `name` and optional `props`. */
  @ApiPropertyOptional({
    enum: EVENT_TYPES,
    default: 'pageview',
    description: '`pageview` (the default), or a custom `event`.',
  })
  @IsOptional()
  @IsIn(EVENT_TYPES, { message: 'type must be "pageview" or "event"' })
  type?: EventType;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: MAX_EVENT_NAME,
    description: "The custom event's name: required for type `event`, refused on page views.",
  })
  @Transform(cleanTrimmed)
  @IsEventName()
  name?: string;

  @ApiPropertyOptional({
    type: 'object',
    maxProperties: MAX_PROPS,
    additionalProperties: {
      oneOf: [
        { type: 'string', maxLength: MAX_PROP_VALUE },
        { type: 'number' },
        { type: 'boolean' },
      ],
    },
    description: `Custom event properties: at most ${MAX_PROPS} keys of 1 to ${MAX_PROP_KEY} characters; string (at most ${MAX_PROP_VALUE} characters), number or boolean values; nothing nested. Refused on page views.`,
  })
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
