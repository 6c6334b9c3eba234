import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPresent } from '../../common/validation.js';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../users/entities/membership.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** The body of `POST /api/accounts/:accountId/invitations`. */
export class CreateInvitationDto {
  @ApiProperty({
    example: 'ann@example.com',
    maxLength: 320,
    description: 'The address to invite; stored trimmed and lower-cased.',
  })
  @Transform(trim)
  @IsPresent()
  @MaxLength(320, { message: 'email must be at most 320 characters long' })
  @IsEmail(
    { require_tld: false },
    { message: 'email must be an e-mail address such as ann@example.com' },
  )
  email!: string;

  @ApiProperty({
    enum: MEMBERSHIP_ROLES,
    description: 'The role they get on accepting; only owners may invite an owner.',
  })
  @IsPresent()
  @IsIn(MEMBERSHIP_ROLES, { message: `role must be one of: ${MEMBERSHIP_ROLES.join(', ')}` })
  role!: MembershipRole;
}

/** A new invitation; the link only when it was not e-mailed. */
export class CreatedInvitationDto {
  @ApiProperty({ format: 'uuid', description: 'The invitation id (to revoke it).' })
  id!: string;

  @ApiProperty({ example: 'ann@example.com', description: 'The invited address, normalized.' })
  email!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: 'The role they get on accepting.' })
  role!: MembershipRole;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the link stops working.' })
  expiresAt!: Date;

  @ApiProperty({
    description: 'Whether the link was e-mailed to the address (SMTP_URL set and the mail sent).',
  })
  emailed!: boolean;

  @ApiPropertyOptional({
    example: 'https://analytics.example.com/invitations/accept#token=…',
    description:
      'Only when not e-mailed: the link to pass on to the invited person. Shown this once; it is not stored.',
  })
  link?: string;
}

/** A pending invitation (never its token). */
export class PendingInvitationDto {
  @ApiProperty({ format: 'uuid', description: 'The invitation id.' })
  id!: string;

  @ApiProperty({ example: 'ann@example.com', description: 'The invited address.' })
  email!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: 'The role they get on accepting.' })
  role!: MembershipRole;

  @ApiProperty({ type: String, format: 'date-time', description: 'When it was sent.' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the link stops working.' })
  expiresAt!: Date;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The inviter's name or e-mail address; null when that user was deleted.",
  })
  invitedBy!: string | null;
}

/** The body of `POST /api/invitations/lookup`. */
export class InvitationTokenDto {
  @ApiProperty({ description: 'The token from the link (after `#token=`).', maxLength: 100 })
  @IsPresent()
  @IsString({ message: 'token must be text' })
  @MaxLength(100, { message: 'token must be at most 100 characters long' })
  token!: string;
}

/** The body of `POST /api/invitations/accept`. */
export class AcceptInvitationDto extends InvitationTokenDto {
  @ApiPropertyOptional({
    maxLength: 200,
    description: 'Your name, when the invitation creates your user.',
  })
  @IsOptional()
  @IsString({ message: 'name must be text' })
  @MaxLength(200, { message: 'name must be at most 200 characters long' })
  name?: string;

  @ApiPropertyOptional({
    description:
      'Needed when you are not signed in and your address has no password yet: it becomes your password (at least 15 characters).',
  })
  @IsOptional()
  @IsString({ message: 'password must be text' })
  @MaxLength(1024, { message: 'password must be at most 1024 characters long' })
  password?: string;
}

/** What the accept page shows: who invites whom to what. */
export class InvitationPreviewDto {
  @ApiProperty({ example: 'Example Ltd', description: 'The account the invitation is to.' })
  accountName!: string;

  @ApiProperty({ example: 'ann@example.com', description: 'The invited address.' })
  email!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: 'The role they get on accepting.' })
  role!: MembershipRole;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the link stops working.' })
  expiresAt!: Date;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The inviter's name or e-mail address; null when that user was deleted.",
  })
  invitedBy!: string | null;

  @ApiProperty({
    description:
      'Whether a user with this address exists (then: sign in first, unless it has no password yet).',
  })
  userExists!: boolean;
}

/** An accepted invitation: the membership it made. */
export class AcceptedInvitationDto {
  @ApiProperty({ format: 'uuid', description: 'The account joined.' })
  accountId!: string;

  @ApiProperty({ example: 'Example Ltd', description: 'Its name.' })
  accountName!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: 'Your role there.' })
  role!: MembershipRole;

  @ApiProperty({ format: 'uuid', description: 'Your user id.' })
  userId!: string;

  @ApiProperty({ description: 'Whether accepting created your user (and signed you in).' })
  userCreated!: boolean;
}
