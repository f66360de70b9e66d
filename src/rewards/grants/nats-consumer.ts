import { setTimeout as sleep } from 'node:timers/promises';
import { KessaiError } from '../../errors/index.ts';
import type { RewardsContext } from '../context.ts';
import { parseInboundEvent } from './inbound.ts';
import { ingestEvent } from './ingest.ts';
import { NatsConnection, type NatsMessage } from './nats-client.ts';

export interface NatsSettings {
  url: string;
  /** The JetStream stream; created (file storage, limits retention) on `subject` if missing. */
  stream: string;
  subject: string;
  /** The durable pull consumer's name: its position survives restarts and is shared by every process. */
  durable: string;
  batch?: number;
  expiresMs?: number;
}

const json = (m: NatsMessage) => JSON.parse(m.data.toString('utf8') || '{}') as { error?: { code: number; err_code?: number; description: string } };

async function api(conn: NatsConnection, subject: string, body: unknown) {
  const m = await conn.request(subject, body === undefined ? '' : JSON.stringify(body));
  if (m.status === 503) throw new Error('NATS: JetStream is not enabled on this server');
  return json(m);
}

/** The stream (if missing) and the durable consumer: explicit acks, from the stream's start. */
export async function ensureNatsConsumer(conn: NatsConnection, s: NatsSettings): Promise<void> {
  const info = await api(conn, `$JS.API.STREAM.INFO.${s.stream}`, undefined);
  if (info.error) {
    if (info.error.code !== 404) throw new Error(`NATS: stream ${s.stream}: ${info.error.description}`);
    const created = await api(conn, `$JS.API.STREAM.CREATE.${s.stream}`, { name: s.stream, subjects: [s.subject], retention: 'limits', storage: 'file' });
    if (created.error && created.error.err_code !== 10058) throw new Error(`NATS: creating stream ${s.stream}: ${created.error.description}`);
  }
  const consumer = await api(conn, `$JS.API.CONSUMER.DURABLE.CREATE.${s.stream}.${s.durable}`, {
    stream_name: s.stream,
    config: { durable_name: s.durable, ack_policy: 'explicit', deliver_policy: 'all', ack_wait: 30_000_000_000, max_ack_pending: 1000, filter_subject: s.subject },
  });
  if (consumer.error) throw new Error(`NATS: consumer ${s.durable}: ${consumer.error.description}`);
}

/**
 * Handles one message and acknowledges it: `+ACK` once applied (a redelivery after a lost ack
 * is harmless: grants and reversals happen once); `+TERM` for an event that can never be
 * applied (not JSON, not a valid event) so it is not redelivered forever; `-NAK` for anything
 * else (the database unreachable…), so JetStream delivers it again.
 */
async function handle(ctx: RewardsContext, conn: NatsConnection, m: NatsMessage): Promise<void> {
  let verdict = '+ACK';
  try {
    const event = parseInboundEvent(JSON.parse(m.data.toString('utf8')), 'nats');
    await ingestEvent(ctx, event);
  } catch (err) {
    const permanent = err instanceof SyntaxError || (err instanceof KessaiError && (err.code === 'KS_ERR_VALIDATION' || err.code === 'KS_ERR_CURRENCY_MISMATCH' || err.code === 'KS_ERR_CURRENCY_UNSUPPORTED'));
    verdict = permanent ? '+TERM' : '-NAK';
    ctx.logger.warn({ err, subject: m.subject, verdict }, 'rewards: a NATS event was not applied');
  }
  if (m.replyTo && !conn.closed) conn.publish(m.replyTo, verdict);
}

/** One pull: up to `batch` messages or until the request expires; each handled as it arrives, in order. */
async function pull(ctx: RewardsContext, conn: NatsConnection, s: NatsSettings): Promise<void> {
  const batch = s.batch ?? 100;
  const expiresMs = s.expiresMs ?? 2000;
  let chain: Promise<void> = Promise.resolve();
  await new Promise<void>((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      clearInterval(watch);
      inbox.release();
      resolve();
    };
    const timer = setTimeout(finish, expiresMs + 1000);
    const watch = setInterval(() => conn.closed && finish(), 200);
    const inbox = conn.inbox((m) => {
      if (m.status !== null) {
        if (m.status !== 100) finish(); // 404 no messages, 408 expired, 409 consumer changed
        return;
      }
      chain = chain.then(() => handle(ctx, conn, m));
      if (++received >= batch) finish();
    });
    conn.publish(`$JS.API.CONSUMER.MSG.NEXT.${s.stream}.${s.durable}`, JSON.stringify({ batch, expires: expiresMs * 1_000_000 }), inbox.subject);
  });
  await chain;
}

/**
 * The NATS JetStream source: a durable pull consumer on `subject`, the same events and the same
 * `ingestEvent` as `POST /v1/events`. Reconnects after 0.5 s, doubling to 10 s, and carries on
 * from the consumer's position (unacknowledged messages are redelivered).
 */
export async function startNatsConsumer(ctx: RewardsContext, s: NatsSettings): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let conn: NatsConnection | null = null;
  const loop = (async () => {
    let backoff = 500;
    while (!stopped) {
      try {
        conn = await NatsConnection.open(s.url);
        await ensureNatsConsumer(conn, s);
        backoff = 500;
        while (!stopped && !conn.closed) await pull(ctx, conn, s);
      } catch (err) {
        if (!stopped) ctx.logger.warn({ err }, 'rewards: NATS consumer interrupted; reconnecting');
      }
      conn?.close();
      if (stopped) break;
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 10_000);
    }
  })();
  return {
    async stop() {
      stopped = true;
      conn?.close();
      await loop;
    },
  };
}
