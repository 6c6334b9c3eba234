import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiError, unwrap } from '../api/client';
import { ErrorNote, Field, Loading, NewPasswordField, PageTitle } from '../components/ui';
import { SESSION_KEY, useResetSession, useSession } from '../session';

/**
 * The token of a one-time link (`…#token=…`). It is in the fragment so that it never reaches a
 * server log or a Referer header; it is taken out of the address bar at once. `keep` holds it in
 * this tab's session storage while its owner signs in first (never in a URL).
 */
function useLinkToken(keep?: string): string | null {
  const [token] = useState(() => {
    const value = new URLSearchParams(window.location.hash.slice(1)).get('token');
    if (value)
      history.replaceState(history.state, '', window.location.pathname + window.location.search);
    return value ?? (keep ? sessionStorage.getItem(keep) : null);
  });
  return token;
}

const INVITATION_KEY = 'trackveil.invitation';

/** `/reset-password`: ask for a link by e-mail, or, with a link's token, choose a new password. */
export function ResetPassword() {
  const token = useLinkToken();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const request = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/password-reset', { body: { email } })),
  });
  const confirm = useMutation({
    mutationFn: (value: string) =>
      unwrap(
        api.POST('/api/auth/password-reset/confirm', {
          body: { token: token!, newPassword: value },
        }),
      ),
  });
  if (token) {
    return (
      <section className="narrow card">
        <PageTitle title="Choose a new password">Choose a new password</PageTitle>
        {confirm.isSuccess ? (
          <p role="status">
            Your password is changed, and every other session of yours has ended.{' '}
            <Link href="/sign-in">Sign in</Link> with it.
          </p>
        ) : (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              confirm.mutate(password);
            }}
          >
            <NewPasswordField label="New password" value={password} onChange={setPassword} />
            {confirm.isError && <ErrorNote error={confirm.error} />}
            <button type="submit" className="button" disabled={confirm.isPending}>
              Change password
            </button>
          </form>
        )}
      </section>
    );
  }
  return (
    <section className="narrow card">
      <PageTitle title="Reset your password">Reset your password</PageTitle>
      {request.isSuccess ? (
        <p role="status">{request.data.message}</p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            request.mutate();
          }}
        >
          <p className="intro">We send a link to choose a new password to your e-mail address.</p>
          <Field
            label="E-mail"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(event) => setEmail(event.target.value)}
          />
          {request.isError && <ErrorNote error={request.error} />}
          <button type="submit" className="button" disabled={request.isPending}>
            Send the link
          </button>
        </form>
      )}
      <p className="aside">
        <Link href="/sign-in">Back to sign in</Link>
      </p>
    </section>
  );
}

/** `/invitations/accept#token=…`: who invites you to what, then join (signing up if need be). */
export function AcceptInvitation() {
  const token = useLinkToken(INVITATION_KEY);
  const session = useSession();
  const resetSession = useResetSession();
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => unwrap(api.POST('/api/invitations/lookup', { body: { token: token! } })),
    enabled: token !== null,
    staleTime: Infinity,
  });
  const accept = useMutation({
    mutationFn: (body: { name?: string; password?: string }) =>
      unwrap(api.POST('/api/invitations/accept', { body: { token: token!, ...body } })),
    onSuccess: async (accepted) => {
      sessionStorage.removeItem(INVITATION_KEY);
      if (accepted.userCreated) resetSession(null);
      await client.invalidateQueries({ queryKey: SESSION_KEY });
      navigate('/sites');
    },
  });
  if (!token) {
    return (
      <section className="narrow card">
        <PageTitle title="Invitation">Invitation</PageTitle>
        <p>
          This address has no invitation in it. Open the link from the invitation as it was sent.
        </p>
      </section>
    );
  }
  if (preview.isPending || session.isPending) return <Loading />;
  if (preview.isError) {
    return (
      <section className="narrow card">
        <PageTitle title="Invitation">Invitation</PageTitle>
        <ErrorNote error={preview.error} />
      </section>
    );
  }
  const invitation = preview.data;
  const signedInAs = session.data?.user.email;
  const otherUser =
    signedInAs !== undefined && signedInAs.toLowerCase() !== invitation.email.toLowerCase();
  const needsSignIn = !signedInAs && invitation.userExists;
  const conflict = accept.error instanceof ApiError && accept.error.status === 409;
  return (
    <section className="narrow card">
      <PageTitle title="Invitation">Join {invitation.accountName}</PageTitle>
      <p className="intro">
        {invitation.invitedBy ?? 'Someone'} invites <strong>{invitation.email}</strong> to{' '}
        <strong>{invitation.accountName}</strong> as {invitation.role === 'admin' ? 'an' : 'a'}{' '}
        {invitation.role}.
      </p>
      {otherUser ? (
        <p>
          You are signed in as {signedInAs}. Sign out, then open the link again to accept it as{' '}
          {invitation.email}.
        </p>
      ) : needsSignIn || conflict ? (
        <p>
          {invitation.email} already has a Trackveil user.{' '}
          <Link
            href={`/sign-in?next=${encodeURIComponent('/invitations/accept')}`}
            onClick={() => sessionStorage.setItem(INVITATION_KEY, token)}
          >
            Sign in
          </Link>{' '}
          as {invitation.email}, then accept.
        </p>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            accept.mutate(signedInAs ? {} : { name: name || undefined, password });
          }}
        >
          {!signedInAs && (
            <>
              <Field
                label="Your name"
                autoComplete="name"
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
              <NewPasswordField label="Choose a password" value={password} onChange={setPassword} />
            </>
          )}
          {accept.isError && <ErrorNote error={accept.error} />}
          <button type="submit" className="button" disabled={accept.isPending}>
            Accept the invitation
          </button>
        </form>
      )}
    </section>
  );
}
