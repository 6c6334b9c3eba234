import { DENSE_KIND, PRECISION, SPARSE_KIND, SPARSE_MAX_ENTRIES } from './hyperloglog.js';

/**
 * The 64-bit hash of a visitor id in SQL: PostgreSQL's built-in `hashtextextended` (PostgreSQL
 * 11+, no extension), the same on every server, so sketches built on different days merge.
 */
export function visitorHashSql(visitorId: string): string {
  return `hashtextextended((${visitorId})::text, 0)`;
}

export interface SketchQueryOptions {
  /** A relation (table name or parenthesised `SELECT`) with the visitor ids and the group keys. */
  source: string;
  /** Group key columns of `source`, e.g. `['site_id', 'day']`; each output row has them. */
  groupBy: readonly string[];
  /** The visitor id expression over `source`; `visitor_id` by default. */
  visitorId?: string;
}

/**
 * A `SELECT <group keys>, sketch` returning one serialized HyperLogLog sketch (`bytea`, the
 * format of `hyperloglog.ts`) per group, built with plain aggregates and window functions:
 * for `INSERT INTO rollup (site_id, day, visitors) ${sketchesSql(...)}`. Groups with at most
 * 3072 distinct sparse registers come out sparse, the others dense. Parameters (`$1`) inside
 * `source` are kept. It aggregates about one row per visitor twice: a large backfill wants
 * `SET LOCAL work_mem` of some tens of MB to keep those in memory.
 */
export function sketchesSql({
  source,
  groupBy,
  visitorId = 'visitor_id',
}: SketchQueryOptions): string {
  if (groupBy.length === 0) throw new Error('sketchesSql needs at least one group key column.');
  const keys = groupBy.map(quoteIdentifier).join(', ');
  const next = groupBy.length + 1; // the position of the first column after the keys
  const header = (kind: number): string => `'\\x${hexByte(kind)}${hexByte(PRECISION)}'::bytea`;
  // index25 = hash bits 0..24, rank25 = leading zeros of bits 25..63, plus one (bit 1 is the MSB).
  // Dense: register = index25 >> 11; its rank is read from index25's last 11 bits when one is
  // set, else 11 + rank25: the same register and rank as from the hash's first 14 bits.
  return `WITH hll_hashed AS (
  SELECT ${keys}, ${visitorHashSql(visitorId)} AS h FROM ${source} AS hll_source
  WHERE (${visitorId}) IS NOT NULL
), hll_fine AS (
  SELECT ${keys}, ((h >> 39) & 33554431)::int AS idx,
    max(coalesce(nullif(position(B'1' IN substring(h::bit(64) FROM 26)), 0), 40)) AS rank
  FROM hll_hashed GROUP BY ${keys}, ${next}
), hll_counted AS (
  SELECT ${keys}, idx, rank, count(*) OVER (PARTITION BY ${keys}) AS entries FROM hll_fine
), hll_coarse AS (
  SELECT ${keys}, idx >> 11 AS idx,
    max(CASE WHEN idx & 2047 <> 0 THEN position(B'1' IN substring(idx::bit(25) FROM 15))
      ELSE 11 + rank END) AS rank
  FROM hll_counted WHERE entries > ${SPARSE_MAX_ENTRIES} GROUP BY ${keys}, ${next}
), hll_words AS (
  SELECT ${keys}, idx >> 2 AS word, sum(rank << (6 * (3 - (idx & 3))))::int AS bits
  FROM hll_coarse GROUP BY ${keys}, ${next}
), hll_gaps AS (
  SELECT ${keys}, word, bits,
    (word - coalesce(lag(word) OVER (PARTITION BY ${keys} ORDER BY word), -1) - 1)::int AS gap
  FROM hll_words
)
SELECT ${keys}, ${header(SPARSE_KIND)} || string_agg(int4send(idx << 6 | rank), ''::bytea ORDER BY idx) AS sketch
FROM hll_counted WHERE entries <= ${SPARSE_MAX_ENTRIES} GROUP BY ${keys}
UNION ALL
SELECT ${keys}, ${header(DENSE_KIND)}
  || string_agg(decode(repeat('000000', gap), 'hex') || substring(int4send(bits) FROM 2), ''::bytea ORDER BY word)
  || decode(repeat('000000', ${(1 << PRECISION) / 4 - 1} - max(word)), 'hex') AS sketch
FROM hll_gaps GROUP BY ${keys}`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function hexByte(value: number): string {
  return value.toString(16).padStart(2, '0');
}
