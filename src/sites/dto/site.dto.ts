import { ApiProperty, type ApiPropertyOptions, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsPresent } from '../../common/validation.js';
import { IsDomainName } from '../domains.js';
import { RETENTION_MONTHS } from '../sites.service.js';
import { IsTimeZone } from '../timezones.js';

/** A field that may be left out, but not sent as null (null would mean nothing on a site). */
const Omittable = () => ValidateIf((_object, value: unknown) => value !== undefined);

const NAME = {
  description: 'What the site is called in the dashboard; 1 to 200 characters.',
  example: 'My blog',
  minLength: 1,
  maxLength: 200,
};
const DOMAIN = {
  description:
    'The main host name. A URL or a name with a port or trailing dot is accepted and reduced to its host (`https://Blog.Example.com/` → `blog.example.com`); internationalized names are stored in their ASCII form.',
  example: 'blog.example.com',
};
const ALLOWED_DOMAINS: ApiPropertyOptions = {
  description:
    'When not empty, only pages on these domains and their subdomains may send events (others get 403 from /track); empty accepts any origin. At most 100, normalized like `domain`.',
  type: [String],
  example: ['example.com'],
  maxItems: 100,
};
const TIMEZONE = {
  description:
    'The IANA time zone the site counts days in (`Europe/Berlin`, `America/New_York`, `UTC`).',
  example: 'Europe/Berlin',
};

const RETENTION: ApiPropertyOptions = {
  description:
    'How many calendar months of raw traffic to keep: page views, custom events, visits and visitors older than that are deleted by a daily job (see `RETENTION_INTERVAL_HOURS`). Null keeps them for ever. Aggregated rollups, once there are any, are kept.',
  type: 'integer',
  nullable: true,
  minimum: RETENTION_MONTHS.min,
  maximum: RETENTION_MONTHS.max,
  example: 13,
};

/** A whole number of months in range, or null (keep for ever); one message names the field. */
function IsRetentionMonths(): PropertyDecorator {
  const message = `retentionMonths must be a whole number of months between ${RETENTION_MONTHS.min} and ${RETENTION_MONTHS.max}, or null to keep the traffic for ever`;
  return (target, key) => {
    for (const decorator of [
      ValidateIf((_object, value: unknown) => value !== undefined && value !== null),
      IsInt({ message }),
      Min(RETENTION_MONTHS.min, { message }),
      Max(RETENTION_MONTHS.max, { message }),
    ]) {
      decorator(target, key);
    }
  };
}

export class CreateSiteDto {
  @ApiProperty(NAME)
  @IsPresent()
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty(DOMAIN)
  @IsPresent()
  @IsString()
  @IsDomainName()
  domain!: string;

  @ApiPropertyOptional({ ...ALLOWED_DOMAINS, default: [] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsDomainName({ each: true })
  allowedDomains?: string[];

  @ApiPropertyOptional({ ...TIMEZONE, default: 'UTC' })
  @Omittable()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ ...RETENTION, default: null })
  @IsRetentionMonths()
  retentionMonths?: number | null;
}

export class UpdateSiteDto {
  @ApiPropertyOptional(NAME)
  @Omittable()
  @IsPresent()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional(DOMAIN)
  @Omittable()
  @IsString()
  @IsDomainName()
  domain?: string;

  @ApiPropertyOptional(ALLOWED_DOMAINS)
  @Omittable()
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsDomainName({ each: true })
  allowedDomains?: string[];

  @ApiPropertyOptional(TIMEZONE)
  @Omittable()
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({
    ...RETENTION,
    description: `${RETENTION.description} Null sets it back to keeping them for ever; lowering it deletes the older traffic on the next run.`,
  })
  @IsRetentionMonths()
  retentionMonths?: number | null;

  @ApiPropertyOptional({
    description: 'False stops /track from accepting events for the site (404), keeping its data.',
  })
  @Omittable()
  @IsBoolean()
  isActive?: boolean;
}

export class SiteDto {
  @ApiProperty({ format: 'uuid', description: 'The `data-site-id` of the snippet.' })
  id!: string;

  @ApiProperty({ format: 'uuid', description: 'The account the site belongs to.' })
  accountId!: string;

  @ApiProperty(NAME)
  name!: string;

  @ApiProperty({ description: 'The main host name, normalized.', example: 'blog.example.com' })
  domain!: string;

  @ApiProperty(ALLOWED_DOMAINS)
  allowedDomains!: string[];

  @ApiProperty(TIMEZONE)
  timezone!: string;

  @ApiProperty(RETENTION)
  retentionMonths!: number | null;

  @ApiProperty({ description: 'Whether /track accepts events for the site.' })
  isActive!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}

export class SnippetDto {
  @ApiProperty({
    description: 'The tag to paste into the `<head>` of every page of the site.',
    example:
      '<script async src="https://stats.example.com/tracker.min.js" data-site-id="3f0c…"></script>',
  })
  html!: string;

  @ApiProperty({ example: 'https://stats.example.com/tracker.min.js' })
  scriptUrl!: string;

  @ApiProperty({
    description: "This server's test page with the site's snippet loaded, to try it at once.",
    example: 'https://stats.example.com/test.html?site=3f0c…',
  })
  testPageUrl!: string;
}

export class CreatedSiteDto extends SiteDto {
  @ApiProperty({ type: SnippetDto })
  snippet!: SnippetDto;
}

export class InstallationDto {
  @ApiProperty({ description: 'Whether the site has received a page view or custom event.' })
  installed!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the first stored page view or custom event happened; null before any.',
  })
  firstEventAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the latest one happened; null before any.',
  })
  lastEventAt!: string | null;
}
