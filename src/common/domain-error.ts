/** Failures the API reports on purpose; `AllExceptionsFilter` maps each code to one status. */
export type DomainErrorCode =
  | 'site_not_found'
  | 'origin_not_allowed'
  | 'event_not_storable'
  | 'ingest_overloaded'
  | 'ingest_timeout'
  | 'invalid_email'
  | 'invalid_name'
  | 'password_refused'
  | 'email_taken'
  | 'membership_exists'
  | 'sign_up_closed'
  | 'reset_link_invalid'
  | 'wrong_current_password';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
