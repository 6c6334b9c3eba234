/** Failures the API reports on purpose; `AllExceptionsFilter` maps each code to one status. */
export type DomainErrorCode =
  | 'site_not_found'
  | 'origin_not_allowed'
  | 'event_not_storable'
  | 'ingest_overloaded'
  | 'ingest_timeout';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
