import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, type Schemas, type Site, unwrap } from '../api/client';
import { formatTime } from '../lib/format';
import { domainList, formText } from '../lib/forms';
import { ErrorNote, Field, Loading, PageTitle, ShownOnce } from '../components/ui';
import { TimezoneSelect } from './add-site';
import { canManage } from './sites';
import { useSiteRole } from './site-role';

/** A field of the form, trimmed (names, domains, numbers). */
function textOf(form: HTMLFormElement, name: string): string {
  return formText(form, name).trim();
}

function General({ site }: { site: Site }) {
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const update = useMutation({
    mutationFn: (body: Parameters<typeof saveBody>[0]) =>
      unwrap(
        api.PATCH('/api/sites/{siteId}', {
          params: { path: { siteId: site.id } },
          body: saveBody(body),
        }),
      ),
    onSuccess: (updated) => {
      client.setQueryData(['site', site.id], updated);
      // A new timezone moves every day's boundaries; a paused site's figures stay, but ask again.
      void client.invalidateQueries({ queryKey: ['sites'] });
      void client.invalidateQueries({ queryKey: ['stats', site.id] });
      setSaved(true);
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const form = event.currentTarget;
    update.mutate({
      name: textOf(form, 'name'),
      domain: textOf(form, 'domain'),
      allowedDomains: textOf(form, 'allowedDomains'),
      timezone: textOf(form, 'timezone'),
      retentionMonths: textOf(form, 'retentionMonths'),
      isActive: formText(form, 'isActive') === 'on',
    });
  };
  return (
    <section className="card settings-section" aria-labelledby="general">
      <h2 id="general">General</h2>
      <form onSubmit={submit}>
        <Field label="Name" name="name" defaultValue={site.name} required />
        <Field label="Domain" name="domain" defaultValue={site.domain} required />
        <Field
          label="Only accept page views from (optional)"
          name="allowedDomains"
          defaultValue={site.allowedDomains.join(', ')}
          hint="Domains separated by commas; their subdomains count too. Empty accepts page views from any site that has the snippet."
        />
        <TimezoneSelect
          defaultValue={site.timezone}
          hint="Changing it recounts every day in the new timezone."
        />
        <Field
          label="Keep raw page views for (months)"
          name="retentionMonths"
          type="number"
          min={1}
          max={1200}
          defaultValue={site.retentionMonths ?? ''}
          hint="Empty keeps them for ever. Older page views, events and visits are deleted every day."
        />
        <label className="check">
          <input type="checkbox" name="isActive" defaultChecked={site.isActive} /> Count new page
          views (untick to pause tracking)
        </label>
        {update.isError && <ErrorNote error={update.error} />}
        <div className="actions">
          <button type="submit" className="button" disabled={update.isPending}>
            Save
          </button>
          {saved && <span role="status">Saved.</span>}
        </div>
      </form>
    </section>
  );
}

function saveBody(fields: {
  name: string;
  domain: string;
  allowedDomains: string;
  timezone: string;
  retentionMonths: string;
  isActive: boolean;
}) {
  return {
    name: fields.name,
    domain: fields.domain,
    allowedDomains: domainList(fields.allowedDomains),
    timezone: fields.timezone,
    retentionMonths: fields.retentionMonths === '' ? null : Number(fields.retentionMonths),
    isActive: fields.isActive,
  };
}

function Goals({ siteId }: { siteId: string }) {
  const client = useQueryClient();
  const path = { params: { path: { siteId } } };
  const goals = useQuery({
    queryKey: ['goals', siteId],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}/goals', path)),
  });
  const [kind, setKind] = useState<'event' | 'page'>('event');
  // The goals, and every figure that counts them.
  const refresh = () =>
    Promise.all([
      client.invalidateQueries({ queryKey: ['goals', siteId] }),
      client.invalidateQueries({ queryKey: ['stats', siteId] }),
    ]);
  const add = useMutation({
    mutationFn: (body: { eventName?: string; pagePath?: string; displayName?: string }) =>
      unwrap(api.POST('/api/sites/{siteId}/goals', { ...path, body })),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (goalId: string) =>
      unwrap(
        api.DELETE('/api/sites/{siteId}/goals/{goalId}', { params: { path: { siteId, goalId } } }),
      ),
    onSuccess: refresh,
  });
  return (
    <section className="card settings-section" aria-labelledby="goals">
      <h2 id="goals">Goals</h2>
      <p className="intro">
        A goal counts the visitors who send a custom event, or who view a page (<code>*</code>{' '}
        matches any part of a path). The dashboard shows each goal&apos;s conversions, and a goal
        works as a filter.
      </p>
      {goals.isPending && <Loading />}
      {goals.isError && <ErrorNote error={goals.error} retry={() => void goals.refetch()} />}
      {goals.data && goals.data.length === 0 && <p className="empty">No goals yet.</p>}
      {goals.data && goals.data.length > 0 && (
        <ul className="plain-list">
          {goals.data.map((goal) => (
            <li key={goal.id}>
              <span>
                <strong>{goal.name}</strong>{' '}
                <span className="muted">
                  {goal.kind === 'event' ? `event ${goal.eventName}` : `page ${goal.pagePath}`}
                </span>
              </span>
              <button
                type="button"
                className="button link"
                aria-label={`Delete goal ${goal.name}`}
                onClick={() => remove.mutate(goal.id)}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="goal-form"
        onSubmit={(event) => {
          event.preventDefault();
          const element = event.currentTarget;
          const target = textOf(element, 'target');
          const displayName = textOf(element, 'displayName') || undefined;
          add.mutate(
            kind === 'event'
              ? { eventName: target, displayName }
              : { pagePath: target, displayName },
            {
              onSuccess: () => element.reset(),
            },
          );
        }}
      >
        <fieldset>
          <legend>Add a goal</legend>
          <div className="tabs" role="group" aria-label="Kind of goal">
            <button type="button" aria-pressed={kind === 'event'} onClick={() => setKind('event')}>
              Custom event
            </button>
            <button type="button" aria-pressed={kind === 'page'} onClick={() => setKind('page')}>
              Page visit
            </button>
          </div>
          <Field
            key={kind}
            label={kind === 'event' ? 'Event name' : 'Page path'}
            name="target"
            required
            placeholder={kind === 'event' ? 'Signup' : '/blog/*'}
          />
          <Field label="Display name (optional)" name="displayName" />
          {add.isError && <ErrorNote error={add.error} />}
          {remove.isError && <ErrorNote error={remove.error} />}
          <button type="submit" className="button secondary" disabled={add.isPending}>
            Add goal
          </button>
        </fieldset>
      </form>
    </section>
  );
}

function SharedLinks({ siteId }: { siteId: string }) {
  const client = useQueryClient();
  const path = { params: { path: { siteId } } };
  const [created, setCreated] = useState<Schemas['CreatedSharedLinkDto'] | null>(null);
  const links = useQuery({
    queryKey: ['shared-links', siteId],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}/shared-links', path)),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['shared-links', siteId] });
  const create = useMutation({
    mutationFn: (body: { name: string; password?: string }) =>
      unwrap(api.POST('/api/sites/{siteId}/shared-links', { ...path, body })),
    onSuccess: (link) => {
      setCreated(link);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (linkId: string) =>
      unwrap(
        api.DELETE('/api/sites/{siteId}/shared-links/{linkId}', {
          params: { path: { siteId, linkId } },
        }),
      ),
    onSettled: refresh,
  });
  return (
    <section className="card settings-section" aria-labelledby="shared-links">
      <h2 id="shared-links">Shared links</h2>
      <p className="intro">
        A read-only link to this site&apos;s dashboard, for people without an account: they see its
        stats and nothing else. Add a password to keep the link from working on its own.
      </p>
      {links.isError && <ErrorNote error={links.error} retry={() => void links.refetch()} />}
      {revoke.isError && <ErrorNote error={revoke.error} />}
      {links.data && links.data.length > 0 && (
        <ul className="plain-list">
          {links.data.map((link) => (
            <li key={link.id}>
              <span>
                <strong>{link.name}</strong>{' '}
                <span className="muted">
                  · {link.hasPassword ? 'with a password' : 'no password'} · last opened{' '}
                  {formatTime(link.lastUsedAt)}
                </span>
              </span>
              <button
                type="button"
                className="button link"
                aria-label={`Revoke the shared link ${link.name}`}
                onClick={() => revoke.mutate(link.id)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          const element = event.currentTarget;
          // The password as typed, spaces included: opening the link compares it as typed.
          const password = formText(element, 'sharePassword');
          create.mutate(
            { name: textOf(element, 'shareName'), ...(password ? { password } : {}) },
            { onSuccess: () => element.reset() },
          );
        }}
      >
        <Field
          label="Link name"
          name="shareName"
          required
          placeholder="Investors"
          autoComplete="off"
        />
        <Field
          label="Password (optional)"
          name="sharePassword"
          type="password"
          minLength={8}
          autoComplete="new-password"
        />
        <button type="submit" className="button secondary" disabled={create.isPending}>
          Create link
        </button>
      </form>
      {create.isError && <ErrorNote error={create.error} />}
      {created && (
        <ShownOnce what="link" name={created.name} secret={created.link} testId="new-shared-link" />
      )}
    </section>
  );
}

function DeleteSite({ site }: { site: Site }) {
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const [typed, setTyped] = useState('');
  const remove = useMutation({
    mutationFn: () =>
      unwrap(api.DELETE('/api/sites/{siteId}', { params: { path: { siteId: site.id } } })),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['sites'] });
      navigate('/sites', { replace: true });
    },
  });
  return (
    <section className="card settings-section danger" aria-labelledby="delete">
      <h2 id="delete">Delete this site</h2>
      <p>
        Deletes the site and all its traffic data, at once and for good. Its snippet stops counting.
      </p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          remove.mutate();
        }}
      >
        <Field
          label={`Type ${site.domain} to confirm`}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          autoComplete="off"
        />
        {remove.isError && <ErrorNote error={remove.error} />}
        <button
          type="submit"
          className="button danger"
          disabled={typed.trim() !== site.domain || remove.isPending}
        >
          Delete {site.name}
        </button>
      </form>
    </section>
  );
}

export function SiteSettings({ siteId }: { siteId: string }) {
  const { site, role } = useSiteRole(siteId);
  if (site.isError) return <ErrorNote error={site.error} retry={() => void site.refetch()} />;
  if (!site.data) return <Loading />;
  if (!role || !canManage(role)) {
    return (
      <section className="narrow card">
        <PageTitle title="Site settings">Site settings</PageTitle>
        <p>
          Only the owners and admins of this site's account can change its settings.{' '}
          <Link href={`/sites/${siteId}`}>Back to the dashboard</Link>
        </p>
      </section>
    );
  }
  return (
    <div className="page settings">
      <p className="breadcrumbs">
        <Link href={`/sites/${siteId}`}>← {site.data.name}</Link>
      </p>
      <PageTitle title={`Settings of ${site.data.name}`}>Settings of {site.data.name}</PageTitle>
      <p>
        <Link href={`/sites/${siteId}/install`}>The snippet and the installation check</Link>
      </p>
      <General key={site.data.id} site={site.data} />
      <Goals siteId={siteId} />
      <SharedLinks siteId={siteId} />
      <DeleteSite site={site.data} />
    </div>
  );
}
