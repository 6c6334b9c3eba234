import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service.js';
import { Account } from '../accounts/entities/account.entity.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { TtlCache } from '../common/ttl-cache.js';
import { appConfig } from '../config/app.config.js';
import { trackingConfig } from '../config/tracking.config.js';
import { queryWithin } from '../database/bounded-query.js';
import { UsersService } from '../users/users.service.js';
import { normalizeDomain } from './domains.js';
import { Site } from './entities/site.entity.js';
import { FORGET_SITE, SITE_XACT_LOCK } from '../stats/rollups/rollup-sql.js';
import { isTimeZone, TIME_ZONE_HINT } from './timezones.js';

/** What the tracking hot path needs to know about a site. */
export interface TrackingSite {
  id: string;
  allowedDomains: string[];
  fingerprintSalt: Buffer;
}

export interface CreateSiteInput {
  name: string;
  domain: string;
  /** The account to create the site in, by id (the API); it must exist. */
  accountId?: string;
  /** Or by name (the CLI); created when it does not exist. Defaults to the site name. */
  accountName?: string;
  allowedDomains?: string[];
  /** An IANA time zone; `UTC` when not given. */
  timezone?: string;
  /** Months of raw traffic to keep; null or not given keeps it for ever. */
  retentionMonths?: number | null;
  /** Makes this e-mail address an owner of the account (creating the user if missing), when given. */
  ownerEmail?: string;
}

/** What can be changed on a site; fields left out stay as they are. */
export interface UpdateSiteInput {
  name?: string;
  domain?: string;
  allowedDomains?: string[];
  timezone?: string;
  /** Null keeps the traffic for ever. */
  retentionMonths?: number | null;
  isActive?: boolean;
}

/** A site as the API and the CLI show it (never its fingerprint salt). */
export interface SiteView {
  id: string;
  accountId: string;
  name: string;
  domain: string;
  allowedDomains: string[];
  timezone: string;
  retentionMonths: number | null;
  isActive: boolean;
  createdAt: Date;
}

export interface SiteSummary extends SiteView {
  accountName: string;
}

/** Whether a site has received traffic: what a setup screen polls after pasting the snippet. */
export interface Installation {
  installed: boolean;
  firstEventAt: Date | null;
  lastEventAt: Date | null;
}

/** What the start banner says about the sites (see `SitesService.startSummary`). */
export interface StartSummary {
  /** The demo site made on the first start, while it still exists and is active. */
  demoSiteId?: string;
  activeSites: number;
}

interface SiteRow {
  id: string;
  name: string;
  domain: string;
  allowed_domains: string[];
  timezone: string;
  retention_months: number | null;
  is_active: boolean;
  created_at: Date;
  account_id: string;
  account_name: string;
}

const SITE_COLUMNS = `s.id, s.name, s.domain, s.allowed_domains, s.timezone, s.retention_months,
  s.is_active, s.created_at, s.account_id, a.name AS account_name`;

function toSummary(row: SiteRow): SiteSummary {
  return {
    id: row.id,
    name: row.name,
    domain: row.domain,
    allowedDomains: row.allowed_domains,
    timezone: row.timezone,
    retentionMonths: row.retention_months,
    isActive: row.is_active,
    createdAt: row.created_at,
    accountId: row.account_id,
    accountName: row.account_name,
  };
}

function checkName(input: string): string {
  const name = input.trim();
  if (!name || name.length > 200) {
    throw new DomainError('invalid_site', 'A site name must be 1 to 200 characters long.');
  }
  return name;
}

function checkDomain(input: string, field: string): string {
  try {
    return normalizeDomain(input);
  } catch (error) {
    throw new DomainError('invalid_site', `${field}: ${(error as Error).message}`);
  }
}

function checkAllowedDomains(input: string[]): string[] {
  const domains = [...new Set(input.map((domain) => checkDomain(domain, 'allowedDomains')))];
  if (domains.length > 100) {
    throw new DomainError('invalid_site', 'A site may list at most 100 allowed domains.');
  }
  return domains;
}

function checkTimeZone(input: string): string {
  if (!isTimeZone(input)) {
    throw new DomainError(
      'invalid_site',
      `timezone "${input}" is not known; give ${TIME_ZONE_HINT}.`,
    );
  }
  return input;
}

/** The range `CHK_sites_retention_months` allows: a month to a hundred years. */
export const RETENTION_MONTHS = { min: 1, max: 1200 } as const;

function checkRetentionMonths(input: number | null): number | null {
  if (
    input !== null &&
    !(Number.isInteger(input) && input >= RETENTION_MONTHS.min && input <= RETENTION_MONTHS.max)
  ) {
    throw new DomainError(
      'invalid_site',
      `retentionMonths must be a whole number of months between ${RETENTION_MONTHS.min} and ${RETENTION_MONTHS.max}, or null to keep the traffic for ever.`,
    );
  }
  return input;
}

const DEMO_SITE_LOCK_KEY = 7_391_204_119;
const DEMO_SITE = { accountName: 'Demo', name: 'Demo site', domain: 'localhost' };

