import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { api, type Role, type Schemas, unwrap } from '../api/client';
import { formatTime } from '../lib/format';
import { formText } from '../lib/forms';
import { ErrorNote, Field, Loading, PageTitle, ShownOnce } from '../components/ui';
import { SESSION_KEY, useSession } from '../session';
import { canManage } from './sites';

const ROLES: Role[] = ['viewer', 'admin', 'owner'];
const ROLE_HELP: Record<Role, string> = {
  viewer: 'reads the stats',
  admin: 'also manages sites, members and API keys',
  owner: 'also reads the audit log and can make owners',
};

/** After a change: ask again for `what`, and for the audit log, which now has an entry more. */
function useRefresh(accountId: string, what: string) {
  const client = useQueryClient();
  return () =>
    Promise.all([
      client.invalidateQueries({ queryKey: [what, accountId] }),
      client.invalidateQueries({ queryKey: ['audit', accountId] }),
    ]);
}

function RoleSelect({
  label,
  value,
  onChange,
  allowOwner,
  disabled,
}: {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  allowOwner: boolean;
  disabled?: boolean;
}) {
  return (
    <select
      aria-label={label}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value as Role)}
    >
      {ROLES.filter((role) => allowOwner || role !== 'owner' || value === 'owner').map((role) => (
        <option key={role} value={role}>
          {role}
        </option>
      ))}
    </select>
  );
}

