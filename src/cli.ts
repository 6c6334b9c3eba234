import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccountsService } from './accounts/accounts.service.js';
import { AuditService } from './audit/audit.service.js';
import { PasswordResetsService } from './auth-flows/password-resets.service.js';
import { CliModule } from './cli/cli.module.js';
import { promptHidden, readPasswordLine } from './cli/read-password.js';
import { DomainError } from './common/domain-error.js';
import { readEnvironment } from './config/environment.js';
import { EmbeddedDatabase } from './database/embedded-database.js';
import { SourceBackfill } from './referrer-sources/source-backfill.js';
import { RETENTION_MONTHS, SitesService } from './sites/sites.service.js';
import { MEMBERSHIP_ROLES, type MembershipRole } from './users/entities/membership.entity.js';
import { emailTaken, PasswordRefusedError, UsersService } from './users/users.service.js';
import { isUuid } from './common/uuid.js';
import { RollupsService } from './stats/rollups/rollups.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  sites create --name <name> --domain <domain> [options]
      Creates a site (and its account) and prints the snippet to paste into its pages.
        --allowed-domain <domain>  Accept events only from this domain and its subdomains
                                   (repeatable; by default any origin is accepted).
        --account <name>           The account to add the site to (created if missing;
                                   defaults to the site name).
        --owner-email <email>      Also create the account's owner user.
        --timezone <zone>          The IANA time zone its days are counted in
                                   (e.g. Europe/Berlin; default UTC).
        --retention-months <n>     Keep its raw traffic n months (1 to 1200), then delete it
                                   (by default it is kept for ever).
  sites list [--json]
      Lists every site with its id.
  sites delete --id <site id>
      Deletes a site: /track refuses its events from now on, and the server removes all
      its traffic in the background (within a minute while it runs, else when it starts).
  stats rebuild [--site <site id>]
      Recomputes the stats rollups of one site (or of every site) from the raw rows, newest
      day first, then merges its spans (closed weeks and months, and the runs of days of
      the last 30 and 7 days and the month so far), and says how long it took. Safe
      while the server runs; resumable: run it again after an interruption and it skips the
      days it already did.
  stats check [--site <site id>]
      Compares the rollups of every settled day (past the end of the day and of its last
      visit) with what the raw rows give now, and those of every span (week, month, run of
      days) with the merge of its days. Exit status 1 when one differs or a day has no rollup yet (stats
      rebuild mends both).
  sessions backfill-sources
      Names the source ("Google", a utm_source…) of visits stored before Trackveil kept
      one, with the rules of ingestion. In batches; safe while the server runs, and to
      run again.
  users create --email <email> [options]
      Creates a user with a password (at least 15 characters, not a common one).
        --name <name>              The user's name.
        --account <name or id>     Also make the user a member of this account, with
        --role owner|admin|viewer  this role (both or neither).
        --password-stdin           Read the password from the first line of standard input
                                   (for scripts). Without it, the password is asked for at the
                                   terminal. It is never taken as an argument: that would
                                   leave it in the shell history.
  users list [--json]
      Lists every user, the accounts they belong to and their role in each.
  users reset-password --email <email>
      Prints a one-time link to choose a new password (valid for 1 hour; it replaces any
      earlier link of that user). Give it to the user over a channel you trust: whoever
      opens it sets the password. For servers without SMTP_URL, where reset links cannot
      be e-mailed.

