import { ApiProperty } from '@nestjs/swagger';
import { Transform, type TransformFnParams } from 'class-transformer';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { API_KEY_SCOPES, type ApiKeyScope } from '../../auth/principal.js';
import { cleanText } from '../../common/clean-text.js';
import { IsPresent } from '../../common/validation.js';

const cleanTrimmed = ({ value }: TransformFnParams): unknown =>
  typeof value === 'string' ? cleanText(value).trim() : value;

/** `POST /api/accounts/:accountId/api-keys`. */
export class CreateApiKeyDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'Weekly report script',
    description: 'What the key is for, to recognise it in the list (trimmed).',
  })
  @Transform(cleanTrimmed)
  @IsPresent()
  @IsString({ message: 'name must be text' })
  @MaxLength(100, { message: 'name must be at most 100 characters long' })
  name!: string;

  @ApiProperty({
    enum: API_KEY_SCOPES,
    example: 'stats:read',
    description:
      "`stats:read` reads the stats of the account's sites (as a viewer); `full` may also do what an admin may (manage sites), but never manage members or keys.",
  })
  @IsPresent()
  @IsIn(API_KEY_SCOPES, { message: `scope must be one of: ${API_KEY_SCOPES.join(', ')}` })
  scope!: ApiKeyScope;
}
