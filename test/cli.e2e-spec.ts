import pg from 'pg';
import { cleanEnv, runNode } from './utils/child-process.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const CLI = 'dist/src/cli.js';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('the command line (node dist/src/cli.js)', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let env: NodeJS.ProcessEnv;
  let siteId: string;

  const cli = (...args: string[]) => runNode(CLI, args, env);

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // PUBLIC_URL and PORT unset, as on a fresh install.
    env = cleanEnv({ DATABASE_URL: db.url });
  });

  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('should create a site with normalized domains, print its id and snippet, and store it', async () => {
    const result = await cli(
      'sites',
      'create',
      '--name',
      'My Blog',
      '--domain',
      'https://Blog.Example.com/',
      '--allowed-domain',
      'example.com',
    );

    expect(result.code, result.stderr).toBe(0);
    const idLine = /^Site id: (\S+)$/m.exec(result.stdout);
    expect(idLine, result.stdout).not.toBeNull();
    siteId = idLine![1];
    expect(siteId).toMatch(new RegExp(`^${UUID.source}$`));
    const lines = result.stdout.split('\n').map((line) => line.trim());
    expect(lines).toContain(
      `<script async src="http://localhost:8080/tracker.min.js" data-site-id="${siteId}"></script>`,
    );

    const { rows } = await client.query(
      `SELECT s.name, s.domain, s.allowed_domains, s.allowed_domains::text AS allowed_text,
              s.is_active, octet_length(s.fingerprint_salt) AS salt_bytes, a.name AS account
         FROM sites s JOIN accounts a ON a.id = s.account_id WHERE s.id = $1`,
      [siteId],
    );
    expect(rows).toEqual([
      {
        name: 'My Blog',
        domain: 'blog.example.com',
        allowed_domains: ['example.com'],
        allowed_text: '{example.com}',
        is_active: true,
        salt_bytes: 32,
        account: 'My Blog',
      },
    ]);
  });

  it('should list the site by its id', async () => {
    const result = await cli('sites', 'list');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(siteId);
    expect(result.stdout).toContain('My Blog (blog.example.com)');
  });

  it('should list the sites as JSON with --json', async () => {
    const result = await cli('sites', 'list', '--json');
    expect(result.code, result.stderr).toBe(0);
    const list = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(list).toEqual([
      expect.objectContaining({
        id: siteId,
        name: 'My Blog',
        domain: 'blog.example.com',
        accountName: 'My Blog',
        allowedDomains: ['example.com'],
        isActive: true,
      }),
    ]);
  });

  it('should exit 2 and print the usage for an unknown command, changing nothing', async () => {
    const result = await cli('sites', 'delete');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "sites delete"');
    expect(result.stderr).toContain('Usage:');
    expect(result.stderr).toContain('sites create --name <name> --domain <domain>');
    const { rows } = await client.query('SELECT count(*)::int AS n FROM sites');
    expect(rows[0].n).toBe(1);
  });

  it('should exit 2 with the usage when sites create has no --domain, creating nothing', async () => {
    const result = await cli('sites', 'create', '--name', 'No Domain');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--domain');
    expect(result.stderr).toContain('Usage:');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM sites`);
    expect(rows[0].n).toBe(1);
  });
});
