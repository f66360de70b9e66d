/**
 * The console's only way to reach the Kessai API. Operators are authenticated by the HttpOnly
 * session cookie; mutating requests echo the session's CSRF token and carry an Idempotency-Key.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  field?: string;
  request_id?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly requestId: string | undefined;
  /** The whole error body, with the code's own details (e.g. `current_version` on a version conflict). */
  readonly details: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.field = body.field;
    this.requestId = body.request_id;
    this.details = body;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** Set after login and on session restore (`GET /v1/auth/me`); cleared on logout. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request answers 401: the session expired or was revoked. */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

/** A v4 UUID; `crypto.randomUUID` exists only in secure contexts, `getRandomValues` everywhere. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function' && window.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Required on mutating calls that change money or state; one fresh key per operator action. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Do not call the 401 handler (the session probe on page load handles 401 itself). */
  quiet401?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-kessai-csrf'] = csrfToken;
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? null : JSON.stringify(options.body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, { code: 'NETWORK_ERROR', message: 'The Kessai server could not be reached. Check the connection and retry.' });
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let payload: unknown = null;
  if (text) {
    try {
      payload = JSON.parse(text);
    } catch {
      payload = null;
    }
  }
  if (!response.ok) {
    const body = (payload as { error?: ApiErrorBody } | null)?.error ?? {
      code: `HTTP_${response.status}`,
      message: response.statusText || 'The server answered with an error',
    };
    if (response.status === 401 && !options.quiet401) onUnauthenticated?.();
    throw new ApiError(response.status, body);
  }
  return payload as T;
}

/** Builds `path?query` from the defined, non-empty values. */
export function withQuery(path: string, query: Record<string, string | number | boolean | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}
