import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, type Role, type Site, unwrap } from '../api/client';
import { Sparkline } from '../components/sparkline';
import { ErrorNote, Loading, PageTitle } from '../components/ui';
import { formatCount } from '../lib/format';
import { useSession } from '../session';

export const canManage = (role: Role) => role === 'owner' || role === 'admin';

function SiteCard({ site }: { site: Site }) {
  const path = { path: { siteId: site.id } };
  const today = useQuery({
    queryKey: ['stats', site.id, 'summary', 'day'],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/summary', {
          params: { ...path, query: { period: 'day' } },
        }),
      ),
  });
  const week = useQuery({
    queryKey: ['stats', site.id, 'timeseries', '7d'],
    queryFn: () =>
      unwrap(
        api.GET('/api/sites/{siteId}/stats/timeseries', {
          params: { ...path, query: { period: '7d', interval: 'day' } },
        }),
      ),
  });
  return (
    <li className="site-card">
      <Link href={`/sites/${site.id}`} className="site-link">
        <span className="site-name">{site.name}</span>
        <span className="site-domain">{site.domain}</span>
      </Link>
      <div className="site-today">
        <span className="figure-value">
          {today.data ? formatCount(today.data.metrics.visitors) : '–'}
        </span>
        <span className="figure-label">visitors today</span>
      </div>
      {week.data && (
        <Sparkline
          values={week.data.points.map((point) => point.visitors)}
          label={`Visitors per day, last 7 days: ${week.data.points.map((point) => point.visitors).join(', ')}`}
        />
      )}
      {!site.isActive && <span className="badge">paused</span>}
    </li>
  );
}

function AccountSites({
  accountId,
  name,
  role,
  many,
}: {
  accountId: string;
  name: string;
  role: Role;
  many: boolean;
}) {
  const sites = useQuery({
    queryKey: ['sites', accountId],
    queryFn: () =>
      unwrap(api.GET('/api/accounts/{accountId}/sites', { params: { path: { accountId } } })),
  });
  return (
    <section className="account" aria-labelledby={`account-${accountId}`}>
      <div className="section-head">
        <h2 id={`account-${accountId}`} className={many ? undefined : 'visually-hidden'}>
          {name}
        </h2>
        <div className="head-tools">
          <Link href={`/accounts/${accountId}`} className="button secondary">
            {many ? 'Members and settings' : 'Members, API keys and settings'}
          </Link>
          {canManage(role) && (
            <Link href={`/sites/new?account=${accountId}`} className="button">
              Add a site
            </Link>
          )}
        </div>
      </div>
      {sites.isPending && <Loading />}
      {sites.isError && <ErrorNote error={sites.error} retry={() => void sites.refetch()} />}
      {sites.data?.length === 0 && (
        <p className="empty">
          No sites yet.{' '}
          {canManage(role)
            ? 'Add one to get the snippet to paste into its pages.'
            : 'An admin of this account can add one.'}
        </p>
      )}
      {sites.data && sites.data.length > 0 && (
        <ul className="site-list">
          {sites.data.map((site) => (
            <SiteCard key={site.id} site={site} />
          ))}
        </ul>
      )}
    </section>
  );
}

export function Sites() {
  const session = useSession();
  const memberships = session.data?.memberships ?? [];
  return (
    <section className="page">
      <PageTitle title="Sites">Your sites</PageTitle>
      {memberships.length === 0 && (
        <p className="empty">
          You are not a member of any account yet. Ask an admin to invite you.
        </p>
      )}
      {memberships.map((membership) => (
        <AccountSites
          key={membership.accountId}
          accountId={membership.accountId}
          name={membership.accountName}
          role={membership.role}
          many={memberships.length > 1}
        />
      ))}
    </section>
  );
}
