import type { ArgumentsHost } from '@nestjs/common';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { DomainError, type DomainErrorCode } from './domain-error.js';

/** What the filter answered for `exception`, through a stand-in for Express's request and response. */
function answer(exception: unknown, path = '/api/users'): { status: number; body: unknown } {
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
      getRequest: () => ({ id: 'req-1', path }),
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

describe('AllExceptionsFilter with a database that is away', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    code: 'ECONNREFUSED',
  });

  it('should tell a tracker to send the event again with its event_id', () => {
    expect(answer(refused, '/track')).toEqual({
      status: 503,
      body: {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'The database is unreachable; retry in a few seconds with the same event_id.',
        requestId: 'req-1',
      },
    });
  });

  it('should tell any other caller to try again, without event ids or what the database said', () => {
    const { status, body } = answer(refused, '/api/sites/3f0c/stats/summary');
    expect(status).toBe(503);
    expect(body).toMatchObject({
      message: 'The database is unreachable or did not answer in time; retry in a few seconds.',
    });
  });
});
