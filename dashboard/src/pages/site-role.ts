import { useQuery } from '@tanstack/react-query';
import { api, type Role, unwrap } from '../api/client';
import { useSession } from '../session';

/** A site, and the signed-in user's role in the account it belongs to (what they may do to it). */
export function useSiteRole(siteId: string) {
  const session = useSession();
  const site = useQuery({
    queryKey: ['site', siteId],
    queryFn: () => unwrap(api.GET('/api/sites/{siteId}', { params: { path: { siteId } } })),
  });
  const role: Role | undefined = session.data?.memberships.find(
    (membership) => membership.accountId === site.data?.accountId,
  )?.role;
  return { site, role };
}
