import type { DataSource } from 'typeorm';

interface TextColumn {
  table: string;
  column: string;
  bytea: boolean;
}

/** How a secret may have been written: as text, JSON-escaped, or as the bytes it encodes. */
function needles(secret: string): { text: string[]; hex: string[] } {
  const text = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
  const hex = new Set([Buffer.from(secret, 'utf8').toString('hex')]);
  // A random token (base64url) stored as its raw bytes instead of their hash.
  if (/^[A-Za-z0-9_-]{16,}$/.test(secret))
    hex.add(Buffer.from(secret, 'base64url').toString('hex'));
  return { text: [...text], hex: [...hex] };
}

function describeSecret(secret: string, index: number): string {
  return `secret #${index + 1} (${secret.slice(0, 4)}…, ${secret.length} characters)`;
}

/**
 * Every text-like column of every table of the public schema (text, varchar, char, json, jsonb,
 * arrays of them, bytea), searched for each secret: as text (cast to text, so jsonb and arrays are
 * searched as written), and for bytea as hex and in `escape` form, including the bytes a base64url
 * token stands for. Returns one finding per column and secret, `table.column contains secret #n
 * (abcd…)`; empty when nothing is found. For the "no password, token or key in any column" sweeps.
 */
export async function findSecrets(dataSource: DataSource, secrets: string[]): Promise<string[]> {
  const columns = (
    await dataSource.query<{ table_name: string; column_name: string; udt_name: string }[]>(
      `SELECT c.table_name, c.column_name, c.udt_name
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND c.udt_name IN ('text', 'varchar', 'bpchar', 'json', 'jsonb', 'bytea', 'citext',
                             '_text', '_varchar', '_bpchar', '_json', '_jsonb')
        ORDER BY c.table_name, c.ordinal_position`,
    )
  ).map((row): TextColumn => ({
    table: row.table_name,
    column: row.column_name,
    bytea: row.udt_name === 'bytea',
  }));
  const findings: string[] = [];
  const wanted = secrets.filter((secret) => secret.length > 0);
  for (const { table, column, bytea } of columns) {
    const name = `"${table.replaceAll('"', '""')}"."${column.replaceAll('"', '""')}"`;
    for (const [index, secret] of wanted.entries()) {
      const { text, hex } = needles(secret);
      const condition = bytea
        ? `EXISTS (SELECT FROM unnest($2::text[]) h WHERE strpos(encode(${name}, 'hex'), h) > 0)
           OR EXISTS (SELECT FROM unnest($1::text[]) s WHERE strpos(encode(${name}, 'escape'), s) > 0)`
        : `EXISTS (SELECT FROM unnest($1::text[]) s WHERE strpos(${name}::text, s) > 0)`;
      const [{ found }] = await dataSource.query<{ found: boolean }[]>(
        `SELECT EXISTS (SELECT FROM "${table.replaceAll('"', '""')}" WHERE ${condition}) AS found`,
        bytea ? [text, hex] : [text],
      );
      if (found) findings.push(`${table}.${column} contains ${describeSecret(secret, index)}`);
    }
  }
  return findings;
}
