import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MembershipRole } from '../users/entities/membership.entity.js';
import { isUuid } from '../common/uuid.js';

/** Where a site or account is, and the role a user holds there: one query per request. */
@Injectable()
export class ResourceAccessService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The account that owns the site and the user's role in it (null when not a member); null when
   * no such site (an id that is not a UUID names none, nor does a site being deleted). The site's
   * timezone comes along: the stats routes need it, and need not ask again.
   */
  async siteMembership(
    siteId: string,
    userId: string | null,
  ): Promise<{ accountId: string; role: MembershipRole | null; timezone: string } | null> {
    if (!isUuid(siteId)) return null;
    const [row]: { account_id: string; role: MembershipRole | null; timezone: string }[] =
      await this.dataSource.query(
        `SELECT s.account_id, m.role, s.timezone FROM sites s
           LEFT JOIN memberships m ON m.account_id = s.account_id AND m.user_id = $2
          WHERE s.id = $1 AND s.deleted_at IS NULL`,
        [siteId, userId],
      );
    return row ? { accountId: row.account_id, role: row.role, timezone: row.timezone } : null;
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
