import { Transform, type TransformFnParams } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  type ValidationOptions,
} from 'class-validator';
import { cleanText } from '../../common/clean-text.js';

/** Strings are cleaned (NUL, unpaired surrogates) before they are validated and stored. */
const clean = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value) : value;

/** Optional text: an empty string counts as absent. */
const cleanOptional = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value) || undefined : value;

function IsHttpUrl(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isHttpUrl',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || !URL.canParse(value)) return false;
          const { protocol, hostname } = new URL(value);
          return (protocol === 'http:' || protocol === 'https:') && hostname.length <= 253;
        },
        defaultMessage: () => '$property must be an absolute http:// or https:// URL',
      },
    },
    options,
  );
}

/** The body of `POST /track`: one page view, as the tracker sends it. */
export class TrackEventDto {
  @IsUUID('all', { message: 'site_id must be a UUID (the data-site-id of your snippet)' })
  site_id!: string;

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
}
