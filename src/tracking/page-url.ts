import { cleanText } from '../common/clean-text.js';

export interface PageUrlParts {
  /** The URL as stored: no user name or password, host lower-case, no default port. */
  url: string;
  hostname: string;
  /** Percent-decoded where that cannot change which page it names (see `decodePath`). */
  path: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

export interface ReferrerParts {
  /** Scheme, host and path: no credentials, query string or fragment. Null when not a URL. */
  referrer: string | null;
  /** The host of an http(s) referrer, lower-case; null for any other referrer. */
  referrerHost: string | null;
}

/** The longest URL, referrer and path stored (their columns' size). */
export const MAX_URL = 2048;
const MAX_UTM = 256;

function utm(params: URLSearchParams, name: string): string | null {
  // URLSearchParams percent-decodes (and turns invalid UTF-8 into U+FFFD); clean what it yields.
  const value = params.get(name);
  if (value === null) return null;
  // Cut first, then clean: a cut through an emoji leaves a half that cleanText replaces.
  const cleaned = cleanText(value.slice(0, MAX_UTM)).trim();
  return cleaned === '' ? null : cleaned;
}

/** `text` as a URL, or null when it is not one (one parse, where `canParse` + `new URL` make two). */
export function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

function isWebUrl(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'http:';
}

/** A host name as reports group it: lower-case (the URL parser does that) without a final dot. */
function hostnameOf(url: URL): string {
  return url.hostname.endsWith('.') ? url.hostname.slice(0, -1) : url.hostname;
}

/**
 * Splits an absolute http(s) page URL (already validated) into what reports group by. The URL
 * itself is kept with its query string and fragment (hash-routed apps name pages there) but never
 * with the user name and password a URL may carry.
 */
export function describePageUrl(url: string): PageUrlParts {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.href,
    hostname: hostnameOf(parsed),
    path: truncateUrlText(cleanText(decodePath(parsed.pathname))) || '/',
    utmSource: utm(parsed.searchParams, 'utm_source'),
    utmMedium: utm(parsed.searchParams, 'utm_medium'),
    utmCampaign: utm(parsed.searchParams, 'utm_campaign'),
    utmTerm: utm(parsed.searchParams, 'utm_term'),
    utmContent: utm(parsed.searchParams, 'utm_content'),
  };
}

/**
 * What is kept of a referrer: scheme, host and path, without credentials, query string or
 * fragment (search terms, e-mail addresses and tokens live there). Only an http(s) referrer has a
 * referrer host; an app referrer (`android-app://com.google.android.gm`) keeps its text, and a
 * referrer that is not a URL with a host is dropped.
 */
export function describeReferrer(referrer: string | null | undefined): ReferrerParts {
  const parsed = referrer ? parseUrl(referrer) : null;
  // Without a host (`mailto:…`, `about:blank`, `data:…`) nothing says where the visitor came from.
  if (!parsed || parsed.host === '') return { referrer: null, referrerHost: null };
  const web = isWebUrl(parsed);
  // `host` keeps a port that is not the scheme's default; `origin` is "null" for other schemes.
  const kept = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const hostname = hostnameOf(parsed);
  return {
    referrer: truncateUrlText(kept),
    referrerHost: web && hostname !== '' && hostname.length <= 253 ? hostname : null,
  };
}

/** The host of an http(s) referrer, lower-case, or null (see `describeReferrer`). */
export function referrerHost(referrer: string | null | undefined): string | null {
  return describeReferrer(referrer).referrerHost;
}

/** Cuts a path or URL to `MAX_URL` characters, never through a percent-escape or a character. */
function truncateUrlText(text: string): string {
  if (text.length <= MAX_URL) return text;
  let cut = text.slice(0, MAX_URL);
  const escape = cut.lastIndexOf('%');
  if (escape >= MAX_URL - 2) cut = cut.slice(0, escape);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * ASCII bytes whose escape stays as it is. Reserved characters (RFC 3986 gen- and sub-delims) and
 * `%` itself: `/a%2Fb` is not the page `/a/b`, and `%2541` must not turn into `%41`. Control
 * characters: PostgreSQL cannot hold NUL, and none of them can be shown.
 */
const KEEP_ENCODED = new Uint8Array(128);
for (const char of ":/?#[]@!$&'()*+,;=%") KEEP_ENCODED[char.charCodeAt(0)] = 1;
for (let byte = 0; byte < 0x20; byte += 1) KEEP_ENCODED[byte] = 1;
KEEP_ENCODED[0x7f] = 1;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

/** The length of the UTF-8 sequence that `lead` starts, or 0 when no sequence starts with it. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Percent-decodes a URL path for reading without changing which page it names: UTF-8 text and
 * characters that need no escape are decoded; reserved characters, `%`, control characters
 * (NUL included) and bytes that are not valid UTF-8 stay percent-encoded, each on its own, so
 * one bad byte does not keep the rest of the path encoded.
 */
export function decodePath(path: string): string {
  if (!path.includes('%')) return path;
  return path.replace(ESCAPES, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i += 1) {
      bytes[i] = Number.parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    }
    let decoded = '';
    for (let i = 0; i < bytes.length;) {
      const length = sequenceLength(bytes[i]);
      if (length === 1 && !KEEP_ENCODED[bytes[i]]) {
        decoded += String.fromCharCode(bytes[i]);
        i += 1;
        continue;
      }
      if (length > 1 && i + length <= bytes.length) {
        try {
          decoded += utf8.decode(bytes.subarray(i, i + length));
          i += length;
          continue;
        } catch {
          // Not a valid sequence (overlong, a surrogate, a bad continuation byte): keep it encoded.
        }
      }
      decoded += run.slice(i * 3, i * 3 + 3);
      i += 1;
    }
    return decoded;
  });
}
