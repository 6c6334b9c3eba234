import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { cleanText } from '../../common/clean-text.js';
import { IsPresent } from '../../common/validation.js';

const cleanTrimmed = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value).trim() : value;

/** `POST /api/sites/:siteId/shared-links`. */
export class CreateSharedLinkDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'Investors',
    description: 'Who the link is for, to recognise it in the list (trimmed).',
  })
  @Transform(cleanTrimmed)
  @IsPresent()
  @IsString({ message: 'name must be text' })
  @MaxLength(100, { message: 'name must be at most 100 characters long' })
  name!: string;

  @ApiPropertyOptional({
    minLength: 8,
    maxLength: 256,
    description: 'Optional: whoever opens the link must type it (at least 8 characters).',
  })
  @IsOptional()
  @IsString({ message: 'password must be text' })
  @MaxLength(256, { message: 'password must be at most 256 characters long' })
  password?: string;
}

export class SharedLinkDto {
  @ApiProperty({ format: 'uuid', description: 'Revoke the link with this id.' })
  id!: string;

  @ApiProperty({ example: 'Investors' })
  name!: string;

  @ApiProperty({ description: 'Whether opening the link asks for a password.' })
  hasPassword!: boolean;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When the link was last opened; null if never.',
  })
  lastUsedAt!: Date | null;
}

export class CreatedSharedLinkDto extends SharedLinkDto {
  @ApiProperty({
    example: 'https://stats.example.com/share/Xb3k9QzA1mN0pRsTuVwXyZ-_aBcDeFgHiJkLmNoPqRs',
    description:
      'The link, in this answer only: only a hash of its token is stored, so it cannot be shown again.',
  })
  link!: string;
}

export class OpenSharedLinkDto {
  @ApiProperty({ description: 'The token: the last part of the link (`…/share/<token>`).' })
  @IsPresent()
  @IsString({ message: 'token must be text' })
  @MaxLength(100, { message: 'token must be at most 100 characters long' })
  token!: string;

  @ApiPropertyOptional({ description: "The link's password, when it has one." })
  @IsOptional()
  @IsString({ message: 'password must be text' })
  @MaxLength(256, { message: 'password must be at most 256 characters long' })
  password?: string;
}

export class SharedSiteDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'My blog' })
  name!: string;

  @ApiProperty({ example: 'blog.example.com' })
  domain!: string;

  @ApiProperty({ example: 'Europe/Berlin' })
  timezone!: string;
}

export class OpenedSharedLinkDto {
  @ApiProperty({ type: SharedSiteDto })
  site!: SharedSiteDto;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'For a link with a password: send it as `X-Trackveil-Share-Access` with `X-Trackveil-Share: <token>` on the stats routes, until `accessExpiresAt`. Null for a link without one.',
  })
  access!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  accessExpiresAt!: Date | null;
}
