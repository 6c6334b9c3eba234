import { BadRequestException } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { createValidationPipe, IsPresent, StripUnknownFields } from './validation.js';

/** A management body: the default, strict contract. */
class RenameSiteDto {
  @IsPresent()
  @IsString()
  @MaxLength(20)
  name!: string;
}

/** A public contract that newer clients may extend. */
@StripUnknownFields()
class PingDto {
  @IsPresent()
  @IsString()
  name!: string;
}

const pipe = createValidationPipe();

const validate = (metatype: new () => object, value: unknown) =>
  pipe.transform(value, { type: 'body', metatype });

describe('createValidationPipe', () => {
  it('should refuse fields a management body does not declare, naming them', async () => {
    const error = (await validate(RenameSiteDto, { name: 'Blog', colour: 'blue' }).catch(
      (caught: unknown) => caught,
    )) as BadRequestException;
    expect(error).toBeInstanceOf(BadRequestException);
    expect(error.getResponse()).toMatchObject({ message: ['property colour should not exist'] });
  });

  it('should drop fields a contract marked @StripUnknownFields does not declare', async () => {
    const result = await validate(PingDto, { name: 'Blog', colour: 'blue' });
    expect(result).toBeInstanceOf(PingDto);
    expect(result).toEqual({ name: 'Blog' });
  });

  it('should answer a blank required field with one message saying it is required', async () => {
    const error = (await validate(RenameSiteDto, { name: '   ' }).catch(
      (caught: unknown) => caught,
    )) as BadRequestException;
    expect(error.getResponse()).toMatchObject({
      message: ['name is required and must not be empty or blank'],
    });
  });

  it('should keep the other messages of a field that is present', async () => {
    const error = (await validate(RenameSiteDto, { name: 'x'.repeat(21) }).catch(
      (caught: unknown) => caught,
    )) as BadRequestException;
    expect(error.getResponse()).toMatchObject({
      message: ['name must be shorter than or equal to 20 characters'],
    });
  });

  it('should strip __proto__ keys from every body before reading it', async () => {
    const body = JSON.parse('{"name":"Blog","__proto__":{"admin":true}}') as object;
    const result = (await validate(PingDto, body)) as Record<string, unknown>;
    expect(result.admin).toBeUndefined();
    expect(Object.getPrototypeOf(result)).toBe(PingDto.prototype);
  });
});
