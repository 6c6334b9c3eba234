import { spawn } from 'node:child_process';
import pg from 'pg';
import { cleanEnv, type Finished, REPO_ROOT, runNode } from './utils/child-process.js';
import { waitFor } from './utils/data-source.js';
import { hasScript, plain } from './utils/terminal.js';
import { createTestDatabase, type TestDatabase } from './utils/test-database.js';

const CLI = 'dist/src/cli.js';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const PASSWORD = 'plum kettle orbit lantern 42';

/** `node dist/src/cli.js <args>` with `input` on its standard input (a pipe, not a terminal). */
function runWithInput(
  args: string[],
  input: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The CLI did not exit within ${timeoutMs} ms.\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

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
    const result = await cli('sites', 'rename');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "sites rename"');
    expect(result.stderr).toContain('Usage:');
    expect(result.stderr).toContain('sites create --name <name> --domain <domain>');
    const { rows } = await client.query('SELECT count(*)::int AS n FROM sites');
    expect(rows[0].n).toBe(1);
  });

  it('should store the time zone given with --timezone and refuse an unknown one with exit 2', async () => {
    const refused = await cli(
      'sites',
      'create',
      '--name',
      'Zoned',
      '--domain',
      'zoned.example',
      '--timezone',
      'Mars/Base',
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('timezone "Mars/Base" is not known');
    const created = await cli(
      'sites',
      'create',
      '--name',
      'Zoned',
      '--domain',
      'zoned.example',
      '--timezone',
      'Europe/Paris',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Time zone: Europe/Paris');
    const id = /^Site id: (\S+)$/m.exec(created.stdout)![1];
    const { rows } = await client.query('SELECT timezone FROM sites WHERE id = $1', [id]);
    expect(rows).toEqual([{ timezone: 'Europe/Paris' }]);

    const deleted = await cli('sites', 'delete', '--id', id);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(`Deleted site ${id}`);
    const marked = await client.query('SELECT deleted_at FROM sites WHERE id = $1', [id]);
    expect(marked.rows[0].deleted_at).toBeInstanceOf(Date);
    const listed = await cli('sites', 'list');
    expect(listed.stdout).not.toContain(id);

    const again = await cli('sites', 'delete', '--id', id);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`No site has the id "${id}"`);
    const noId = await cli('sites', 'delete');
    expect(noId.code).toBe(2);
    expect(noId.stderr).toContain('sites delete needs --id');
    // Only the first site is left for the tests below (the deleted one is purged by a server).
    await client.query('DELETE FROM sites WHERE id = $1', [id]);
  });

  describe('users', () => {
    const countUsers = async (): Promise<number> =>
      (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;

    it('should create a user with a password piped through --password-stdin, as a member of an account, storing only an argon2id hash', async () => {
      const result = await runWithInput(
        [
          'users',
          'create',
          '--email',
          ' Dana@Example.com',
          '--name',
          'Dana',
          '--account',
          'My Blog',
          '--role',
          'admin',
          '--password-stdin',
        ],
        `${PASSWORD}\nignored second line\n`,
        env,
      );

      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('Created user dana@example.com');
      expect(result.stdout).toContain('Role in account "My Blog": admin.');
      expect(result.stdout + result.stderr).not.toContain(PASSWORD);
      const { rows } = await client.query(
        `SELECT u.email, u.name, u.password_hash, a.name AS account, m.role
           FROM users u JOIN memberships m ON m.user_id = u.id JOIN accounts a ON a.id = m.account_id`,
      );
      expect(rows).toEqual([
        {
          email: 'dana@example.com',
          name: 'Dana',
          password_hash: expect.stringMatching(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/),
          account: 'My Blog',
          role: 'admin',
        },
      ]);
      expect(rows[0].password_hash).not.toContain(PASSWORD);
    });

    it('should list the user with its role in the account, never its hash, as text and as JSON', async () => {
      const text = await cli('users', 'list');
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('dana@example.com (Dana)');
      expect(text.stdout).toContain('admin of "My Blog"');
      expect(text.stdout).not.toContain('argon2');

      const json = await cli('users', 'list', '--json');
      expect(json.code, json.stderr).toBe(0);
      expect(json.stdout).not.toContain('argon2');
      expect(JSON.parse(json.stdout)).toEqual([
        expect.objectContaining({
          email: 'dana@example.com',
          name: 'Dana',
          hasPassword: true,
          memberships: [expect.objectContaining({ accountName: 'My Blog', role: 'admin' })],
        }),
      ]);
    });

    it('should refuse a short, common password with every reason and exit 2, creating no user', async () => {
      const before = await countUsers();
      const result = await runWithInput(
        ['users', 'create', '--email', 'eve@example.com', '--password-stdin'],
        'password\n',
        env,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('The password was refused');
      expect(result.stderr).toMatch(/has 8 characters; use at least 15/);
      expect(result.stderr).toMatch(/common/i);
      expect(result.stderr.match(/^ {2}- /gm)).toHaveLength(2);
      expect(await countUsers()).toBe(before);
    });

    it('should refuse a second user with the same e-mail address and exit 2, keeping the first', async () => {
      const result = await runWithInput(
        ['users', 'create', '--email', 'DANA@example.com', '--password-stdin'],
        `${PASSWORD} too\n`,
        env,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('dana@example.com already exists');
      const { rows } = await client.query(
        `SELECT name FROM users WHERE email = 'dana@example.com'`,
      );
      expect(rows).toEqual([{ name: 'Dana' }]);
      // Refused before a password is asked for: here stdin is no terminal and no password is
      // piped, which would otherwise be the complaint.
      const early = await cli('users', 'create', '--email', 'dana@example.com');
      expect(early.code).toBe(2);
      expect(early.stderr).toContain('dana@example.com already exists');
      expect(early.stderr).not.toContain('needs a password');
    });

    it.skipIf(!hasScript())(
      'should ask for the password twice at a terminal without echoing it, then create the user',
      async () => {
        // `script` gives the CLI a pseudo-terminal, as when a person runs it.
        const child = spawn(
          'script',
          [
            '-qec',
            `exec "${process.execPath}" ${CLI} users create --email tty@example.com`,
            '/dev/null',
          ],
          { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] },
        );
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
        try {
          await waitFor('the password prompt', () => plain(output).includes('Password: '), {
            timeoutMs: 20_000,
          });
          child.stdin.write(`${PASSWORD}\r`);
          await waitFor('the second prompt', () => plain(output).includes('Password again: '), {
            timeoutMs: 10_000,
          });
          child.stdin.write(`${PASSWORD}\r`);
          await waitFor('the CLI to finish', () => plain(output).includes('Created user'), {
            timeoutMs: 20_000,
          });
          child.stdin.end();
          expect(await exited).toBe(0);
        } finally {
          child.kill('SIGKILL');
        }
        expect(plain(output)).toContain('Created user tty@example.com');
        expect(output).not.toContain(PASSWORD);
        const { rows } = await client.query(
          `SELECT password_hash FROM users WHERE email = 'tty@example.com'`,
        );
        expect(rows).toEqual([{ password_hash: expect.stringMatching(/^\$argon2id\$/) }]);
      },
    );

    it('should refuse a password given as an argument, exit 2 and say why', async () => {
      const before = await countUsers();
      const result = await cli(
        'users',
        'create',
        '--email',
        'fay@example.com',
        '--password',
        PASSWORD,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('never taken as an argument');
      expect(result.stderr).toContain('--password-stdin');
      expect(await countUsers()).toBe(before);
    });

    it('should refuse --account without --role, and an unknown role, with the usage', async () => {
      const withoutRole = await cli(
        'users',
        'create',
        '--email',
        'g@example.com',
        '--account',
        'My Blog',
      );
      expect(withoutRole.code).toBe(2);
      expect(withoutRole.stderr).toContain('--account and --role together');
      const badRole = await cli(
        'users',
        'create',
        '--email',
        'g@example.com',
        '--account',
        'My Blog',
        '--role',
        'member',
      );
      expect(badRole.code).toBe(2);
      expect(badRole.stderr).toContain('--role must be one of owner, admin, viewer');
      expect(badRole.stderr).toContain('users create --email <email>');
    });

    it('should refuse an account that does not exist, creating no user', async () => {
      const before = await countUsers();
      const result = await runWithInput(
        [
          'users',
          'create',
          '--email',
          'h@example.com',
          '--account',
          'Nope',
          '--role',
          'viewer',
          '--password-stdin',
        ],
        `${PASSWORD}\n`,
        env,
      );
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('No account has the name or id "Nope"');
      expect(await countUsers()).toBe(before);
    });
  });

  it('should store --retention-months and refuse a value outside 1 to 1200 with exit 2', async () => {
    for (const value of ['0', '1201', 'x']) {
      const refused = await cli(
        'sites',
        'create',
        '--name',
        'Kept',
        '--domain',
        'kept.example',
        '--retention-months',
        value,
      );
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--retention-months must be a whole number of months');
    }
    const created = await cli(
      'sites',
      'create',
      '--name',
      'Kept',
      '--domain',
      'kept.example',
      '--retention-months',
      '13',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('Keeps its traffic 13 months.');
    const id = /^Site id: (\S+)$/m.exec(created.stdout)![1];
    const { rows } = await client.query('SELECT retention_months FROM sites WHERE id = $1', [id]);
    expect(rows).toEqual([{ retention_months: 13 }]);
    // Only the first site is left for the tests below.
    await client.query('DELETE FROM sites WHERE id = $1', [id]);
  });

  it('should exit 2 with the usage when sites create has no --domain, creating nothing', async () => {
    const result = await cli('sites', 'create', '--name', 'No Domain');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--domain');
    expect(result.stderr).toContain('Usage:');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM sites`);
    expect(rows[0].n).toBe(1);
  });

  // Last: it adds a site of its own, which the tests above do not expect.
  it('should name the source of older visits with sessions backfill-sources', async () => {
    const { rows } = await client.query<{ site: string; visitor: string }>(
      `WITH a AS (INSERT INTO accounts (name) VALUES ('Backfill') RETURNING id),
            s AS (INSERT INTO sites (account_id, name, domain, fingerprint_salt)
                  SELECT id, 'Backfill', 'example.com', decode(repeat('ab', 32), 'hex') FROM a RETURNING id),
            v AS (INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
                  SELECT id, repeat('a', 64), now(), now() FROM s RETURNING id, site_id)
       SELECT site_id AS site, id AS visitor FROM v`,
    );
    await client.query(
      `INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at, entry_path,
                             exit_path, referrer_host, referrer)
       VALUES (gen_random_uuid(), $1, $2, now(), now(), '/', '/', 'news.ycombinator.com',
               'https://news.ycombinator.com/item')`,
      [rows[0].site, rows[0].visitor],
    );
    const result = await cli('sessions', 'backfill-sources');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Done: 1 of 1 visits without a source now have one.');
    const named = await client.query(`SELECT source FROM sessions WHERE site_id = $1`, [
      rows[0].site,
    ]);
    expect(named.rows).toEqual([{ source: 'Hacker News' }]);
  });

  // After the backfill test: it also adds a site of its own.
  it('should rebuild the stats rollups with stats rebuild, and find a day that differs with stats check', async () => {
    const { rows } = await client.query<{ site: string }>(
      `WITH a AS (INSERT INTO accounts (name) VALUES ('Rollups') RETURNING id),
            s AS (INSERT INTO sites (account_id, name, domain, fingerprint_salt)
                  SELECT id, 'Rollups', 'example.com', decode(repeat('cd', 32), 'hex') FROM a RETURNING id),
            v AS (INSERT INTO visitors (site_id, fingerprint_hash, first_seen_at, last_seen_at)
                  SELECT id, repeat('b', 64), now() - interval '2 days', now() - interval '2 days'
                    FROM s RETURNING id, site_id),
            se AS (INSERT INTO sessions (id, site_id, visitor_id, started_at, last_activity_at,
                                         entry_path, exit_path, page_view_count)
                   SELECT gen_random_uuid(), site_id, id, now() - interval '2 days',
                          now() - interval '2 days' + interval '5 minutes', '/', '/b', 2 FROM v
                   RETURNING id, site_id, visitor_id, started_at),
            pv AS (INSERT INTO page_views (created_at, site_id, visitor_id, session_id, url, hostname, path, device_type)
                   SELECT started_at + o, site_id, visitor_id, id, 'https://example.com' || p, 'example.com', p, 'desktop'
                     FROM se, (VALUES (interval '0', '/'), (interval '5 minutes', '/b')) AS x(o, p)
                   RETURNING 1)
       SELECT (SELECT id FROM s) AS site, (SELECT count(*) FROM pv) AS views`,
    );
    const site = rows[0].site;
    const rebuilt = await cli('stats', 'rebuild', '--site', site);
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    // From the day of the page views (two days ago in UTC) to today.
    expect(rebuilt.stdout).toMatch(/Done: 3 days of 1 site recomputed in \d+\.\d s\./);
    const { rows: days } = await client.query<{ pageviews: number }>(
      `SELECT pageviews FROM stats_days WHERE site_id = $1 ORDER BY day`,
      [site],
    );
    expect(days.map((d) => d.pageviews)).toEqual([2, 0, 0]);

    const clean = await cli('stats', 'check', '--site', site);
    expect(clean.code, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('0 differ, 0 without rollups.');
    expect(clean.stdout).toContain('Done: the rollups match the raw rows.');

    await client.query(`UPDATE stats_days SET pageviews = 3 WHERE site_id = $1 AND pageviews = 2`, [
      site,
    ]);
    const differs = await cli('stats', 'check', '--site', site);
    expect(differs.code).toBe(1);
    expect(differs.stdout).toMatch(/1 differ/);
    expect(differs.stderr).toContain('stats rebuild --site');

    const unknown = await cli('stats', 'rebuild', '--site', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No site has the id');
    const bad = await cli('stats', 'check', '--site', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--site takes a site id');
  });
});
