import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/webhooks/index.ts';

type Answer = number | { status: number; body: string } | 'hang';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { id: string; type: string; aggregate_id: string; created_at: string; data: Record<string, unknown> };
  /** Whether the signature verified against the secret registered for the path. */
  verified: boolean;
  /** What the receiver answered (0: nothing). */
  status: number;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  received: ReceivedWebhook[];
  /** The signing secret for requests to `path` ('/' by default). */
  setSecret(secret: string, path?: string): void;
  /** Decides the answer to each request (default 200; 'hang': none); `n` counts requests to that path from 1. */
  respondWith(fn: (n: number, request: IncomingMessage) => Answer): void;
  /** Resolves once `predicate` holds for what was received. */
  waitFor(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs?: number, what?: string): Promise<void>;
  close(): Promise<void>;
}

/** A local HTTP server on 127.0.0.1 that records every webhook and checks its signature. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const secrets = new Map<string, string>();
  const counts = new Map<string, number>();
  const received: ReceivedWebhook[] = [];
  let respond: (n: number, request: IncomingMessage) => Answer = () => 200;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const raw = Buffer.concat(chunks);
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const answer = respond(n, req);
      const { status, body } = answer === 'hang' ? { status: 0, body: '' } : typeof answer === 'number' ? { status: answer, body: '' } : answer;
      const secret = secrets.get(path);
      received.push({
        path,
        headers: req.headers,
        raw,
        body: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['body'],
        verified: secret !== undefined && verifyWebhookSignature(secret, req.headers['kessai-signature'], raw),
        status,
      });
      if (answer !== 'hang') res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setSecret(secret, path = '/') {
      secrets.set(path, secret);
    },
    respondWith(fn) {
      respond = fn;
    },
    async waitFor(predicate, timeoutMs = 15_000, what = 'webhooks') {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) {
          throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(received.map((r) => [r.path, r.body.type, r.status]))}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
