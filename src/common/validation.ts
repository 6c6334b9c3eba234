import { ValidationPipe } from '@nestjs/common';

/**
 * The global validation of request bodies: unknown fields are refused, values are transformed to
 * the DTO's types, and error bodies never echo the input back.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
  });
}
