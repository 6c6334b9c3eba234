import { cleanText, safeDecodeURIComponent } from '../common/clean-text.js';

export interface PageUrlParts {
  hostname: string;
  /** Percent-decoded where that gives valid text, cleaned for PostgreSQL. */
  path: string;
  utmSource: string | null;
  utmMedium: string | null;
  utmCampaign: string | null;
  utmTerm: string | null;
  utmContent: string | null;
}

const MAX_PATH = 2048;
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

/** Splits an absolute http(s) page URL (already validated) into what reports group by. */
export function describePageUrl(url: string): PageUrlParts {
  const parsed = new URL(url);
  const path = cleanText(safeDecodeURIComponent(parsed.pathname).slice(0, MAX_PATH)) || '/';
  return {
    hostname: parsed.hostname,
    path,
    utmSource: utm(parsed.searchParams, 'utm_source'),
    utmMedium: utm(parsed.searchParams, 'utm_medium'),
    utmCampaign: utm(parsed.searchParams, 'utm_campaign'),
    utmTerm: utm(parsed.searchParams, 'utm_term'),
    utmContent: utm(parsed.searchParams, 'utm_content'),
  };
}

/**
 * The host of a referrer URL, lower-cased, or null when it has none (empty, not a URL,
 * `android-app://` alone). App referrers keep their package: `android-app://com.google.android.gm`.
 */
export function referrerHost(referrer: string | null | undefined): string | null {
  const hostname = referrer ? parseUrl(referrer)?.hostname : undefined;
  return hostname && hostname.length <= 253 ? hostname.toLowerCase() : null;
}
