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
  | 'api_key_not_found'
  | 'invalid_site'
  | 'member_not_found'
  | 'owner_required'
  | 'last_owner'
  | 'invitation_not_found'
  | 'invitation_conflict'
  | 'invitation_for_another_user'
  | 'sign_in_to_accept'
  | 'password_required'
  | 'sign_up_closed'
  | 'reset_link_invalid'
  | 'wrong_current_password'
  | 'invalid_goal'
  | 'goal_not_found'
  | 'goal_exists'
  | 'goal_limit_reached';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
