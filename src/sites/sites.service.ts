import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../accounts/accounts.service.js';
import { TtlCache } from '../common/ttl-cache.js';
import { appConfig } from '../config/app.config.js';
import { trackingConfig } from '../config/tracking.config.js';
import { queryWithin } from '../database/bounded-query.js';
import { UsersService } from '../users/users.service.js';
import { normalizeDomain } from './domains.js';
import { Site } from './entities/site.entity.js';

/** What the tracking hot path needs to know about a site. */
export interface TrackingSite {
  id: string;
  allowedDomains: string[];
  fingerprintSalt: Buffer;
}

export interface CreateSiteInput {
  name: string;
  domain: string;
  /** The account to create the site in, by name; created when it does not exist. */
  accountName?: string;
  allowedDomains?: string[];
  /** Makes this e-mail address an owner of the account (creating the user if missing), when given. */
  ownerEmail?: string;
}

export interface SiteSummary {
  id: string;
  name: string;
  domain: string;
  accountName: string;
  allowedDomains: string[];
  isActive: boolean;
  createdAt: Date;
}

/** What the start banner says about the sites (see `SitesService.startSummary`). */
export interface StartSummary {
  /** The demo site made on the first start, while it still exists and is active. */
  demoSiteId?: string;
  activeSites: number;
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
          text: 'SELECT id, allowed_domains, fingerprint_salt FROM sites WHERE id = $1 AND is_active',
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

  async create(input: CreateSiteInput): Promise<Site> {
    const domain = normalizeDomain(input.domain);
    const allowedDomains = [...new Set((input.allowedDomains ?? []).map(normalizeDomain))];
    const name = input.name.trim();
    if (!name || name.length > 200) {
      throw new Error('A site name must be 1 to 200 characters long.');
    }
    const accountName = (input.accountName ?? name).trim().slice(0, 200);
    return this.dataSource.transaction(async (em) => {
      const account =
        (await this.accounts.findByName(em, accountName)) ??
        (await this.accounts.create(em, accountName));
      if (input.ownerEmail) {
        await this.users.ensureOwner(em, account.id, input.ownerEmail);
      }
      const repository = em.getRepository(Site);
      const site = await repository.save(
        repository.create({
          accountId: account.id,
          name,
          domain,
          allowedDomains,
          fingerprintSalt: randomBytes(32),
          isActive: true,
        }),
      );
      this.trackingSites.delete(site.id);
      return site;
    });
  }

  async list(): Promise<SiteSummary[]> {
    const rows: {
      id: string;
      name: string;
      domain: string;
      account_name: string;
      allowed_domains: string[];
      is_active: boolean;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.name, s.domain, a.name AS account_name, s.allowed_domains, s.is_active, s.created_at
         FROM sites s JOIN accounts a ON a.id = s.account_id
        ORDER BY s.created_at, s.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      domain: row.domain,
      accountName: row.account_name,
      allowedDomains: row.allowed_domains,
      isActive: row.is_active,
      createdAt: row.created_at,
    }));
  }

  /** The tag a site owner pastes into their pages. */
  snippet(siteId: string): string {
    return `<script async src="${this.app.publicUrl}/tracker.min.js" data-site-id="${siteId}"></script>`;
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
                  WHERE s.is_active AND a.name = $1 AND s.name = $2 AND s.domain = $3
                  ORDER BY s.created_at, s.id LIMIT 1) AS demo_site_id,
                (SELECT count(*)::int FROM sites WHERE is_active) AS active_sites`,
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
