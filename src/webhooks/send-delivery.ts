import { sql } from 'kysely';
import { fetch, type Response } from 'undici';
import { blockedHost } from './address-policy.ts';
import { VERSION } from '../version.ts';
import { releaseDeliveries, type ClaimedDelivery } from './claim-deliveries.ts';
import type { WebhooksContext } from './context.ts';
import { retryDelayMs } from './retry-policy.ts';
import { signWebhookPayload } from './signature.ts';

/**
 * - succeeded / retrying / failed: the attempt was made and recorded;
 * - released: cut short by shutdown, handed back unsent (or with its answer unknown) and not counted;
 * - superseded: our lease had ended or the delivery was changed meanwhile (retried by hand,
 *   endpoint removed); nothing was recorded.
 */
export type SendOutcome = 'succeeded' | 'retrying' | 'failed' | 'released' | 'superseded';

const USER_AGENT = `Kessai-Webhooks/${VERSION}`;
const MAX_ERROR_BODY = 500;

/** The JSON body: the event as it is in the outbox, with the id of what it is about (e.g. the payment). */
export function webhookBody(event: ClaimedDelivery['event']): string {
  return JSON.stringify({ id: event.id, type: event.type, aggregate_id: event.aggregateId, created_at: event.createdAt.toISOString(), data: event.data });
}

/** One attempt: POST the event, signed, and record what happened (2xx = delivered). */
export async function sendDelivery(ctx: WebhooksContext, delivery: ClaimedDelivery, shutdown?: AbortSignal): Promise<SendOutcome> {
  const { timeoutMs } = ctx.settings;
  const body = webhookBody(delivery.event);
  const timeout = AbortSignal.timeout(timeoutMs);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    // IP literals are connected to without a lookup: the guarded lookup never sees them.
    const refused = ctx.settings.allowPrivateNetworks ? null : blockedHost(new URL(delivery.url).hostname);
    if (refused) throw Object.assign(new Error(`refused address: ${refused}`), { cause: { code: 'KESSAI_ADDRESS_REFUSED', message: refused } });
    const res = await fetch(delivery.url, {
      dispatcher: ctx.dispatcher,
      method: 'POST',
      body,
      redirect: 'manual',
      signal: shutdown ? AbortSignal.any([shutdown, timeout]) : timeout,
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'Kessai-Event-Id': delivery.event.id,
        'Kessai-Delivery-Id': delivery.id,
        'Kessai-Signature': signWebhookPayload(delivery.secret, body),
      },
    });
    statusCode = res.status;
    if (res.ok) await res.body?.cancel().catch(() => {});
    else error = describeStatus(res.status, await readSnippet(res));
  } catch (err) {
    if (shutdown?.aborted && !timeout.aborted) {
      await releaseDeliveries(ctx, [delivery]);
      return 'released';
    }
    error = timeout.aborted ? `no answer within ${timeoutMs} ms` : describeError(err);
  }
  const seconds = (performance.now() - started) / 1000;
  const outcome = error === null ? await recordSuccess(ctx, delivery, statusCode!) : await recordFailure(ctx, delivery, statusCode, error);
  if (outcome !== 'superseded') ctx.metrics.attempt(outcome, seconds);
  const log = { delivery_id: delivery.id, endpoint_id: delivery.endpointId, event_id: delivery.event.id, status_code: statusCode, attempt: delivery.attempts + 1 };
  if (outcome === 'failed') ctx.logger.warn({ ...log, error }, 'webhook delivery failed for good');
  else if (outcome === 'retrying') ctx.logger.info({ ...log, error }, 'webhook delivery failed; will retry');
  else if (outcome === 'superseded') ctx.logger.warn(log, 'webhook delivery changed while it was being sent; outcome not recorded');
  else ctx.logger.debug(log, 'webhook delivered');
  return outcome;
}

async function recordSuccess(ctx: WebhooksContext, d: ClaimedDelivery, statusCode: number): Promise<'succeeded' | 'superseded'> {
  const result = await ctx.db
    .updateTable('webhook_deliveries')
    .set({
      status: 'succeeded',
      attempts: sql<number>`attempts + 1`,
      delivered_at: sql<Date>`now()`,
      locked_until: null,
      lease_id: null,
      last_status_code: statusCode,
      last_error: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', d.id)
    .where('lease_id', '=', d.leaseId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n ? 'succeeded' : 'superseded';
}

async function recordFailure(ctx: WebhooksContext, d: ClaimedDelivery, statusCode: number | null, error: string): Promise<'retrying' | 'failed' | 'superseded'> {
  const attempts = d.attempts + 1;
  const final = attempts >= ctx.settings.maxAttempts;
  const delay = retryDelayMs(ctx.settings.baseDelayMs, attempts);
  const result = await ctx.db
    .updateTable('webhook_deliveries')
    .set({
      status: final ? 'failed' : 'pending',
      attempts: sql<number>`attempts + 1`,
      ...(final ? {} : { next_attempt_at: sql<Date>`now() + ${delay} * interval '1 millisecond'` }),
      locked_until: null,
      lease_id: null,
      last_status_code: statusCode,
      last_error: error,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', d.id)
    .where('lease_id', '=', d.leaseId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) return 'superseded';
  return final ? 'failed' : 'retrying';
}

function describeStatus(status: number, snippet: string): string {
  const what = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
  return snippet ? `${what}: ${snippet}` : what;
}

function describeError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  if (cause?.message) return cause.message;
  return e.message ?? String(err);
}

/** The first few hundred characters of an error answer, for the delivery's `last_error`. */
async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_ERROR_BODY * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still tells something; what we have is enough.
  } finally {
    reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_BODY);
}
