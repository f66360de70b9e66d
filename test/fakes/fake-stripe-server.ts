import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFakeStripeApi } from './fake-stripe-api.ts';
import { ApiError, canonical, invalid, parseForm, type Params } from './fake-stripe-params.ts';

/**
 * A local stand-in for api.stripe.com, for driving the real `stripe` SDK in tests: the subset
 * of the v1 API our adapter uses, with Stripe's documented rules for auth, form bodies, errors
 * and idempotency, plus fault injection for the failures a payments system must survive.
 */

export type FaultKind = 'timeout' | '500' | 'drop';

export interface FakeStripeRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
  /** Decoded body (POST) or query (GET). */
  params: Params;
  status?: number;
  replayed: boolean;
}

export interface FakeStripe {
  url: string;
  /** A key the fake accepts. */
  apiKey: string;
  close(): Promise<void>;
  /** A body and `Stripe-Signature` header signed like Stripe does (`t=…,v1=HMAC(t.body)`). */
  signWebhook(payload: object, secret: string, timestamp?: number): { body: string; header: string };
  /** A Stripe event envelope around the current state of a stored object. */
  event(type: string, objectId: string): Record<string, unknown>;
  /**
   * The next `count` requests fail. `timeout`: applied, then never answered (the response is
   * lost; the change stands). `500`: answered 500 before anything is applied or stored for the
   * idempotency key. `drop`: applied, then the socket is destroyed.
   */
  failNext(kind: FaultKind, count?: number): void;
  requests: FakeStripeRequest[];
  get(id: string): Record<string, unknown> | undefined;
  paymentIntents(): Array<Record<string, unknown>>;
}

export interface FakeStripeOptions {
  /** Only this key is accepted; by default any `sk_test_…` key is. */
  apiKey?: string;
  /** Stripe's search index trails writes (up to a minute); simulate that lag. */
  searchLagMs?: number;
}

interface Stored {
  fingerprint: string;
  status: number;
  body: string;
}

const API_VERSION = '2026-10-28.endive';

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': `req_${randomBytes(8).toString('hex')}`,
    'stripe-version': API_VERSION,
    ...headers,
  });
  res.end(body);
}

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const api = createFakeStripeApi(options);
  const faults: FaultKind[] = [];
  const idempotent = new Map<string, Stored>();
  const requests: FakeStripeRequest[] = [];

  function authenticate(req: IncomingMessage): string {
    const match = /^Bearer (\S+)$/.exec(headerOf(req, 'authorization') ?? '');
    if (!match) {
      throw new ApiError(401, { type: 'invalid_request_error', message: 'You did not provide an API key. Provide it in the Authorization header, using Bearer auth.' }, false);
    }
    const key = match[1]!;
    if (options.apiKey ? key !== options.apiKey : !/^(sk|rk)_test_\w+$/.test(key)) {
      throw new ApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(8)}` }, false);
    }
    return key;
  }

  function run(method: string, path: string, params: Params): Stored & { stored: boolean } {
    try {
      const { status, body } = api.handle(method, path, params);
      return { fingerprint: '', status, body: JSON.stringify(body), stored: true };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return { fingerprint: '', status: err.status, body: JSON.stringify(err.body), stored: err.stored };
    }
  }

  /** Stripe's idempotency: POSTs only, keys scoped by account, results stored once the endpoint ran. */
  function execute(apiKey: string, method: string, path: string, params: Params, key: string | undefined): Stored & { replayed: boolean } {
    if (method !== 'POST' || key === undefined) return { ...run(method, path, params), replayed: false };
    if (key.length > 255) throw invalid('Idempotency keys must be at most 255 characters long.', undefined, undefined, false);
    const scope = `${apiKey}\u0000${key}`;
    const fingerprint = `${method} ${path} ${canonical(params)}`;
    const previous = idempotent.get(scope);
    if (previous) {
      if (previous.fingerprint !== fingerprint) {
        throw new ApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        }, false);
      }
      return { ...previous, replayed: true };
    }
    const result = run(method, path, params);
    if (result.stored) idempotent.set(scope, { fingerprint, status: result.status, body: result.body });
    return { ...result, replayed: false };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake-stripe');
    const raw = await readBody(req);
    const key = headerOf(req, 'idempotency-key');
    const entry: FakeStripeRequest = { method, path: url.pathname, ...(key !== undefined ? { idempotencyKey: key } : {}), params: {}, replayed: false };
    requests.push(entry);
    const fault = faults.shift();
    if (fault === '500') {
      entry.status = 500;
      send(res, 500, JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred while processing your request.' } }), {});
      return;
    }
    let result: Stored & { replayed: boolean };
    try {
      const apiKey = authenticate(req);
      entry.params = parseForm(method === 'POST' ? raw : url.search.slice(1));
      result = execute(apiKey, method, url.pathname, entry.params, key);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      result = { fingerprint: '', status: err.status, body: JSON.stringify(err.body), replayed: false };
    }
    Object.assign(entry, { status: result.status, replayed: result.replayed });
    if (fault === 'timeout') return; // applied and stored; the answer never leaves
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    send(res, result.status, result.body, {
      ...(key !== undefined && method === 'POST' ? { 'idempotency-key': key } : {}),
      ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, JSON.stringify({ error: { type: 'api_error', message: `fake Stripe bug: ${String(err)}` } }), {});
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: options.apiKey ?? 'sk_test_kessai_fake',
    requests,
    failNext(kind, count = 1) {
      for (let i = 0; i < count; i++) faults.push(kind);
    },
    signWebhook(payload, secret, timestamp = Math.floor(Date.now() / 1000)) {
      const body = JSON.stringify(payload);
      const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
      return { body, header: `t=${timestamp},v1=${signature}` };
    },
    event(type, objectId) {
      const object = api.get(objectId);
      if (!object) throw new Error(`fake Stripe has no object ${objectId}`);
      return {
        id: `evt_${randomBytes(12).toString('base64url')}`, object: 'event', api_version: API_VERSION, created: Math.floor(Date.now() / 1000),
        data: { object }, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, type,
      };
    },
    get: (id) => api.get(id),
    paymentIntents: () => api.paymentIntents(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Held ("timeout") responses and idle keep-alive sockets would keep close() waiting.
        server.closeAllConnections();
      }),
  };
}
