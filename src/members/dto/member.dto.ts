import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { IsPresent } from '../../common/validation.js';
import { MEMBERSHIP_ROLES, type MembershipRole } from '../../users/entities/membership.entity.js';

/** A member of an account. */
export class MemberDto {
  @ApiProperty({ format: 'uuid', description: 'The user id (what the member routes take).' })
  userId!: string;

  @ApiProperty({ example: 'ann@example.com', description: 'Their e-mail address.' })
  email!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Their name, when they gave one.' })
  name!: string | null;

  @ApiProperty({ enum: MEMBERSHIP_ROLES, description: 'Their role in this account.' })
  role!: MembershipRole;

  @ApiProperty({ type: String, format: 'date-time', description: 'When they joined the account.' })
  joinedAt!: Date;
}

/** The body of `PATCH /api/accounts/:accountId/members/:userId`. */
export class ChangeRoleDto {
  @ApiProperty({
    enum: MEMBERSHIP_ROLES,
    description:
      '`owner` (everything), `admin` (sites, keys, members) or `viewer` (reads stats). Only an owner may give or take `owner`.',
  })
  @IsPresent()
  @IsIn(MEMBERSHIP_ROLES, { message: `role must be one of: ${MEMBERSHIP_ROLES.join(', ')}` })
  role!: MembershipRole;
}
