import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { api, unwrap } from './api/client';
import { ErrorNote, Loading } from './components/ui';
import { AddSite, InstallSite } from './pages/add-site';
import { AcceptInvitation, ResetPassword } from './pages/links';
import { SignIn, SignUp } from './pages/sign-in';
import { SiteDashboard } from './pages/site-dashboard';
import { Sites } from './pages/sites';
import { useResetSession, useSession } from './session';

/** Pages that need a signed-in user send everyone else to sign in, and back afterwards. */
function SignedIn({ children }: { children: ReactNode }) {
  const session = useSession();
  const [location] = useLocation();
  if (session.isPending) return <Loading />;
  if (session.isError)
    return <ErrorNote error={session.error} retry={() => void session.refetch()} />;
  if (!session.data) {
    const next = location + window.location.search;
    return <Redirect to={`/sign-in?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

function Header() {
  const session = useSession();
  const resetSession = useResetSession();
  const [, navigate] = useLocation();
  const signOut = useMutation({
    mutationFn: () => unwrap(api.POST('/api/auth/sign-out')),
    onSuccess: () => {
      resetSession(null);
      navigate('/sign-in');
    },
  });
  const user = session.data?.user;
  return (
    <header className="top">
      <Link href={user ? '/sites' : '/sign-in'} className="brand">
        <svg viewBox="0 0 16 16" width="22" height="22" aria-hidden="true">
          <rect width="16" height="16" rx="3" fill="currentColor" />
          <path d="M3 11l3-4 3 2 4-5" stroke="var(--bg)" strokeWidth="1.6" fill="none" />
        </svg>
        Trackveil
      </Link>
      {user && (
        <nav aria-label="Main">
          <Link href="/sites">Sites</Link>
          <span className="who" title={user.email}>
            {user.name ?? user.email}
          </span>
          <button
            type="button"
            className="button link"
            onClick={() => signOut.mutate()}
            disabled={signOut.isPending}
          >
            Sign out
          </button>
        </nav>
      )}
    </header>
  );
}

export function App() {
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/sign-in" component={SignIn} />
          <Route path="/sign-up" component={SignUp} />
          <Route path="/reset-password" component={ResetPassword} />
          <Route path="/invitations/accept" component={AcceptInvitation} />
          <Route path="/sites">
            <SignedIn>
              <Sites />
            </SignedIn>
          </Route>
          <Route path="/sites/new">
            <SignedIn>
              <AddSite />
            </SignedIn>
          </Route>
          <Route path="/sites/:siteId/install">
            {(params) => (
              <SignedIn>
                <InstallSite siteId={params.siteId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/sites/:siteId">
            {(params) => (
              <SignedIn>
                <SiteDashboard siteId={params.siteId} />
              </SignedIn>
            )}
          </Route>
          <Route path="/">
            <Redirect to="/sites" replace />
          </Route>
          <Route>
            <section className="narrow">
              <h1>Page not found</h1>
              <p>
                There is nothing at this address. <Link href="/sites">Go to your sites</Link>.
              </p>
            </section>
          </Route>
        </Switch>
      </main>
    </>
  );
}
