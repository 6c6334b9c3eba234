import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { AUDIT_ACTIONS, type AuditAction } from '../audit.service.js';
import { AUDIT_ACTOR_TYPES, type AuditActorType } from '../entities/audit-entry.entity.js';

export const DEFAULT_AUDIT_PAGE = 50;
export const MAX_AUDIT_PAGE = 200;

/** Paging and filters of `GET /api/auth/activity`. */
export class AuditActivityQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_AUDIT_PAGE,
    default: DEFAULT_AUDIT_PAGE,
    description: 'Entries per page.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: `limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}` })
  @Min(1, { message: `limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}` })
  @Max(MAX_AUDIT_PAGE, { message: `limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}` })
  limit?: number;

  @ApiPropertyOptional({
    example: '1234',
    description: 'The `nextBefore` of the previous page: only older entries are returned.',
  })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, {
    message: 'before must be the nextBefore of a previous page (a positive whole number)',
  })
  before?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS, description: 'Only entries of this action.' })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS, { message: `action must be one of: ${AUDIT_ACTIONS.join(', ')}` })
  action?: AuditAction;
}

/** Paging and filters of `GET /api/accounts/:accountId/audit-log`. */
export class AuditLogQueryDto extends AuditActivityQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only entries about this site of the account.',
  })
  @IsOptional()
  @IsUUID('all', { message: 'siteId must be the id (a UUID) of a site of this account' })
  siteId?: string;
}

export class AuditActorDto {
  @ApiProperty({
    enum: AUDIT_ACTOR_TYPES,
    description: 'A signed-in person, an API key, or nobody known (a failed sign-in).',
  })
  type!: AuditActorType;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  userId!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The user's current email; null when the user has since been deleted.",
  })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The user's current name, if any." })
  name!: string | null;

  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The API key (or, for `shared_link`, the shared link) that acted.',
  })
  keyId!: string | null;
}

export class AuditTargetDto {
  @ApiProperty({
    example: 'user',
    description: 'What was acted on: user, invitation, api_key, site, session…',
  })
  type!: string;

  @ApiProperty({ example: '0b6c3a57-2f3e-4a3b-9a55-6f3c1d2e4b7a' })
  id!: string;
}

export class AuditLogEntryDto {
  @ApiProperty({ example: '1234', description: 'Increasing; the cursor of `before`.' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time', description: 'When it happened.' })
  occurredAt!: Date;

  @ApiProperty({ enum: AUDIT_ACTIONS, example: 'member.role_changed' })
  action!: string;

  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  siteId!: string | null;

  @ApiProperty({ type: AuditTargetDto, nullable: true })
  target!: AuditTargetDto | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { from: 'viewer', to: 'admin' },
    description: 'Small facts about the action (never a password, token or key).',
  })
  details!: Record<string, unknown>;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.0',
    description: "The client's address with its host part dropped (IPv4 /24, IPv6 /48).",
  })
  clientAddress!: string | null;
}

export class AuditLogPageDto {
  @ApiProperty({ type: [AuditLogEntryDto], description: 'Newest first.' })
  entries!: AuditLogEntryDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `before` for the next, older page; null on the last page.',
  })
  nextBefore!: string | null;
}
