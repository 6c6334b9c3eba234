import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, MaxLength } from 'class-validator';
import { IsPresent } from '../../common/validation.js';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../users/entities/membership.entity.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** The body of `POST /api/accounts` and `PATCH /api/accounts/:accountId`. */
export class AccountNameDto {
  @ApiProperty({
    example: 'Example Ltd',
    minLength: 1,
    maxLength: 200,
    description: 'The account name members see; trimmed.',
  })
  @Transform(trim)
  @IsPresent()
  @IsString({ message: 'name must be text' })
  @MaxLength(200, { message: 'name must be at most 200 characters long' })
  name!: string;
}

/** An account, with the caller's role in it. */
export class AccountDto {
  @ApiProperty({ format: 'uuid', description: 'The account id.' })
  id!: string;

  @ApiProperty({ example: 'Example Ltd', description: 'The account name.' })
  name!: string;

  @ApiProperty({
    enum: MEMBERSHIP_ROLES,
    description: 'The role the caller acts with in this account.',
  })
  role!: MembershipRole;

  @ApiProperty({ type: String, format: 'date-time', description: 'When the account was created.' })
  createdAt!: Date;
}
