import { ApiProperty } from '@nestjs/swagger';

/** The body of every 4xx and 5xx answer, as `AllExceptionsFilter` writes it (for the OpenAPI document). */
export class ErrorBodyDto {
  @ApiProperty({ type: 'integer', example: 400, description: 'The HTTP status, repeated.' })
  statusCode!: number;

  @ApiProperty({ example: 'Bad Request', description: 'The status text.' })
  error!: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'url is required and must not be empty or blank',
    description:
      'What to fix, in a full sentence; a list of them for a body with several bad fields.',
  })
  message!: string | string[];

  @ApiProperty({
    description:
      'The `X-Request-Id` of the request (the one sent, or one generated), as in the logs.',
  })
  requestId!: string;
}
