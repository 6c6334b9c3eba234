import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsPresent } from '../../common/validation.js';
import { REGISTRATION_POLICIES, type RegistrationPolicy } from '../../config/environment.js';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../users/entities/membership.entity.js';

/**
 * Typed passwords are bounded only to bound what one request can submit; the policy of a new
 * password (15 to 256 characters, not a common one) is checked by the service, with reasons.
 */
const MAX_TYPED_PASSWORD = 1024;

export class RegistrationDto {
  @ApiProperty({
    enum: REGISTRATION_POLICIES,
    description:
      '`first`: only the first user signs up (then invitations); `invite`: only invitations; `open`: anyone.',
  })
  policy!: RegistrationPolicy;

  @ApiProperty({ description: 'Whether someone could sign up now without an invitation.' })
  signUpOpen!: boolean;
}

export class SignUpDto {
  @ApiProperty({ example: 'ann@example.com', maxLength: 320 })
  @IsPresent()
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiPropertyOptional({ example: 'Ann Lee', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    description: 'At least 15 characters, at most 256, not a commonly used password.',
    example: 'plum kettle orbit lantern 42',
  })
  @IsPresent()
  @IsString()
  @MaxLength(MAX_TYPED_PASSWORD)
  password!: string;
}

export class SignInDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsPresent()
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ example: 'plum kettle orbit lantern 42' })
  @IsPresent()
  @IsString()
  @MaxLength(MAX_TYPED_PASSWORD)
  password!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password the user signs in with now.' })
  @IsPresent()
  @IsString()
  @MaxLength(MAX_TYPED_PASSWORD)
  currentPassword!: string;

  @ApiProperty({
    description: 'At least 15 characters, at most 256, not a commonly used password.',
  })
  @IsPresent()
  @IsString()
  @MaxLength(MAX_TYPED_PASSWORD)
  newPassword!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ann@example.com' })
  @IsPresent()
  @IsString()
  @MaxLength(320)
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({
    description: 'The `token` of the link’s fragment (`…/reset-password#token=…`).',
  })
  @IsPresent()
  @IsString()
  @MaxLength(200)
  token!: string;

  @ApiProperty({
    description: 'At least 15 characters, at most 256, not a commonly used password.',
  })
  @IsPresent()
  @IsString()
  @MaxLength(MAX_TYPED_PASSWORD)
  newPassword!: string;
}

export class PasswordResetRequestedDto {
  @ApiProperty({
    example:
      'If a user has this e-mail address, a link to choose a new password is on its way; it works once, for an hour.',
  })
  message!: string;
}

export class SessionUserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ann@example.com' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ann Lee' })
  name!: string | null;
}

export class SessionMembershipDto {
  @ApiProperty({ format: 'uuid' })
  accountId!: string;

  @ApiProperty({ example: 'Ann Lee' })
  accountName!: string;

  @ApiProperty({ enum: MEMBERSHIP_ROLES })
  role!: MembershipRole;
}

export class CurrentSessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'When this sign-in ends unless used before (each use moves it on).',
  })
  expiresAt!: Date;
}

/** Who is signed in, the accounts they may reach, and this sign-in. */
export class SessionDocumentDto {
  @ApiProperty({ type: SessionUserDto })
  user!: SessionUserDto;

  @ApiProperty({ type: [SessionMembershipDto] })
  memberships!: SessionMembershipDto[];

  @ApiProperty({ type: CurrentSessionDto })
  session!: CurrentSessionDto;
}

export class UserSessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  lastSeenAt!: Date;

  @ApiProperty({ type: String, format: 'date-time' })
  expiresAt!: Date;

  @ApiProperty({ type: String, nullable: true, description: 'The browser’s User-Agent.' })
  userAgent!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.0',
    description: 'The address signed in from, without its host part.',
  })
  clientAddress!: string | null;

  @ApiProperty({ description: 'The session this request came with.' })
  current!: boolean;
}
