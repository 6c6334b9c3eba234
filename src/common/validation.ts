import { ValidationPipe } from '@nestjs/common';
import { ValidateBy, type ValidationError, type ValidatorOptions } from 'class-validator';

/** The DTOs of public contracts that strip the fields they do not declare (`@StripUnknownFields`). */
const lenientContracts = new WeakSet<object>();

/**
 * Marks the body of a public contract whose clients may be newer than the server (the tracker of
 * a rolling deploy, a cached script): fields the DTO does not declare are dropped, not refused, so
 * such a client loses no events. Every other body keeps refusing unknown fields. Keys that could
 * reach an object's prototype (`__proto__`, `constructor`, `prototype`) are removed from every
 * body before it is read, lenient or not.
 *
 * A marker on the DTO rather than a route-level pipe: Nest runs the global pipe before a route's
 * own, so a route pipe could never loosen what the global one refuses.
 */
export function StripUnknownFields(): ClassDecorator {
  return (target) => {
    lenientContracts.add(target);
  };
}

const IS_PRESENT = 'isPresent';

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && !value.trim());
}

/**
 * A required field: missing, null and text that is empty once trimmed all count as missing. When
 * it fails, its one message ("url is required …") replaces the others of the field, which would
 * only restate that nothing usable was sent.
 */
export function IsPresent(): PropertyDecorator {
  return ValidateBy({
    name: IS_PRESENT,
    validator: {
      validate: (value: unknown) => !isBlank(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'This field'} is required and must not be empty or blank`,
    },
  });
}

/** The app's validation pipe: see `createValidationPipe`. */
class AppValidationPipe extends ValidationPipe {
  protected override async validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> {
    const options = lenientContracts.has(object.constructor)
      ? { ...validatorOptions, forbidNonWhitelisted: false }
      : validatorOptions;
    const errors = await super.validate(object, options);
    for (const error of errors) {
      const missing = error.constraints?.[IS_PRESENT];
      if (missing) error.constraints = { [IS_PRESENT]: missing };
    }
    return errors;
  }
}

/**
 * The global validation of request bodies: unknown fields are refused (except on public contracts
 * marked `@StripUnknownFields()`), values are transformed to the DTO's types, every bad field is
 * named in the 400, and error bodies never echo the input back.
 */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
  });
}
