import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import { isUuid } from '../common/uuid.js';

/**
 * A site as one caller sees it: the account that owns it, the caller's role there (a member's
 * role; null for a non-member, an API key or a shared link) and its IANA timezone.
 */
export interface SiteMembership {
  accountId: string;
  role: MembershipRole | null;
  timezone: string;
}

/**
 * The site a request names, read in the same query that finds its caller (a session or an API
 * key), so that a site route costs one round trip before its own work: select `SITE_COLUMNS`
 * with `siteJoin(site, user)` after the caller's table. `site` is the parameter that holds the
 * site id (null when it is not a UUID: then no site), `user` the expression of the caller's user
 * id (`NULL` for a key).
 */
export const SITE_COLUMNS =
  's.account_id AS site_account_id, m.role AS site_role, s.timezone AS site_timezone';

export function siteJoin(site: string, user: string): string {
  return `LEFT JOIN sites s ON s.id = ${site}::uuid AND s.deleted_at IS NULL
          LEFT JOIN memberships m ON m.account_id = s.account_id AND m.user_id = ${user}`;
}

/** What `SITE_COLUMNS` adds to a row. */
export interface SiteColumns {
  site_account_id: string | null;
  site_role: MembershipRole | null;
  site_timezone: string | null;
}

/** The row's site, null when there is none; undefined when none was asked for. */
export function siteOfRow(
  row: SiteColumns,
  asked: string | undefined,
): SiteMembership | null | undefined {
  if (asked === undefined) return undefined;
  return row.site_account_id && row.site_timezone
    ? { accountId: row.site_account_id, role: row.site_role, timezone: row.site_timezone }
    : null;
}

/** The value of the site parameter of `siteJoin`: the id when it can name a site, else null. */
export function siteParam(siteId: string | undefined): string | null {
  return siteId !== undefined && isUuid(siteId) ? siteId : null;
}

/** Where a site or account is, and the role a user holds there: one query per request. */
@Injectable()
export class ResourceAccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The account that owns the site and the user's role in it (null when not a member); null when
   * no such site (an id that is not a UUID names none, nor does a site being deleted). The site's
   * timezone comes along: the stats routes need it, and need not ask again.
   */
  async siteMembership(siteId: string, userId: string | null): Promise<SiteMembership | null> {
    if (!isUuid(siteId)) return null;
    const [row] = await this.dataSource.query<SiteColumns[]>(
      `SELECT ${SITE_COLUMNS} FROM (VALUES (1)) AS one ${siteJoin('$1', '$2::uuid')}`,
      [siteId, userId],
    );
    return siteOfRow(row, siteId) ?? null;
  }

  /** The user's role in the account; null when not a member (or no such account). */
  async accountRole(accountId: string, userId: string): Promise<MembershipRole | null> {
    if (!isUuid(accountId)) return null;
    const [row]: { role: MembershipRole }[] = await this.dataSource.query(
      'SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2',
      [accountId, userId],
    );
    return row?.role ?? null;
  }
}
