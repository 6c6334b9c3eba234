import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { CliModule } from './cli/cli.module.js';
import { readEnvironment } from './config/environment.js';
import { EmbeddedDatabase } from './database/embedded-database.js';
import { SitesService } from './sites/sites.service.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  sites create --name <name> --domain <domain> [options]
      Creates a site (and its account) and prints the snippet to paste into its pages.
        --allowed-domain <domain>  Accept events only from this domain and its subdomains
                                   (repeatable; by default any origin is accepted).
        --account <name>           The account to add the site to (created if missing;
                                   defaults to the site name).
        --owner-email <email>      Also create the account's owner user.
  sites list [--json]
      Lists every site with its id.

The database is the one the server uses: DATABASE_URL, or the embedded PostgreSQL.`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      domain: { type: 'string' },
      'allowed-domain': { type: 'string', multiple: true },
      account: { type: 'string' },
      'owner-email': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals.join(' ');
  if (values.help || command === '' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command !== 'sites create' && command !== 'sites list') {
    throw new UsageError(`Unknown command "${command}".`);
  }
  if (command === 'sites create' && (!values.name || !values.domain)) {
    throw new UsageError('sites create needs --name and --domain.');
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
    if (command === 'sites create') {
      const site = await sites.create({
        name: values.name as string,
        domain: values.domain as string,
        allowedDomains: values['allowed-domain'],
        accountName: values.account,
        ownerEmail: values['owner-email'],
      });
      process.stdout.write(
        [
          `Created site "${site.name}" (${site.domain}).`,
          `Site id: ${site.id}`,
          site.allowedDomains.length > 0
            ? `Accepts events from: ${site.allowedDomains.join(', ')} (and their subdomains)`
            : 'Accepts events from any origin.',
          '',
          'Paste this snippet into the <head> of every page of the site:',
          '',
          `  ${sites.snippet(site.id)}`,
          '',
          `Try it on the test page while the server runs: ${sites.testPageUrl(site.id)}`,
          '',
        ].join('\n'),
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
            `${site.id}  ${site.name} (${site.domain})${site.isActive ? '' : ' [inactive]'}  account: ${site.accountName}\n` +
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
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
