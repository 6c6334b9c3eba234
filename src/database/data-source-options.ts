import type pg from 'pg';
import type { DataSourceOptions } from 'typeorm';
import { Account } from '../accounts/entities/account.entity.js';
import { AuditEntry } from '../audit/entities/audit-entry.entity.js';
import { ApiKey } from '../api-keys/entities/api-key.entity.js';
import { UserSession } from '../auth/entities/user-session.entity.js';
import { Invitation } from '../invitations/entities/invitation.entity.js';
import { FilteredTraffic } from '../filtered-traffic/entities/filtered-traffic.entity.js';
import { PasswordReset } from '../auth-flows/entities/password-reset.entity.js';
import { Session } from '../sessions/entities/session.entity.js';
import { Goal } from '../goals/entities/goal.entity.js';
import { Site } from '../sites/entities/site.entity.js';
import { StatsDay } from '../stats/rollups/entities/stats-day.entity.js';
import { StatsDayColumns } from '../stats/rollups/entities/stats-day-columns.entity.js';
import { StatsDayValue } from '../stats/rollups/entities/stats-day-value.entity.js';
import { StatsSpanValue } from '../stats/rollups/entities/stats-span-value.entity.js';
import { StatsSpan } from '../stats/rollups/entities/stats-span.entity.js';
import { StatsHour } from '../stats/rollups/entities/stats-hour.entity.js';
import { CustomEvent } from '../tracking/entities/custom-event.entity.js';
import { PageView } from '../tracking/entities/page-view.entity.js';
import { ReceivedEvent } from '../tracking/entities/received-event.entity.js';
import { Membership } from '../users/entities/membership.entity.js';
import { User } from '../users/entities/user.entity.js';
import { Visitor } from '../visitors/entities/visitor.entity.js';
import { InitialSchema1764072000000 } from '../../migrations/1764072000000-InitialSchema.js';
import { CustomEvents1764158400000 } from '../../migrations/1764158400000-CustomEvents.js';
import { TriggerPlans1764244800000 } from '../../migrations/1764244800000-TriggerPlans.js';
import { ReceiptRetention1764331200000 } from '../../migrations/1764331200000-ReceiptRetention.js';
import { TriggerJoinPlans1764417600000 } from '../../migrations/1764417600000-TriggerJoinPlans.js';
import { TriggerEmptyBatches1764504000000 } from '../../migrations/1764504000000-TriggerEmptyBatches.js';
import { FingerprintHashCheck1764590400000 } from '../../migrations/1764590400000-FingerprintHashCheck.js';
import { AccountMemberships1764676800000 } from '../../migrations/1764676800000-AccountMemberships.js';
import { UserSessions1764763200000 } from '../../migrations/1764763200000-UserSessions.js';
import { AuditLog1765108800000 } from '../../migrations/1765108800000-AuditLog.js';
import { ApiKeys1764936000000 } from '../../migrations/1764936000000-ApiKeys.js';
import { SitesApi1765022400000 } from '../../migrations/1765022400000-SitesApi.js';
import { Invitations1764849600000 } from '../../migrations/1764849600000-Invitations.js';
import { PasswordResets1765195200000 } from '../../migrations/1765195200000-PasswordResets.js';
import { SessionAttributes1765281600000 } from '../../migrations/1765281600000-SessionAttributes.js';
import { Goals1765368000000 } from '../../migrations/1765368000000-Goals.js';
import { FilteredTraffic1765454400000 } from '../../migrations/1765454400000-FilteredTraffic.js';
import { SiteRetention1765627200000 } from '../../migrations/1765627200000-SiteRetention.js';
import { StatsRollups1765713600000 } from '../../migrations/1765713600000-StatsRollups.js';
import { StatsSpans1765886400000 } from '../../migrations/1765886400000-StatsSpans.js';
import { StatsDayColumns1765972800000 } from '../../migrations/1765972800000-StatsDayColumns.js';
import { SharedLinks1765800000000 } from '../../migrations/1765800000000-SharedLinks.js';
import { SharedLink } from '../shared-links/entities/shared-link.entity.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export const ENTITIES = [
  Account,
  User,
  Membership,
  UserSession,
  ApiKey,
  Invitation,
  PasswordReset,
  Site,
  Goal,
  Visitor,
  Session,
  PageView,
  CustomEvent,
  ReceivedEvent,
  AuditEntry,
  FilteredTraffic,
  StatsDay,
  StatsHour,
  StatsDayValue,
  StatsSpan,
  StatsSpanValue,
  StatsDayColumns,
  SharedLink,
];

/** Listed, not globbed: the same list works compiled, under Vitest and for the TypeORM CLI. */
export const MIGRATIONS = [
  InitialSchema1764072000000,
  CustomEvents1764158400000,
  TriggerPlans1764244800000,
  ReceiptRetention1764331200000,
  TriggerJoinPlans1764417600000,
  TriggerEmptyBatches1764504000000,
  FingerprintHashCheck1764590400000,
  AccountMemberships1764676800000,
  UserSessions1764763200000,
  Invitations1764849600000,
  ApiKeys1764936000000,
  SitesApi1765022400000,
  AuditLog1765108800000,
  PasswordResets1765195200000,
  SessionAttributes1765281600000,
  Goals1765368000000,
  FilteredTraffic1765454400000,
  SiteRetention1765627200000,
  StatsRollups1765713600000,
  SharedLinks1765800000000,
  StatsSpans1765886400000,
  StatsDayColumns1765972800000,
];

export interface DatabaseConnectionSettings {
  url: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  /**
   * Server-side bound on each statement and, on PostgreSQL 17+, each transaction:
   * `INGEST_TIMEOUT_MS` for the server and `npm run cli`. Unset (TypeORM's migration commands):
   * 15 s per statement and no transaction bound, so a long migration run by hand is not cut short.
   */
  statementTimeoutMs?: number;
}

const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

/** The one place TypeORM is configured; the app, the CLI and `ormconfig.ts` all use it. */
export function buildDataSourceOptions(settings: DatabaseConnectionSettings): DataSourceOptions {
  const statementTimeoutMs = settings.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  return {
    type: 'postgres',
    url: settings.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    applicationName: 'trackveil',
    // gen_random_uuid() is built into PostgreSQL 13+; no extension (and no superuser) needed.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    poolSize: settings.poolSize ?? 10,
    connectTimeoutMS: settings.connectTimeoutMs ?? 5000,
    extra: {
      idleTimeoutMillis: 30_000,
      // The server ends a statement stuck on a lock or a slow disk, and a transaction its client
      // left open, so they release their locks. On a silent network only the client can give up:
      // see `queryWithin`.
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: Math.max(statementTimeoutMs, 60_000),
      ...(settings.statementTimeoutMs !== undefined && {
        onConnect: (client: pg.PoolClient) => limitTransactions(client, statementTimeoutMs),
      }),
    },
  };
}

/**
 * `transaction_timeout` exists from PostgreSQL 17 on; a server before that refuses a connection
 * whose startup packet names it, so it is set after connecting, and only where it exists.
 */
async function limitTransactions(client: pg.PoolClient, timeoutMs: number): Promise<void> {
  await client.query({
    text: `SELECT set_config('transaction_timeout', $1, false)
            WHERE current_setting('server_version_num')::int >= 170000`,
    values: [`${timeoutMs}ms`],
    query_timeout: timeoutMs,
  } as pg.QueryConfig);
}