@Injectable()
export class SitesService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SitesService.name);
  private readonly trackingSites: TtlCache<string, TrackingSite | undefined>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly accounts: AccountsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    @Inject(trackingConfig.KEY) tracking: ConfigType<typeof trackingConfig>,
  ) {
    this.trackingSites = new TtlCache({ ttlMs: tracking.siteCacheTtlMs, maxEntries: 10_000 });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.app.createDemoSite) await this.ensureDemoSite();
  }

  /**
   * The active site with this id, or undefined when there is none (unknown or deactivated). Served
   * from an in-process cache for `SITE_CACHE_TTL_SECONDS`, so the hot path does not query per event.
   * A lookup that needs the database gives up after `timeoutMs` (`DatabaseTimeoutError`).
   */
  findForTracking(siteId: string, timeoutMs: number): Promise<TrackingSite | undefined> {
    return this.trackingSites.getOrLoad(siteId, async () => {
      const rows = await queryWithin<{
        id: string;
        allowed_domains: string[];
        fingerprint_salt: Buffer;
      }>(
        this.dataSource,
        {
          text: `SELECT id, allowed_domains, fingerprint_salt FROM sites
                  WHERE id = $1 AND is_active AND deleted_at IS NULL`,
          values: [siteId],
        },
        timeoutMs,
      );
      const row = rows[0];
      return row
        ? { id: row.id, allowedDomains: row.allowed_domains, fingerprintSalt: row.fingerprint_salt }
        : undefined;
    });
  }

  /**
   * Creates a site: the one way to, for the API (`accountId`, an existing account) and the CLI
   * (`accountName`, created when missing). Input is checked and normalized here, so both refuse
   * the same things with the same messages (`DomainError` `invalid_site`).
   */
  async create(input: CreateSiteInput): Promise<Site> {
    const name = checkName(input.name);
    const domain = checkDomain(input.domain, 'domain');
    const allowedDomains = checkAllowedDomains(input.allowedDomains ?? []);
    const timezone = checkTimeZone(input.timezone ?? 'UTC');
    const retentionMonths = checkRetentionMonths(input.retentionMonths ?? null);
    const site = await this.dataSource.transaction(async (em) => {
      let account: Account | null;
      if (input.accountId !== undefined) {
        account = await em.getRepository(Account).findOneBy({ id: input.accountId });
        if (!account) throw new DomainError('invalid_site', 'No account has this id.');
      } else {
        const accountName = (input.accountName ?? name).trim().slice(0, 200);
        account =
          (await this.accounts.findByName(em, accountName)) ??
          (await this.accounts.create(em, accountName));
      }
      if (input.ownerEmail) {
        await this.users.ensureOwner(em, account.id, input.ownerEmail);
      }
      const repository = em.getRepository(Site);
      return repository.save(
        repository.create({
          accountId: account.id,
          name,
          domain,
          allowedDomains,
          timezone,
          retentionMonths,
          fingerprintSalt: randomBytes(32),
          isActive: true,
          deletedAt: null,
        }),
      );
    });
    this.trackingSites.delete(site.id);
    return site;
  }

  /** Every site not being deleted, oldest first; only those of one account when given. */
  async list(accountId?: string): Promise<SiteSummary[]> {
    const rows: SiteRow[] = await this.dataSource.query(
      `SELECT ${SITE_COLUMNS} FROM sites s JOIN accounts a ON a.id = s.account_id
        WHERE s.deleted_at IS NULL ${accountId === undefined ? '' : 'AND s.account_id = $1'}
        ORDER BY s.created_at, s.id`,
      accountId === undefined ? [] : [accountId],
    );
    return rows.map(toSummary);
  }

  /** The site, unless it does not exist or is being deleted. */
  async get(siteId: string): Promise<SiteSummary | undefined> {
    const rows: SiteRow[] = await this.dataSource.query(
      `SELECT ${SITE_COLUMNS} FROM sites s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND s.deleted_at IS NULL`,
      [siteId],
    );
    return rows[0] && toSummary(rows[0]);
  }

  /**
   * Changes the given fields and answers the site and the names of the fields whose value
   * changed. `/track` on this replica sees the change at once (its cache entry is dropped);
   * other replicas within `SITE_CACHE_TTL_SECONDS`.
   */
  async update(
    siteId: string,
    input: UpdateSiteInput,
  ): Promise<{ site: SiteSummary; changed: string[] } | undefined> {
    const next: Partial<Record<keyof UpdateSiteInput, unknown>> = {};
    if (input.name !== undefined) next.name = checkName(input.name);
    if (input.domain !== undefined) next.domain = checkDomain(input.domain, 'domain');
    if (input.allowedDomains !== undefined) {
      next.allowedDomains = checkAllowedDomains(input.allowedDomains);
    }
    if (input.timezone !== undefined) next.timezone = checkTimeZone(input.timezone);
    if (input.retentionMonths !== undefined) {
      next.retentionMonths = checkRetentionMonths(input.retentionMonths);
    }
    if (input.isActive !== undefined) next.isActive = input.isActive;

    const changed = await this.dataSource.transaction(async (em) => {
      const repository = em.getRepository(Site);
      const current = await repository
        .createQueryBuilder('site')
        .setLock('pessimistic_write')
        .where('site.id = :siteId AND site.deleted_at IS NULL', { siteId })
        .getOne();
      if (!current) return undefined;
      const fields = (Object.keys(next) as (keyof UpdateSiteInput)[]).filter(
        (field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]),
      );
      if (fields.length > 0) {
        await repository.update(
          { id: siteId },
          Object.fromEntries(fields.map((field) => [field, next[field]])),
        );
      }
      if (fields.includes('timezone')) {
        // The stats rollups count days in the old timezone: they go, the stats read raw rows
        // until the rollup job has recomputed them.
        await em.query(SITE_XACT_LOCK, [siteId]);
        for (const sql of FORGET_SITE) await em.query(sql, [siteId]);
      }
      return fields;
    });
    if (changed === undefined) return undefined;
    this.trackingSites.delete(siteId);
    const site = await this.get(siteId);
    return site && { site, changed };
  }

  /**
   * Marks the site deleted: the API and `/track` (on this replica at once, on others within
   * `SITE_CACHE_TTL_SECONDS`) treat it as gone from now on; `SitePurger` removes its traffic and
   * then the row. False when there was no such site (or it was already being deleted).
   */
  async markDeleted(siteId: string): Promise<boolean> {
    const [, count] = await this.dataSource.query<[unknown, number]>(
      'UPDATE sites SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL',
      [siteId, this.clock.now()],
    );
    this.trackingSites.delete(siteId);
    return count > 0;
  }

  /**
   * When the site first and last received a page view or custom event. Four reads of the ends of
   * the (site_id, created_at) indexes of page_views and events: the same few page reads whether
   * the site has no traffic or millions of rows, so a setup screen may poll it every few seconds.
   */
  async installation(siteId: string): Promise<Installation> {
    const [row]: { first_at: Date | null; last_at: Date | null }[] = await this.dataSource.query(
      `SELECT least((SELECT min(created_at) FROM page_views WHERE site_id = $1),
                    (SELECT min(created_at) FROM events WHERE site_id = $1)) AS first_at,
              greatest((SELECT max(created_at) FROM page_views WHERE site_id = $1),
                       (SELECT max(created_at) FROM events WHERE site_id = $1)) AS last_at`,
      [siteId],
    );
    return {
      installed: row.first_at !== null,
      firstEventAt: row.first_at,
      lastEventAt: row.last_at,
    };
  }

  /** Drops what this replica's `/track` remembers about the site. */
  forgetForTracking(siteId: string): void {
    this.trackingSites.delete(siteId);
  }

  /** The tracker script's address, as browsers reach this server (`PUBLIC_URL`). */
  scriptUrl(): string {
    return `${this.app.publicUrl}/tracker.min.js`;
  }

  /** The tag a site owner pastes into their pages. */
  snippet(siteId: string): string {
    return `<script async src="${this.scriptUrl()}" data-site-id="${siteId}"></script>`;
  }

  /** The test page of this server with the site's snippet loaded. */
  testPageUrl(siteId: string): string {
    return `${this.app.publicUrl}/test.html?site=${siteId}`;
  }

  /** The demo site, if it is still there, and how many active sites there are. */
  async startSummary(): Promise<StartSummary> {
    const [row]: { demo_site_id: string | null; active_sites: number }[] =
      await this.dataSource.query(
        `SELECT (SELECT s.id FROM sites s JOIN accounts a ON a.id = s.account_id
                  WHERE s.is_active AND s.deleted_at IS NULL AND a.name = $1 AND s.name = $2 AND s.domain = $3
                  ORDER BY s.created_at, s.id LIMIT 1) AS demo_site_id,
                (SELECT count(*)::int FROM sites WHERE is_active AND deleted_at IS NULL) AS active_sites`,
        [DEMO_SITE.accountName, DEMO_SITE.name, DEMO_SITE.domain],
      );
    return { demoSiteId: row.demo_site_id ?? undefined, activeSites: row.active_sites };
  }

  /**
   * On the first start against an empty database, creates a demo site so there is something to
   * paste at once. Replicas starting together serialize on an advisory lock: one creates it.
   */
  private async ensureDemoSite(): Promise<void> {
    const created = await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [DEMO_SITE_LOCK_KEY]);
      const [{ exists }]: { exists: boolean }[] = await em.query(
        'SELECT EXISTS (SELECT 1 FROM sites) AS exists',
      );
      if (exists) return undefined;
      const account = await this.accounts.create(em, DEMO_SITE.accountName);
      const repository = em.getRepository(Site);
      return repository.save(
        repository.create({
          accountId: account.id,
          name: DEMO_SITE.name,
          domain: DEMO_SITE.domain,
          allowedDomains: [],
          fingerprintSalt: randomBytes(32),
          isActive: true,
        }),
      );
    });
    // Its snippet and test page are in the start banner, once the server listens.
    if (created) this.logger.log({ siteId: created.id }, `Created a demo site (${created.id}).`);
  }
}
