import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  BadRequestException,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SharedLinkVerifier } from '../auth/authenticator.js';
import type { SharedLinkPrincipal } from '../auth/principal.js';
import { hashToken, newSecretToken } from '../auth/secret-token.js';
import { Clock } from '../common/clock.js';
import { isUuid } from '../common/uuid.js';
import { PasswordsService } from '../passwords/passwords.service.js';

/** How long the proof of a shared link's password lasts: a day, then the password is asked again. */
export const SHARE_ACCESS_TTL_MS = 24 * 60 * 60 * 1000;
export const SHARE_PASSWORD_MIN_LENGTH = 8;
export const LINK_NOT_FOUND = 'This shared link does not exist or was revoked.';
export const PASSWORD_NEEDED = 'This shared link is protected by a password.';
export const WRONG_PASSWORD = 'The password of this shared link is not right.';
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export interface SharedLinkSummary {
  id: string;
  name: string;
  hasPassword: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** What opening a link gives its holder: the site, and the proof of the password if it has one. */
export interface OpenedLink {
  site: { id: string; name: string; domain: string; timezone: string };
  access: string | null;
  accessExpiresAt: Date | null;
}

interface LinkRow {
  id: string;
  site_id: string;
  account_id: string;
  password_hash: string | null;
  site_name: string;
  domain: string;
  timezone: string;
}

/**
 * Shared links: a read-only link to one site's dashboard that its admins create, list and revoke.
 * The link is `PUBLIC_URL/share/<token>`; whoever holds it sends the token as
 * `X-Trackveil-Share` and reads that site's stats (as `SharedLinkVerifier`). A link with a
 * password also needs `X-Trackveil-Share-Access`: the proof `open` gives for the right password,
 * an expiry and an HMAC keyed with the password's hash (no secret of the server's own is needed).
 * Revoking the link or deleting the site ends every use of it at the next request; a proof also
 * ends by itself after a day.
 */
@Injectable()
export class SharedLinksService extends SharedLinkVerifier {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly passwords: PasswordsService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async create(input: {
    siteId: string;
    name: string;
    password: string | null;
    createdBy: string | null;
  }): Promise<SharedLinkSummary & { token: string }> {
    if (input.password !== null && input.password.length < SHARE_PASSWORD_MIN_LENGTH) {
      throw new BadRequestException(
        `password must be at least ${SHARE_PASSWORD_MIN_LENGTH} characters (or leave it out for a link without one).`,
      );
    }
    const token = newSecretToken();
    const passwordHash = input.password === null ? null : await this.passwords.hash(input.password);
    const [row]: { id: string; created_at: Date }[] = await this.dataSource.query(
      `INSERT INTO shared_links (site_id, name, token_hash, password_hash, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
      [input.siteId, input.name, hashToken(token), passwordHash, input.createdBy, this.clock.now()],
    );
    return {
      id: row.id,
      name: input.name,
      hasPassword: passwordHash !== null,
      createdAt: row.created_at,
      lastUsedAt: null,
      token,
    };
  }

  /** The site's links, newest first; never a token or a hash. */
  async list(siteId: string): Promise<SharedLinkSummary[]> {
    const rows: {
      id: string;
      name: string;
      has_password: boolean;
      created_at: Date;
      last_used_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT id, name, password_hash IS NOT NULL AS has_password, created_at, last_used_at
         FROM shared_links WHERE site_id = $1 ORDER BY created_at DESC, id`,
      [siteId],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      hasPassword: row.has_password,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
    }));
  }

  /** Revokes a link of the site at once; false when the site has no such link. */
  async revoke(siteId: string, linkId: string): Promise<boolean> {
    if (!isUuid(linkId)) return false;
    const rows: unknown[] = await this.dataSource.query(
      `DELETE FROM shared_links WHERE id = $1 AND site_id = $2 RETURNING id`,
      [linkId, siteId],
    );
    return rows.length > 0;
  }

  /**
   * What a link's holder sees first: its site, once the password (if any) is right. 404 for an
   * unknown or revoked link or a deleted site; 401 when the password is missing or wrong.
   * `countAttempt` runs before a password is checked (the caller's rate limit; it may throw).
   */
  async open(
    token: string,
    password: string | undefined,
    countAttempt: (linkId: string) => Promise<void>,
  ): Promise<OpenedLink> {
    const link = await this.find(token);
    if (!link) throw new NotFoundException(LINK_NOT_FOUND);
    let access: string | null = null;
    let accessExpiresAt: Date | null = null;
    if (link.password_hash !== null) {
      if (password === undefined) throw new UnauthorizedException(PASSWORD_NEEDED);
      await countAttempt(link.id);
      if (!(await this.passwords.verify(link.password_hash, password))) {
        throw new UnauthorizedException(WRONG_PASSWORD);
      }
      accessExpiresAt = new Date(this.clock.now().getTime() + SHARE_ACCESS_TTL_MS);
      access = accessProof(link, accessExpiresAt.getTime());
    }
    await this.dataSource.query(`UPDATE shared_links SET last_used_at = $2 WHERE id = $1`, [
      link.id,
      this.clock.now(),
    ]);
    return {
      site: {
        id: link.site_id,
        name: link.site_name,
        domain: link.domain,
        timezone: link.timezone,
      },
      access,
      accessExpiresAt,
    };
  }

  async verify(
    token: string,
    access: string | undefined,
  ): Promise<{ principal: SharedLinkPrincipal; timezone: string } | null> {
    const link = await this.find(token);
    if (!link) return null;
    if (link.password_hash !== null && !validProof(link, access, this.clock.now().getTime())) {
      return null;
    }
    return {
      principal: {
        type: 'shared_link',
        linkId: link.id,
        siteId: link.site_id,
        accountId: link.account_id,
      },
      timezone: link.timezone,
    };
  }

  private async find(token: string): Promise<LinkRow | null> {
    if (!TOKEN_FORMAT.test(token)) return null;
    const rows: LinkRow[] = await this.dataSource.query(
      `SELECT l.id, l.site_id, s.account_id, l.password_hash, s.name AS site_name, s.domain, s.timezone
         FROM shared_links l JOIN sites s ON s.id = l.site_id
        WHERE l.token_hash = $1 AND s.deleted_at IS NULL`,
      [hashToken(token)],
    );
    return rows[0] ?? null;
  }
}

/** `<expiry ms>.<HMAC-SHA256(password hash, link id . expiry)>`: proves the password until expiry. */
function accessProof(link: LinkRow, expiresAt: number): string {
  const mac = createHmac('sha256', link.password_hash ?? '')
    .update(`${link.id}.${expiresAt}`)
    .digest('base64url');
  return `${expiresAt}.${mac}`;
}

function validProof(link: LinkRow, proof: string | undefined, now: number): boolean {
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(proof ?? '');
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt <= now || expiresAt > now + SHARE_ACCESS_TTL_MS) return false;
  const expected = Buffer.from(accessProof(link, expiresAt));
  const given = Buffer.from(proof!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
