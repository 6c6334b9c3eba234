import type { ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { DomainError, type DomainErrorCode } from './domain-error.js';

/** What the filter answered for `exception`, through a stand-in for Express's request and response. */
function answer(exception: unknown): { status: number; body: unknown } {
  const sent: { status: number; body: unknown } = { status: 0, body: undefined };
  const res = {
    headersSent: false,
    setHeader: () => res,
    status: (status: number) => {
      sent.status = status;
      return res;
    },
    json: (body: unknown) => {
      sent.body = body;
      return res;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ id: 'req-1', path: '/api/users' }),
      getResponse: () => res,
    }),
  } as unknown as ArgumentsHost;
  new AllExceptionsFilter().catch(exception, host);
  return sent;
}

describe('AllExceptionsFilter with the user domain errors', () => {
  it.each<[DomainErrorCode, number, string]>([
    ['email_taken', 409, 'Conflict'],
    ['membership_exists', 409, 'Conflict'],
    ['invalid_email', 400, 'Bad Request'],
    ['invalid_name', 400, 'Bad Request'],
    ['password_refused', 400, 'Bad Request'],
  ])('should answer %s with %i %s and the message', (code, status, error) => {
    const message = `The message for ${code}.`;
    expect(answer(new DomainError(code, message))).toEqual({
      status,
      body: { statusCode: status, error, message, requestId: 'req-1' },
    });
  });
});