function Members({ accountId, role, userId }: { accountId: string; role: Role; userId: string }) {
  const path = { params: { path: { accountId } } };
  const members = useQuery({
    queryKey: ['members', accountId],
    queryFn: () => unwrap(api.GET('/api/accounts/{accountId}/members', path)),
  });
  const refresh = useRefresh(accountId, 'members');
  const change = useMutation({
    mutationFn: ({ memberId, newRole }: { memberId: string; newRole: Role }) =>
      unwrap(
        api.PATCH('/api/accounts/{accountId}/members/{userId}', {
          params: { path: { accountId, userId: memberId } },
          body: { role: newRole },
        }),
      ),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (memberId: string) =>
      unwrap(
        api.DELETE('/api/accounts/{accountId}/members/{userId}', {
          params: { path: { accountId, userId: memberId } },
        }),
      ),
    onSettled: refresh,
  });
  const manage = canManage(role);
  return (
    <section className="card settings-section" aria-labelledby="members">
      <h2 id="members">Members</h2>
      {members.isPending && <Loading />}
      {members.isError && <ErrorNote error={members.error} retry={() => void members.refetch()} />}
      {change.isError && <ErrorNote error={change.error} />}
      {remove.isError && <ErrorNote error={remove.error} />}
      {members.data && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Members">
          <table>
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                <th scope="col">Joined</th>
                {manage && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {members.data.map((member) => {
                const who = member.name ?? member.email;
                return (
                  <tr key={member.userId}>
                    <td>
                      {who}
                      {member.name && <span className="muted"> · {member.email}</span>}
                      {member.userId === userId && <span className="muted"> (you)</span>}
                    </td>
                    <td>
                      {manage ? (
                        <RoleSelect
                          label={`Role of ${who}`}
                          value={member.role}
                          allowOwner={role === 'owner'}
                          disabled={member.role === 'owner' && role !== 'owner'}
                          onChange={(newRole) =>
                            change.mutate({ memberId: member.userId, newRole })
                          }
                        />
                      ) : (
                        member.role
                      )}
                    </td>
                    <td>{formatTime(member.joinedAt)}</td>
                    {manage && (
                      <td>
                        <button
                          type="button"
                          className="button link"
                          onClick={() => {
                            if (window.confirm(`Remove ${who} from this account?`))
                              remove.mutate(member.userId);
                          }}
                        >
                          {member.userId === userId ? 'Leave' : 'Remove'}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {manage && <Invitations accountId={accountId} role={role} />}
    </section>
  );
}

function Invitations({ accountId, role }: { accountId: string; role: Role }) {
  const path = { params: { path: { accountId } } };
  const [inviteRole, setInviteRole] = useState<Role>('viewer');
  const [created, setCreated] = useState<Schemas['CreatedInvitationDto'] | null>(null);
  const pending = useQuery({
    queryKey: ['invitations', accountId],
    queryFn: () => unwrap(api.GET('/api/accounts/{accountId}/invitations', path)),
  });
  const refresh = useRefresh(accountId, 'invitations');
  const invite = useMutation({
    mutationFn: (email: string) =>
      unwrap(
        api.POST('/api/accounts/{accountId}/invitations', {
          ...path,
          body: { email, role: inviteRole },
        }),
      ),
    onSuccess: (invitation) => {
      setCreated(invitation);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (invitationId: string) =>
      unwrap(
        api.DELETE('/api/accounts/{accountId}/invitations/{invitationId}', {
          params: { path: { accountId, invitationId } },
        }),
      ),
    onSettled: refresh,
  });
  return (
    <>
      <h3>Invite someone</h3>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          const element = event.currentTarget;
          invite.mutate(formText(element, 'email').trim(), { onSuccess: () => element.reset() });
        }}
      >
        <Field label="E-mail" name="email" type="email" required autoComplete="off" />
        <div className="field">
          <label htmlFor="invite-role">Role</label>
          <select
            id="invite-role"
            value={inviteRole}
            onChange={(event) => setInviteRole(event.target.value as Role)}
          >
            {ROLES.filter((item) => role === 'owner' || item !== 'owner').map((item) => (
              <option key={item} value={item}>
                {item} — {ROLE_HELP[item]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="button" disabled={invite.isPending}>
          Invite
        </button>
      </form>
      {invite.isError && <ErrorNote error={invite.error} />}
      {created && (
        <p role="status" className="notice">
          {created.emailed ? (
            <>Invitation e-mailed to {created.email}.</>
          ) : (
            <>
              No mail server is set up: send {created.email} this link yourself. It works once,
              until {formatTime(created.expiresAt)}: <code className="secret">{created.link}</code>
            </>
          )}
        </p>
      )}
      {pending.data && pending.data.length > 0 && (
        <>
          <h3>Pending invitations</h3>
          <ul className="plain-list">
            {pending.data.map((invitation) => (
              <li key={invitation.id}>
                <span>
                  {invitation.email}{' '}
                  <span className="muted">
                    · {invitation.role} · until {formatTime(invitation.expiresAt)}
                  </span>
                </span>
                <button
                  type="button"
                  className="button link"
                  aria-label={`Revoke the invitation of ${invitation.email}`}
                  onClick={() => revoke.mutate(invitation.id)}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

function ApiKeys({ accountId }: { accountId: string }) {
  const path = { params: { path: { accountId } } };
  const [created, setCreated] = useState<Schemas['CreatedApiKeyDto'] | null>(null);
  const [scope, setScope] = useState<'stats:read' | 'full'>('stats:read');
  const keys = useQuery({
    queryKey: ['api-keys', accountId],
    queryFn: () => unwrap(api.GET('/api/accounts/{accountId}/api-keys', path)),
  });
  const refresh = useRefresh(accountId, 'api-keys');
  const create = useMutation({
    mutationFn: (name: string) =>
      unwrap(api.POST('/api/accounts/{accountId}/api-keys', { ...path, body: { name, scope } })),
    onSuccess: (key) => {
      setCreated(key);
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      unwrap(
        api.DELETE('/api/accounts/{accountId}/api-keys/{keyId}', {
          params: { path: { accountId, keyId } },
        }),
      ),
    onSettled: refresh,
  });
  return (
    <section className="card settings-section" aria-labelledby="api-keys">
      <h2 id="api-keys">API keys</h2>
      <p className="intro">
        For programs: <code>Authorization: Bearer …</code>. A <em>stats:read</em> key reads the
        stats of every site of this account; a <em>full</em> key also manages its sites.
      </p>
      {keys.isError && <ErrorNote error={keys.error} retry={() => void keys.refetch()} />}
      {keys.data && keys.data.length > 0 && (
        <ul className="plain-list">
          {keys.data.map((key) => (
            <li key={key.id}>
              <span>
                <strong>{key.name}</strong>{' '}
                <span className="muted">
                  · {key.scope} · <code>{key.prefix}…</code> · last used{' '}
                  {formatTime(key.lastUsedAt)}
                </span>
              </span>
              <button
                type="button"
                className="button link"
                aria-label={`Revoke the key ${key.name}`}
                onClick={() => {
                  if (window.confirm(`Revoke "${key.name}"? Programs using it stop at once.`))
                    revoke.mutate(key.id);
                }}
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
          create.mutate(formText(element, 'name').trim(), { onSuccess: () => element.reset() });
        }}
      >
        <Field
          label="Key name"
          name="name"
          required
          placeholder="Weekly report"
          autoComplete="off"
        />
        <div className="field">
          <label htmlFor="key-scope">Scope</label>
          <select
            id="key-scope"
            value={scope}
            onChange={(event) => setScope(event.target.value as 'stats:read' | 'full')}
          >
            <option value="stats:read">stats:read — reads stats</option>
            <option value="full">full — also manages sites</option>
          </select>
        </div>
        <button type="submit" className="button" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.isError && <ErrorNote error={create.error} />}
      {created && (
        <ShownOnce what="key" name={created.name} secret={created.key} testId="new-key" />
      )}
    </section>
  );
}

function actorName(actor: Schemas['AuditActorDto']): string {
  if (actor.type === 'api_key') return `API key ${actor.keyId?.slice(0, 8) ?? ''}`;
  if (actor.type === 'shared_link') return `Shared link ${actor.keyId?.slice(0, 8) ?? ''}`;
  return actor.name ?? actor.email ?? 'someone';
}

function AuditLog({ accountId }: { accountId: string }) {
  const log = useInfiniteQuery({
    queryKey: ['audit', accountId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/api/accounts/{accountId}/audit-log', {
          params: { path: { accountId }, query: { limit: 50, before: pageParam } },
        }),
      ),
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <section className="card settings-section" aria-labelledby="audit">
      <h2 id="audit">Audit log</h2>
      <p className="intro">
        Everything done in this account, and who read which site's data. Only owners see it.
      </p>
      {log.isPending && <Loading />}
      {log.isError && <ErrorNote error={log.error} retry={() => void log.refetch()} />}
      {entries.length > 0 && (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Audit log entries">
          <table className="log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">What</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatTime(entry.occurredAt)}</td>
                  <td>{actorName(entry.actor)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>{entry.clientAddress ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {log.hasNextPage && (
        <button
          type="button"
          className="button secondary"
          onClick={() => void log.fetchNextPage()}
          disabled={log.isFetchingNextPage}
        >
          Older entries
        </button>
      )}
    </section>
  );
}

/** The account's name, which admins and owners may change (members see it in their lists). */
function AccountName({ accountId, name }: { accountId: string; name: string }) {
  const client = useQueryClient();
  const [saved, setSaved] = useState(false);
  const rename = useMutation({
    mutationFn: (newName: string) =>
      unwrap(
        api.PATCH('/api/accounts/{accountId}', {
          params: { path: { accountId } },
          body: { name: newName },
        }),
      ),
    onSuccess: async () => {
      setSaved(true);
      await client.invalidateQueries({ queryKey: SESSION_KEY });
      await client.invalidateQueries({ queryKey: ['audit', accountId] });
    },
  });
  return (
    <section className="card settings-section" aria-labelledby="account-name">
      <h2 id="account-name">Name</h2>
      <form
        className="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          setSaved(false);
          rename.mutate(formText(event.currentTarget, 'accountName').trim());
        }}
      >
        <Field label="Account name" name="accountName" defaultValue={name} required />
        <button type="submit" className="button" disabled={rename.isPending}>
          Rename
        </button>
      </form>
      {rename.isError && <ErrorNote error={rename.error} />}
      {saved && <p role="status">Renamed.</p>}
    </section>
  );
}

/** `/accounts/:accountId`: members and invitations, API keys, and (for owners) the audit log. */
export function AccountSettings({ accountId }: { accountId: string }) {
  const session = useSession();
  const membership = session.data?.memberships.find((item) => item.accountId === accountId);
  if (!session.data) return <Loading />;
  if (!membership) {
    return (
      <section className="narrow">
        <PageTitle title="Account not found">Account not found</PageTitle>
        <p>
          You are not a member of this account. <Link href="/sites">Go to your sites</Link>.
        </p>
      </section>
    );
  }
  return (
    <div className="page settings">
      <p className="breadcrumbs">
        <Link href="/sites">← Sites</Link>
      </p>
      <PageTitle title={membership.accountName}>{membership.accountName}</PageTitle>
      <p className="muted">
        Your role: {membership.role} ({ROLE_HELP[membership.role]}).
      </p>
      {canManage(membership.role) && (
        <AccountName key={accountId} accountId={accountId} name={membership.accountName} />
      )}
      <Members accountId={accountId} role={membership.role} userId={session.data.user.id} />
      {canManage(membership.role) && <ApiKeys accountId={accountId} />}
      {membership.role === 'owner' && <AuditLog accountId={accountId} />}
    </div>
  );
}
