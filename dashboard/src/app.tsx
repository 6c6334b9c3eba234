import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { api, unwrap } from './api/client';
import { ErrorNote, Loading } from './components/ui';
import { AccountSettings } from './pages/account';
import { AddSite, InstallSite } from './pages/add-site';
import { AcceptInvitation, ResetPassword } from './pages/links';
import { Profile } from './pages/profile';
import { SharedDashboard } from './pages/shared';
import { SignIn, SignUp } from './pages/sign-in';
import { SiteDashboard } from './pages/site-dashboard';
import { SiteSettings } from './pages/site-settings';
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
          <Link href="/profile" className="who" title={`${user.email}: password and sessions`}>
            {user.name ?? user.email}
          </Link>
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

type Params = Record<string, string | undefined>;

/**
 * The pages for signed-in users, first match wins; the server answers these paths with the app
 * (`src/dashboard/dashboard.middleware.ts`, `PAGES`).
 */
const SIGNED_IN_PAGES: { path: string; page: (params: Params) => ReactNode }[] = [
  { path: '/sites', page: () => <Sites /> },
  { path: '/profile', page: () => <Profile /> },
  {
    path: '/accounts/:accountId',
    page: ({ accountId }) => <AccountSettings accountId={accountId!} />,
  },
  { path: '/sites/new', page: () => <AddSite /> },
  { path: '/sites/:siteId/install', page: ({ siteId }) => <InstallSite siteId={siteId!} /> },
  { path: '/sites/:siteId/settings', page: ({ siteId }) => <SiteSettings siteId={siteId!} /> },
  { path: '/sites/:siteId', page: ({ siteId }) => <SiteDashboard siteId={siteId!} /> },
];

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
          <Route path="/share/:token">
            {(params: Params) => <SharedDashboard token={params.token!} />}
          </Route>
          {SIGNED_IN_PAGES.map(({ path, page }) => (
            <Route key={path} path={path}>
              {(params: Params) => <SignedIn>{page(params)}</SignedIn>}
            </Route>
          ))}
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
