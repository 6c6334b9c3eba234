import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, Redirect, useLocation, useSearch } from 'wouter';
import { api, ApiError, describeError, type SessionDocument, unwrap } from '../api/client';
import { formText } from '../lib/forms';
import { ErrorNote, Field, Loading, NewPasswordField, PageTitle } from '../components/ui';
import { useResetSession, useSession } from '../session';

/** Where to go after signing in: a path of this app only (never another site). */
function nextPath(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/sites';
}

function useSignedInAs() {
  const resetSession = useResetSession();
  const [, navigate] = useLocation();
  const search = useSearch();
  return (session: SessionDocument) => {
    resetSession(session);
    navigate(nextPath(search), { replace: true });
  };
}

export function SignIn() {
  const session = useSession();
  const search = useSearch();
  const signedIn = useSignedInAs();
  const signIn = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      unwrap(api.POST('/api/auth/sign-in', { body })),
    onSuccess: signedIn,
  });
  if (session.data) return <Redirect to={nextPath(search)} replace />;
  return (
    <section className="narrow card">
      <PageTitle title="Sign in">Sign in</PageTitle>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          signIn.mutate({
            email: formText(event.currentTarget, 'email'),
            password: formText(event.currentTarget, 'password'),
          });
        }}
      >
        <Field label="E-mail" name="email" type="email" autoComplete="username" required />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        {signIn.isError && <ErrorNote error={signIn.error} />}
        <button type="submit" className="button" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="aside">
        <Link href="/reset-password">Forgot your password?</Link>
      </p>
      <p className="aside">
        New here? <Link href={`/sign-up${search ? `?${search}` : ''}`}>Create an account</Link>
      </p>
    </section>
  );
}

export function SignUp() {
  const registration = useQuery({
    queryKey: ['registration'],
    queryFn: () => unwrap(api.GET('/api/auth/registration')),
  });
  const signedIn = useSignedInAs();
  const [password, setPassword] = useState('');
  const signUp = useMutation({
    mutationFn: (body: { email: string; name: string; password: string }) =>
      unwrap(api.POST('/api/auth/sign-up', { body })),
    onSuccess: signedIn,
  });
  if (registration.isPending) return <Loading />;
  if (registration.isError) {
    return <ErrorNote error={registration.error} retry={() => void registration.refetch()} />;
  }
  if (!registration.data.signUpOpen) {
    return (
      <section className="narrow card">
        <PageTitle title="Sign up">Sign up</PageTitle>
        <p>
          This Trackveil server takes new users by invitation only. Ask someone who uses it to
          invite you, or <Link href="/sign-in">sign in</Link>.
        </p>
      </section>
    );
  }
  const error = signUp.error;
  const passwordError =
    error instanceof ApiError && /password/i.test(error.message) ? error.message : undefined;
  return (
    <section className="narrow card">
      <PageTitle title="Sign up">Create your account</PageTitle>
      {registration.data.policy === 'first' && (
        <p className="intro">
          You are the first user of this server: you will own its sites, and invite the others.
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          signUp.mutate({
            email: formText(event.currentTarget, 'email'),
            name: formText(event.currentTarget, 'name'),
            password,
          });
        }}
      >
        <Field label="Name" name="name" autoComplete="name" />
        <Field label="E-mail" name="email" type="email" autoComplete="username" required />
        <NewPasswordField value={password} onChange={setPassword} error={passwordError} />
        {error && !passwordError && <p className="field-error">{describeError(error)}</p>}
        <button type="submit" className="button" disabled={signUp.isPending}>
          {signUp.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="aside">
        Already have an account? <Link href="/sign-in">Sign in</Link>
      </p>
    </section>
  );
}
