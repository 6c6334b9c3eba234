import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, unwrap } from '../api/client';
import { domainList, formText } from '../lib/forms';
import { ErrorNote, Field, Loading, PageTitle } from '../components/ui';
import { useSession } from '../session';
import { useSiteRole } from './site-role';
import { canManage } from './sites';

function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function timeZones(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

/** The IANA timezone a site counts its days in (field `timezone` of the form). */
export function TimezoneSelect({ defaultValue, hint }: { defaultValue: string; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor="timezone">Timezone of the reports</label>
      <select
        id="timezone"
        name="timezone"
        defaultValue={defaultValue}
        aria-describedby={hint ? 'timezone-hint' : undefined}
      >
        {timeZones().map((zone) => (
          <option key={zone}>{zone}</option>
        ))}
      </select>
      {hint && (
        <p className="hint" id="timezone-hint">
          {hint}
        </p>
      )}
    </div>
  );
}

export function AddSite() {
  const session = useSession();
  const search = useSearch();
  const [, navigate] = useLocation();
  const client = useQueryClient();
  const accounts = (session.data?.memberships ?? []).filter((membership) =>
    canManage(membership.role),
  );
  const wanted = new URLSearchParams(search).get('account');
  const [accountId, setAccountId] = useState(
    accounts.find((account) => account.accountId === wanted)?.accountId ?? accounts[0]?.accountId,
  );
  const create = useMutation({
    mutationFn: ({
      accountId,
      ...body
    }: {
      accountId: string;
      name: string;
      domain: string;
      timezone: string;
      allowedDomains: string[];
    }) =>
      unwrap(
        api.POST('/api/accounts/{accountId}/sites', {
          params: { path: { accountId } },
          body: { ...body, retentionMonths: null },
        }),
      ),
    onSuccess: async (site) => {
      await client.invalidateQueries({ queryKey: ['sites'] });
      navigate(`/sites/${site.id}/install`);
    },
  });
  if (accounts.length === 0) {
    return (
      <section className="narrow card">
        <PageTitle title="Add a site">Add a site</PageTitle>
        <p>Only the owners and admins of an account can add sites.</p>
      </section>
    );
  }
  return (
    <section className="narrow card">
      <PageTitle title="Add a site">Add a site</PageTitle>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const form = event.currentTarget;
          const text = (name: string) => formText(form, name).trim();
          if (!accountId) return;
          create.mutate({
            accountId,
            name: text('name') || text('domain'),
            domain: text('domain'),
            timezone: text('timezone'),
            allowedDomains: domainList(text('allowedDomains')),
          });
        }}
      >
        {accounts.length > 1 && (
          <div className="field">
            <label htmlFor="account">Account</label>
            <select
              id="account"
              value={accountId}
              onChange={(event) => setAccountId(event.target.value)}
            >
              {accounts.map((account) => (
                <option key={account.accountId} value={account.accountId}>
                  {account.accountName}
                </option>
              ))}
            </select>
          </div>
        )}
        <Field
          label="Domain"
          name="domain"
          placeholder="blog.example.com"
          required
          autoComplete="off"
          hint="The address of the site, without https://."
        />
        <Field
          label="Name"
          name="name"
          placeholder="My blog"
          hint="Shown in the dashboard; the domain if empty."
        />
        <TimezoneSelect defaultValue={browserTimeZone()} />
        <Field
          label="Only accept page views from (optional)"
          name="allowedDomains"
          placeholder="www.example.com, shop.example.com"
          hint="Domains separated by commas; their subdomains count too. Empty accepts page views from any site that has the snippet."
        />
        {create.isError && <ErrorNote error={create.error} />}
        <div className="actions">
          <button type="submit" className="button" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add site and get the snippet'}
          </button>
          <Link href="/sites" className="button secondary">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}

/** The snippet to paste, and whether the site has sent its first event yet (polled). */
export function InstallSite({ siteId }: { siteId: string }) {
  const path = { params: { path: { siteId } } };
  const { site } = useSiteRole(siteId);
  const snippet = useQuery({
    queryKey: ['snippet', siteId],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}/snippet', path)),
    enabled: site.isSuccess,
  });
  const installation = useQuery({
    queryKey: ['installation', siteId],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}/installation', path)),
    enabled: site.isSuccess,
    // Until the first event; not after an error (the retry button asks again).
    refetchInterval: (query) => (query.state.data?.installed || query.state.error ? false : 2000),
    refetchIntervalInBackground: false,
  });
  const [copied, setCopied] = useState(false);
  if (site.isError) return <ErrorNote error={site.error} />;
  if (!site.data || !snippet.data) return <Loading />;
  const installed = installation.data?.installed === true;
  return (
    <section className="narrow card">
      <PageTitle title={`Install ${site.data.name}`}>Add the snippet to {site.data.name}</PageTitle>
      <p>
        Paste this into the <code>&lt;head&gt;</code> of every page of{' '}
        <strong>{site.data.domain}</strong>. It loads a 1.4 KB script after the page, sets no cookie
        and keeps no IP address.
      </p>
      <div className="snippet">
        <pre>
          <code id="snippet">{snippet.data.html}</code>
        </pre>
        <button
          type="button"
          className="button secondary"
          aria-describedby="snippet"
          onClick={() => {
            void navigator.clipboard.writeText(snippet.data.html).then(() => setCopied(true));
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <p className="aside">
        No site to paste it into yet? Try it on the <a href={snippet.data.testPageUrl}>test page</a>
        .
      </p>
      <div
        className={installed ? 'installation installed' : 'installation'}
        role="status"
        aria-live="polite"
      >
        {installation.isError ? (
          <ErrorNote error={installation.error} retry={() => void installation.refetch()} />
        ) : installed ? (
          <>
            <span className="status-dot" aria-hidden="true" /> Installed ✓ — the first page view has
            arrived.
          </>
        ) : (
          <>
            <span className="status-dot waiting" aria-hidden="true" /> Waiting for the first page
            view…
          </>
        )}
      </div>
      <div className="actions">
        <Link href={`/sites/${siteId}`} className={installed ? 'button' : 'button secondary'}>
          Go to the dashboard
        </Link>
      </div>
    </section>
  );
}
