import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/principal.js';

/** The member who created a key. */
export class ApiKeyCreatorDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'ada@example.com' })
  email!: string;
}

/** A key as the list shows it: never the key itself, which only its holder has. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', description: 'Revoke the key with this id.' })
  id!: string;

  @ApiProperty({ example: 'Weekly report script' })
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES })
  scope!: ApiKeyScope;

  @ApiProperty({
    example: 'tvk_Xb3k9QzA',
    description: 'The first 12 characters of the key, to tell it apart; not enough to call with.',
  })
  prefix!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({
    type: ApiKeyCreatorDto,
    nullable: true,
    description: 'Who created the key; null once that user is deleted.',
  })
  createdBy!: ApiKeyCreatorDto | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When the key was last used, within a minute (it is written at most once a minute); null if never.',
  })
  lastUsedAt!: Date | null;
}

/** The answer to creating a key: the only answer that ever contains the key. */
export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'Weekly report script' })
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES })
  scope!: ApiKeyScope;

  @ApiProperty({ example: 'tvk_Xb3k9QzA', description: 'The first 12 characters of the key.' })
  prefix!: string;

  @ApiProperty({
    example: 'tvk_Xb3k9QzA1mN0pRsTuVwXyZ-_aBcDeFgHiJkLmNoPqRs',
    description:
      'The key, shown this once: Trackveil keeps only its SHA-256 and cannot show it again. Store it in a secret store; send it as `Authorization: Bearer <key>`. A lost key cannot be recovered: revoke it and create a new one.',
  })
  key!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: Date;
}
