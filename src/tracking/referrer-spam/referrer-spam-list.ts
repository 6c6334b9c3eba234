import { domainToASCII, fileURLToPath } from 'node:url';
import { referrerHost } from '../page-url.js';
import { readShippedFile } from '../../common/project-files.js';

/**
 * The list, beside this module: in `src/` for the tests, and in `dist/`, where `npm run build`
 * copies it (tsc copies only code).
 */
export const REFERRER_SPAM_FILE = fileURLToPath(new URL('./spammers.txt', import.meta.url));

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
/** At least two labels: a whole top-level domain on the list would be a mistake, not a spammer. */
const DOMAIN = new RegExp(`^(?:${LABEL}\\.)+${LABEL}$`);

/**
 * The domains of a list in the upstream format: one a line, blank lines allowed. Returns them
 * lower-cased and in ASCII (punycode), as URL host names are; throws naming the first bad line.
 */
export function parseSpamDomains(text: string): string[] {
  const domains: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const domain = domainToASCII(line);
    if (domain.length > 253 || !DOMAIN.test(domain)) {
      throw new Error(
        `Line ${index + 1} of the referrer spam list is not a domain name: ${JSON.stringify(line.slice(0, 100))}.`,
      );
    }
    domains.push(domain);
  });
  return domains;
}

/** The referrer spam domains, held in a Set: a lookup is one probe per label of the host. */
export class ReferrerSpamList {
  private readonly domains: ReadonlySet<string>;

  constructor(domains: Iterable<string>) {
    this.domains = new Set(domains);
  }

  /** Reads and checks the list; a missing or malformed file stops the start with the reason. */
  static fromFile(path = REFERRER_SPAM_FILE): ReferrerSpamList {
    const text = readShippedFile(path, 'referrer spam list');
    try {
      return new ReferrerSpamList(parseSpamDomains(text));
    } catch (error) {
      throw new Error(
        `${(error as Error).message} Fix ${path} or restore it with \`npm run refresh:referrer-spam\`.`,
        { cause: error },
      );
    }
  }

  get size(): number {
    return this.domains.size;
  }

  /** Whether `referrer` is an http(s) URL whose host, or a parent domain of it, is listed. */
  isSpamReferrer(referrer: string | null | undefined): boolean {
    return this.hasHost(referrerHost(referrer));
  }

  /**
   * Whether `host` or one of its parent domains is listed: `a.b.spam.com` probes `a.b.spam.com`,
   * `b.spam.com` and `spam.com` (never the top-level domain alone). A trailing dot is ignored.
   * No host (a referrer that is not http(s)) is never listed.
   */
  hasHost(host: string | null): boolean {
    if (!host) return false;
    const name = (host.endsWith('.') ? host.slice(0, -1) : host).toLowerCase();
    let start = 0;
    for (;;) {
      const dot = name.indexOf('.', start);
      if (dot === -1) return false;
      if (this.domains.has(start === 0 ? name : name.slice(start))) return true;
      start = dot + 1;
    }
  }
}
