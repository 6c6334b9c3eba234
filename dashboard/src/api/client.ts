import createClient from 'openapi-fetch';
import type { components, paths } from './schema';

/** The API's types, generated from its OpenAPI document (`npm run api:types`). */
export type Schemas = components['schemas'];
export type Site = Schemas['SiteDto'];
export type SessionDocument = Schemas['SessionDocumentDto'];
export type Metrics = Schemas['MetricsDto'];
export type BreakdownRow = Schemas['BreakdownRowDto'];
export type Role = Schemas['SessionMembershipDto']['role'];

/** Every call goes to this server, with the session cookie; the API's paths are in `paths`. */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

/**
 * The shared link the page was opened with (`/share/<token>`): sent with the calls about its site
 * (its stats), and only those; the session probe and the rest go without it.
 */
let share: { token: string; access: string | null; siteId: string } | null = null;

export function setSharedLink(
  link: { token: string; access: string | null; siteId: string } | null,
): void {
  share = link;
}

/** Whether the page reads its stats through a shared link (no cookie: downloads by URL cannot). */
export function readingThroughSharedLink(): boolean {
  return share !== null;
}

api.use({
  onRequest({ request }) {
    if (share && new URL(request.url).pathname.startsWith(`/api/sites/${share.siteId}/`)) {
      request.headers.set('X-Trackveil-Share', share.token);
      if (share.access) request.headers.set('X-Trackveil-Share-Access', share.access);
    }
    return request;
  },
});

/** An error answer of the API: its status and the reason it gives (`{ message }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function messageOf(error: unknown, status: number): string {
  if (error !== null && typeof error === 'object' && 'message' in error) {
    const { message } = error;
    if (Array.isArray(message)) return message.join(' ');
    if (typeof message === 'string') return message;
  }
  return status >= 500
    ? 'The server could not answer. Try again in a moment.'
    : `The request failed (${status}).`;
}

/**
 * The data of an openapi-fetch result, or an `ApiError` thrown with the API's reason. A network
 * failure (fetch rejects) reaches the caller as it is.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new ApiError(
    response.status,
    messageOf(error, response.status),
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
  );
}

/** A readable sentence for any error a query or mutation ends with. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Check your connection.';
  return error instanceof Error ? error.message : String(error);
}
