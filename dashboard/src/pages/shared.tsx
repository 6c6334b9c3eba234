import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, ApiError, type Schemas, setSharedLink, unwrap } from '../api/client';
import { ErrorNote, Field, Loading, PageTitle } from '../components/ui';
import { DashboardView } from './site-dashboard';

type Opened = Schemas['OpenedSharedLinkDto'];

/** Where a link's proof of password is kept for this tab, so a reload does not ask again. */
const storageKey = (token: string) => `trackveil.share.${token.slice(0, 12)}`;

function remembered(token: string): Opened | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(storageKey(token)) ?? 'null') as Opened | null;
    return value?.accessExpiresAt && Date.parse(value.accessExpiresAt) > Date.now() ? value : null;
  } catch {
    return null;
  }
}

/**
 * `/share/:token`: a site's dashboard through a shared link, read-only, with nothing else of the
 * account. A link with a password asks for it first.
 */
export function SharedDashboard({ token }: { token: string }) {
  const [opened, setOpened] = useState<Opened | null>(() => remembered(token));
  const [password, setPassword] = useState('');
  const [needsPassword, setNeedsPassword] = useState(false);
  const openLink = useMutation({
    mutationFn: (body: { token: string; password?: string }) =>
      unwrap(api.POST('/api/shared-links/open', { body })),
    onSuccess: (result) => {
      if (result.access) sessionStorage.setItem(storageKey(token), JSON.stringify(result));
      setOpened(result);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 401) setNeedsPassword(true);
    },
  });
  useEffect(() => {
    if (!opened) openLink.mutate({ token });
    // Once per link: `opened` and `openLink` change because of this very call.
  }, [token]);

  if (opened) {
    // Before the dashboard renders: its requests carry the link from the first one on.
    setSharedLink({ token, access: opened.access, siteId: opened.site.id });
    return <DashboardView site={opened.site} basePath={`/share/${token}`} />;
  }
  if (needsPassword) {
    return (
      <section className="narrow card">
        <PageTitle title="Shared dashboard">This dashboard is protected</PageTitle>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            openLink.mutate({ token, password });
          }}
        >
          <Field
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
          {openLink.isError && password !== '' && <ErrorNote error={openLink.error} />}
          <button type="submit" className="button" disabled={openLink.isPending}>
            Open the dashboard
          </button>
        </form>
      </section>
    );
  }
  if (openLink.isError) {
    return (
      <section className="narrow card">
        <PageTitle title="Shared dashboard">Shared dashboard</PageTitle>
        <ErrorNote error={openLink.error} />
      </section>
    );
  }
  return <Loading />;
}
