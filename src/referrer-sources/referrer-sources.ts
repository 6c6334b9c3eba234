import { fileURLToPath } from 'node:url';
import { readShippedFile } from '../common/project-files.js';

/**
 * The data files, beside this module: in `src/` for the tests, and in `dist/`, where `npm run
 * build` copies them (tsc copies only code). `upstream.json` is generated from Ghost's list by
 * `npm run refresh:referrer-sources`; `additions.json` is ours, edited by hand (see SOURCE.md).
 */
export const UPSTREAM_FILE = fileURLToPath(new URL('./upstream.json', import.meta.url));
export const ADDITIONS_FILE = fileURLToPath(new URL('./additions.json', import.meta.url));

/**
 * One data file. `sources` maps a source name to its hosts: a host matches its subdomains too,
 * and `label.*` matches `label` under any top-level domain or country suffix (`google.*` is
 * `google.de`, `google.co.uk`, `google.com.au`). Android app ids (`com.google.android.gm`) are
 * listed like hosts. `aliases` maps a source name to other names a `utm_source` may give it;
 * `renames` folds an upstream name into ours ("Google News" → "Google").
 */
export interface ReferrerSourceData {
  about?: string;
  sources: Record<string, string[]>;
  aliases?: Record<string, string[]>;
  renames?: Record<string, string>;
}

export interface SourceQuery {
  /** The host of an http(s) referrer; null or empty when there is none. */
  referrerHost: string | null | undefined;
  /** The page's `utm_source`, as sent. */
  utmSource: string | null | undefined;
  /** The host of the page itself: a referrer from there is a move inside the site. */
  pageHost: string | null | undefined;
  /** The referrer as stored; read only for an app one (`android-app://com.reddit.frontpage`). */
  referrer?: string | null;
}

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
const HOST = new RegExp(`^(?:${LABEL}\\.)+${LABEL}$`);
const WILDCARD_SUFFIX = '.*';
const WILDCARD = new RegExp(`^${LABEL}\\.\\*$`);
const ANDROID_APP = 'android-app://';

/** Whether `name` is a lower-case host name of two labels or more (as an Android app id is). */
export function isHostName(name: string): boolean {
  return name.length <= 253 && HOST.test(name);
}

/**
 * Whether `suffix` (without its leading dot) is what follows a brand under `label.*`: a single
 * top-level domain (`de`, `com`, `cat`) or a country's second level (`co.uk`, `com.au`, `it.ao`).
 */
export function isCountrySuffix(suffix: string): boolean {
  return isCountrySuffixAt(suffix, 0);
}

/** `isCountrySuffix(host.slice(from))`, without the copy: it runs for every host looked up. */
function isCountrySuffixAt(host: string, from: number): boolean {
  const dot = host.indexOf('.', from);
  if (dot === -1) return host.length - from >= 2;
  return dot - from <= 3 && host.length - dot - 1 === 2 && host.indexOf('.', dot + 1) === -1;
}

/**
 * Host names and `label.*` patterns, each naming a source. A lookup costs one `Map` probe per
 * label of the host, plus two for the patterns: no scan of the list.
 */
export class HostTable {
  constructor(
    /** Exact hosts (matching their subdomains). */
    readonly hosts: Map<string, string>,
    /** `label.*` patterns, keyed by `label`. */
    readonly brands: Map<string, string>,
  ) {}

  /**
   * The source of `host` (lower-case, no trailing dot): the most specific match wins, the host
   * itself before its parents; at each level an exact host before a `label.*` pattern. Never a
   * top-level domain alone.
   */
  find(host: string): string | undefined {
    let start = 0;
    for (;;) {
      const dot = host.indexOf('.', start);
      if (dot === -1) return undefined;
      const found = this.hosts.get(start === 0 ? host : host.slice(start));
      if (found !== undefined) return found;
      if (this.brands.size > 0 && isCountrySuffixAt(host, dot + 1)) {
        const brand = this.brands.get(host.slice(start, dot));
        if (brand !== undefined) return brand;
      }
      start = dot + 1;
    }
  }
}

/**
 * Turns the data files into a lookup table; later files win over earlier ones for a host or an
 * alias. Throws naming the first bad entry.
 */