The database is the one the server uses: DATABASE_URL, or the embedded PostgreSQL.
Exit status: 0 done, 2 the command or its input was refused (nothing changed), 1 another failure.`;

const COMMANDS = [
  'sites create',
  'sites list',
  'sites delete',
  'sessions backfill-sources',
  'stats rebuild',
  'stats check',
  'users create',
  'users list',
  'users reset-password',
];

class UsageError extends Error {}

/** Input the services refused; the message says why, the usage would only hide it. */
class RefusedError extends Error {}

/** The rollups differ from the raw rows (`stats check`): exit status 1, not a refusal. */
class CheckFailedError extends Error {}

/** `stats rebuild` and `stats check`, for one site or every site. */
async function statsCommand(
  rollups: RollupsService,
  command: 'stats rebuild' | 'stats check',
  siteId: string | undefined,
): Promise<void> {
  const sites = await rollups.sites(siteId);
  if (siteId !== undefined && sites.length === 0) {
    throw new RefusedError(
      `No site has the id "${siteId}"; see the ids with: npm run cli -- sites list`,
    );
  }
  const started = Date.now();
  if (command === 'stats rebuild') {
    let days = 0;
    for (const site of sites) {
      days += await rollups.rebuild(site, ({ day, done, total }) => {
        if (done % 10 === 0 || done === total) {
          process.stdout.write(`${site.id}: ${done}/${total} days (${day})…\n`);
        }
      });
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `Done: ${days} days of ${sites.length} site${sites.length === 1 ? '' : 's'} recomputed in ${seconds} s.\n`,
    );
    return;
  }
  const failed: string[] = [];
  for (const site of sites) {
    const result = await rollups.check(site);
    process.stdout.write(
      `${site.id}: ${result.checked} settled days and ${result.spans} spans checked, ${result.mismatched.length} differ, ${result.missing.length} without rollups.\n`,
    );
    if (result.mismatched.length > 0) {
      process.stdout.write(`  differ: ${result.mismatched.join(', ')}\n`);
    }
    if (result.missing.length > 0) {
      process.stdout.write(`  without rollups: ${result.missing.join(', ')}\n`);
    }
    if (result.mismatched.length > 0 || result.missing.length > 0) failed.push(site.id);
  }
  if (failed.length > 0) {
    throw new CheckFailedError(
      `The rollups of ${failed.length} site${failed.length === 1 ? '' : 's'} differ from the raw rows or are missing days; mend them with: npm run cli -- stats rebuild --site <site id>`,
    );
  }
  process.stdout.write('Done: the rollups match the raw rows.\n');
}

/** `--retention-months`: undefined (keep for ever) when left out. */
function parseRetentionMonths(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const months = /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!(months >= RETENTION_MONTHS.min && months <= RETENTION_MONTHS.max)) {
    throw new UsageError(
      `--retention-months must be a whole number of months between ${RETENTION_MONTHS.min} and ${RETENTION_MONTHS.max}; leave it out to keep the traffic for ever.`,
    );
  }
  return months;
}

interface UserCreateOptions {
  email: string;
  name?: string;
  account?: string;
  role?: MembershipRole;
  passwordStdin: boolean;
}

async function readNewPassword(passwordStdin: boolean): Promise<string> {
  if (passwordStdin) return readPasswordLine();
  if (!process.stdin.isTTY) {
    throw new UsageError(
      'users create needs a password: type it at a terminal, or pipe it with --password-stdin.',
    );
  }
  const password = await promptHidden('Password: ');
  if ((await promptHidden('Password again: ')) !== password) {
    throw new RefusedError('The two passwords differ; no user was created. Run the command again.');
  }
  return password;
}

async function createUser(
  users: UsersService,
  accounts: AccountsService,
  dataSource: DataSource,
  options: UserCreateOptions,
): Promise<void> {
  let membership: { accountId: string; role: MembershipRole } | undefined;
  let accountName = '';
  if (options.account !== undefined && options.role !== undefined) {
    const found = await accounts.findByNameOrId(dataSource.manager, options.account);
    if (found.length === 0) {
      throw new RefusedError(
        `No account has the name or id "${options.account}"; see the accounts with: npm run cli -- sites list`,
      );
    }
    if (found.length > 1) {
      throw new RefusedError(
        `${found.length} accounts are named "${options.account}"; give the id of one instead: ${found.map((account) => account.id).join(', ')}.`,
      );
    }
    membership = { accountId: found[0].id, role: options.role };
    accountName = found[0].name;
  }
  // Before the password is asked for: typed twice for nothing otherwise. (Two creations racing
  // for one address still meet the unique index.)
  const existing = await users.findByEmail(options.email);
  if (existing) throw emailTaken(existing.email);
  const password = await readNewPassword(options.passwordStdin);
  const user = await users.create({
    email: options.email,
    name: options.name,
    password,
    membership,
  });
  process.stdout.write(
    `Created user ${user.email} (${user.id}).\n` +
      (membership ? `Role in account "${accountName}": ${membership.role}.\n` : ''),
  );
}

async function listUsers(users: UsersService, json: boolean): Promise<void> {
  const list = await users.list();
  if (json) {
    process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return;
  }
  if (list.length === 0) {
    process.stdout.write(
      'No users yet. Create one with: npm run cli -- users create --email you@example.com\n',
    );
    return;
  }
  for (const user of list) {
    const name = user.name === null ? '' : ` (${user.name})`;
    const password = user.hasPassword ? '' : ' [no password yet]';
    process.stdout.write(`${user.id}  ${user.email}${name}${password}\n`);
    for (const membership of user.memberships) {
      process.stdout.write(
        `  ${membership.role} of "${membership.accountName}" (${membership.accountId})\n`,
      );
    }
  }
}

async function resetPassword(
  users: UsersService,
  resets: PasswordResetsService,
  audit: AuditService,
  email: string,
): Promise<void> {
  const user = await users.findByEmail(email);
  if (!user) {
    throw new RefusedError(
      `No user has the e-mail address "${email.trim()}"; see the users with: npm run cli -- users list`,
    );
  }
  const { link, expiresAt } = await resets.createLink(user.id);
  audit.record({
    action: 'auth.password_reset_requested',
    actor: null,
    target: { type: 'user', id: user.id },
    details: { by: 'cli' },
  });
  process.stdout.write(
    `One-time link for ${user.email} to choose a new password (valid until ${expiresAt.toISOString()}; any earlier link stops working):\n\n  ${link}\n\n` +
      'Whoever opens it can set the password: give it to the user over a channel you trust.\n',
  );
}

async function main(argv: string[]): Promise<void> {
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new UsageError(
      'A password is never taken as an argument: it would stay in the shell history. Type it when asked, or pipe it with --password-stdin.',
    );
  }
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      domain: { type: 'string' },
      'allowed-domain': { type: 'string', multiple: true },
      account: { type: 'string' },
      'owner-email': { type: 'string' },
      timezone: { type: 'string' },
      'retention-months': { type: 'string' },
      id: { type: 'string' },
      site: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!COMMANDS.includes(command)) {
    throw new UsageError(`Unknown command "${command}".`);
  }
  if (command === 'users create') {
    if (!values.email) throw new UsageError('users create needs --email.');
    if ((values.account === undefined) !== (values.role === undefined)) {
      throw new UsageError('users create takes --account and --role together, or neither.');
    }
    if (
      values.role !== undefined &&
      !(MEMBERSHIP_ROLES as readonly string[]).includes(values.role)
    ) {
      throw new UsageError(`--role must be one of ${MEMBERSHIP_ROLES.join(', ')}.`);
    }
  }
  if (command === 'users reset-password' && !values.email) {
    throw new UsageError('users reset-password needs --email.');
  }
  if (command === 'sites create' && (!values.name || !values.domain)) {
    throw new UsageError('sites create needs --name and --domain.');
  }
  const retentionMonths = parseRetentionMonths(values['retention-months']);
  if (command === 'sites delete' && !values.id) {
    throw new UsageError('sites delete needs --id (see the ids with: npm run cli -- sites list).');
  }

  const siteOption = values.site?.trim().toLowerCase();
  if (siteOption !== undefined && !isUuid(siteOption)) {
    throw new UsageError(`--site takes a site id (see them with: npm run cli -- sites list).`);
  }

  const env = readEnvironment();
  const embedded = env.DATABASE_URL
    ? undefined
    : await EmbeddedDatabase.start({
        dataDir: env.EMBEDDED_POSTGRES_DIR,
        port: env.EMBEDDED_POSTGRES_PORT,
      });
  if (embedded) process.env.DATABASE_URL = embedded.url;
  // The demo site is for the server's first start, not for a database the CLI is filling.
  process.env.CREATE_DEMO_SITE = 'false';

  const context = await NestFactory.createApplicationContext(CliModule, {
    logger: ['error', 'warn'],
  });
  try {
    const sites = context.get(SitesService);
    if (command === 'stats rebuild' || command === 'stats check') {
      await statsCommand(context.get(RollupsService), command, siteOption);
    } else if (command === 'sessions backfill-sources') {
      const done = await context.get(SourceBackfill).run(({ read, named }) => {
        process.stdout.write(`${read} visits read, ${named} named…\n`);
      });
      process.stdout.write(
        `Done: ${done.named} of ${done.read} visits without a source now have one.\n`,
      );
    } else if (command === 'users create') {
      await createUser(
        context.get(UsersService),
        context.get(AccountsService),
        context.get<DataSource>(getDataSourceToken()),
        {
          email: values.email as string,
          name: values.name,
          account: values.account,
          role: values.role as MembershipRole | undefined,
          passwordStdin: values['password-stdin'] === true,
        },
      );
    } else if (command === 'users reset-password') {
      await resetPassword(
        context.get(UsersService),
        context.get(PasswordResetsService),
        context.get(AuditService),
        values.email as string,
      );
    } else if (command === 'users list') {
      await listUsers(context.get(UsersService), values.json === true);
    } else if (command === 'sites create') {
      const site = await sites.create({
        name: values.name as string,
        domain: values.domain as string,
        allowedDomains: values['allowed-domain'],
        accountName: values.account,
        ownerEmail: values['owner-email'],
        timezone: values.timezone,
        retentionMonths,
      });
      process.stdout.write(
        [
          `Created site "${site.name}" (${site.domain}).`,
          `Site id: ${site.id}`,
          site.allowedDomains.length > 0
            ? `Accepts events from: ${site.allowedDomains.join(', ')} (and their subdomains)`
            : 'Accepts events from any origin.',
          `Time zone: ${site.timezone}`,
          site.retentionMonths === null
            ? 'Keeps its traffic for ever.'
            : `Keeps its traffic ${site.retentionMonths} months.`,
          '',
          'Paste this snippet into the <head> of every page of the site:',
          '',
          `  ${sites.snippet(site.id)}`,
          '',
          `Try it on the test page while the server runs: ${sites.testPageUrl(site.id)}`,
          '',
        ].join('\n'),
      );
    } else if (command === 'sites delete') {
      const id = (values.id as string).trim().toLowerCase();
      if (!isUuid(id) || !(await sites.markDeleted(id))) {
        throw new RefusedError(
          `No site has the id "${values.id as string}"; see the ids with: npm run cli -- sites list`,
        );
      }
      process.stdout.write(
        `Deleted site ${id}: /track refuses its events from now on.\n` +
          'The server removes its traffic in the background (within a minute while it runs, else when it next starts).\n',
      );
    } else {
      const list = await sites.list();
      if (values.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      } else if (list.length === 0) {
        process.stdout.write(
          'No sites yet. Create one with: npm run cli -- sites create --name "My site" --domain example.com\n',
        );
      } else {
        for (const site of list) {
          process.stdout.write(
            `${site.id}  ${site.name} (${site.domain})${site.isActive ? '' : ' [inactive]'}  account: ${site.accountName}  time zone: ${site.timezone}\n` +
              `  ${sites.snippet(site.id)}\n`,
          );
        }
      }
    }
  } finally {
    await context.close();
    await embedded?.stop();
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof PasswordRefusedError) {
      process.stderr.write(
        `The password was refused; no user was created:\n${error.refusals
          .map((refusal) => `  - ${refusal.message}\n`)
          .join('')}`,
      );
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${message}\n`);
    }
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    const refused =
      error instanceof UsageError || error instanceof RefusedError || error instanceof DomainError;
    process.exit(refused ? 2 : 1);
  },
);
