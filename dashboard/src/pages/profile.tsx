import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, unwrap } from '../api/client';
import { ErrorNote, Field, Loading, NewPasswordField, PageTitle } from '../components/ui';
import { useSession } from '../session';
import { formatTime } from '../lib/format';

function ChangePassword() {
  const client = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/auth/password', { body: { currentPassword: current, newPassword: next } }),
      ),
    onSuccess: () => {
      setCurrent('');
      setNext('');
      void client.invalidateQueries({ queryKey: ['user-sessions'] });
    },
  });
  return (
    <section className="card settings-section" aria-labelledby="password">
      <h2 id="password">Password</h2>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          change.mutate();
        }}
      >
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
        <NewPasswordField label="New password" value={next} onChange={setNext} />
        {change.isError && <ErrorNote error={change.error} />}
        <div className="actions">
          <button type="submit" className="button" disabled={change.isPending}>
            Change password
          </button>
          {change.isSuccess && (
            <span role="status">Changed. Every other session of yours has been signed out.</span>
          )}
        </div>
      </form>
    </section>
  );
}

function Sessions() {
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ['user-sessions'],
    queryFn: () => unwrap(api.GET('/api/auth/sessions')),
  });
  const end = useMutation({
    mutationFn: (sessionId: string) =>
      unwrap(api.DELETE('/api/auth/sessions/{sessionId}', { params: { path: { sessionId } } })),
    onSettled: () => client.invalidateQueries({ queryKey: ['user-sessions'] }),
  });
  return (
    <section className="card settings-section" aria-labelledby="sessions">
      <h2 id="sessions">Where you are signed in</h2>
      {sessions.isPending && <Loading />}
      {sessions.isError && (
        <ErrorNote error={sessions.error} retry={() => void sessions.refetch()} />
      )}
      {end.isError && <ErrorNote error={end.error} />}
      {sessions.data && (
        <ul className="plain-list">
          {sessions.data.map((session) => (
            <li key={session.id}>
              <span>
                <strong>{session.userAgent ?? 'Unknown browser'}</strong>
                <br />
                <span className="muted">
                  {session.current ? 'This browser' : `Last used ${formatTime(session.lastSeenAt)}`}
                  {session.clientAddress ? ` · from ${session.clientAddress}` : ''} · signed in{' '}
                  {formatTime(session.createdAt)}
                </span>
              </span>
              {!session.current && (
                <button
                  type="button"
                  className="button link"
                  onClick={() => end.mutate(session.id)}
                >
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `/profile`: the signed-in user's password and sessions. */
export function Profile() {
  const session = useSession();
  if (!session.data) return <Loading />;
  const { user } = session.data;
  return (
    <div className="page settings">
      <p className="breadcrumbs">
        <Link href="/sites">← Sites</Link>
      </p>
      <PageTitle title="Your profile">{user.name ?? user.email}</PageTitle>
      <p className="muted">{user.email}</p>
      <ChangePassword />
      <Sessions />
    </div>
  );
}