export function buildTables(files: ReferrerSourceData[]): {
  table: HostTable;
  aliases: Map<string, string>;
  names: string[];
} {
  const renames = new Map<string, string>();
  for (const file of files) {
    for (const [from, to] of Object.entries(file.renames ?? {})) renames.set(from, to);
  }
  const canonical = (name: string) => renames.get(name) ?? name;
  const hosts = new Map<string, string>();
  const brands = new Map<string, string>();
  const aliases = new Map<string, string>();
  const names = new Set<string>();

  for (const file of files) {
    for (const [rawName, entries] of Object.entries(file.sources)) {
      const name = canonical(rawName);
      if (name.trim() === '' || name.length > 256 || !Array.isArray(entries)) {
        throw new Error(
          `The referrer source ${JSON.stringify(rawName)} has no name or no host list.`,
        );
      }
      names.add(name);
      for (const entry of entries) {
        if (typeof entry === 'string' && WILDCARD.test(entry)) {
          brands.set(entry.slice(0, -WILDCARD_SUFFIX.length), name);
        } else if (typeof entry === 'string' && isHostName(entry)) {
          hosts.set(entry, name);
        } else {
          throw new Error(
            `The referrer source ${JSON.stringify(name)} lists ${JSON.stringify(entry)}, which is neither a lower-case host name nor a "label.*" pattern.`,
          );
        }
      }
    }
  }
  for (const name of names) aliases.set(name.toLowerCase(), name);
  for (const file of files) {
    for (const [rawName, list] of Object.entries(file.aliases ?? {})) {
      const name = canonical(rawName);
      if (!names.has(name)) {
        throw new Error(`The aliases of ${JSON.stringify(rawName)} name no listed source.`);
      }
      for (const alias of list) aliases.set(alias.trim().toLowerCase(), name);
    }
  }
  return {
    table: new HostTable(hosts, brands),
    aliases,
    names: [...names].sort((a, b) => a.localeCompare(b, 'en')),
  };
}

/**
 * Names where a visit came from ("Google", "Hacker News", a campaign's `utm_source`, or the
 * referrer's host), from the data files read once at start. See `sourceOf`.
 */
export class ReferrerSources {
  private readonly table: HostTable;
  private readonly aliases: ReadonlyMap<string, string>;
  /** Every canonical source name of the data, sorted: for a filter's suggestions. */
  readonly names: readonly string[];

  constructor(files: ReferrerSourceData[]) {
    const built = buildTables(files);
    this.table = built.table;
    this.aliases = built.aliases;
    this.names = Object.freeze(built.names);
  }

  /** Reads and checks the shipped files; a missing or malformed one stops the start. */
  static fromFiles(paths = [UPSTREAM_FILE, ADDITIONS_FILE]): ReferrerSources {
    const files = paths.map((path) => {
      const text = readShippedFile(path, 'referrer source list');
      try {
        return JSON.parse(text) as ReferrerSourceData;
      } catch (error) {
        throw new Error(
          `${path} is not valid JSON (${(error as Error).message}). Restore it from git or with \`npm run refresh:referrer-sources\`.`,
          { cause: error },
        );
      }
    });
    try {
      return new ReferrerSources(files);
    } catch (error) {
      throw new Error(`${(error as Error).message} Fix ${paths.join(' or ')}.`, { cause: error });
    }
  }

  /**
   * The source of a visit, or null for none ("Direct / None" in the stats):
   * 1. a non-empty `utm_source` wins, trimmed; a known name, alias or host of a source gives its
   *    canonical name (`fb`, `facebook.com` → "Facebook"), anything else is kept as sent;
   * 2. a referrer from the page's own host (with or without `www.`) is no source;
   * 3. a referrer host, or a parent domain of it, on the list gives its source;
   * 4. any other referrer host is its own source, without a leading `www.`;
   * 5. an Android app referrer gives its app's source, or its app id.
   */
  sourceOf(query: SourceQuery): string | null {
    const utm = query.utmSource?.trim();
    if (utm) return this.canonicalName(utm);

    const host = normalizeHost(query.referrerHost);
    if (host === null) return this.appSource(query.referrer);
    const bare = withoutWww(host);
    const page = normalizeHost(query.pageHost);
    if (page !== null && (host === page || bare === withoutWww(page))) return null;
    return this.table.find(host) ?? bare;
  }

  private canonicalName(utm: string): string {
    const lower = utm.toLowerCase();
    const alias = this.aliases.get(lower);
    if (alias !== undefined) return alias;
    // `utm_source=news.ycombinator.com`: a host names its source as a referrer would.
    if (lower.includes('.') && !lower.includes(' ')) {
      const found = this.table.find(lower.endsWith('.') ? lower.slice(0, -1) : lower);
      if (found !== undefined) return found;
    }
    return utm;
  }

  private appSource(referrer: string | null | undefined): string | null {
    if (!referrer || referrer.length <= ANDROID_APP.length) return null;
    if (referrer.slice(0, ANDROID_APP.length).toLowerCase() !== ANDROID_APP) return null;
    const end = referrer.indexOf('/', ANDROID_APP.length);
    const app = referrer.slice(ANDROID_APP.length, end === -1 ? undefined : end).toLowerCase();
    const known = this.table.hosts.get(app);
    if (known !== undefined) return known;
    // Not an app id (the rest of an over-long or odd referrer): nothing to name.
    return isHostName(app) ? app : null;
  }
}

function normalizeHost(host: string | null | undefined): string | null {
  if (!host) return null;
  const lower = host.toLowerCase();
  const name = lower.endsWith('.') ? lower.slice(0, -1) : lower;
  return name === '' ? null : name;
}

function withoutWww(host: string): string {
  return host.startsWith('www.') && host.length > 4 ? host.slice(4) : host;
}
