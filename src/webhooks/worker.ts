import { claimDueDeliveries, groupByEndpoint } from './claim-deliveries.ts';
import type { WebhooksContext } from './context.ts';
import { sendInOrder } from './deliver-due.ts';
import { dispatchEvents } from './dispatch-events.ts';
import { listenForWakeUps, type WakeUps } from './wake-ups.ts';

export interface WebhookWorkerOptions {
  /** LISTEN for new events on this database (otherwise: polling only). */
  databaseUrl?: string;
  dispatchBatch?: number;
  claimBatch?: number;
  /** Claims stop while this many endpoints are being sent to (a claim may add up to claimBatch more). */
  maxBusyEndpoints?: number;
}

export interface WebhookWorker {
  /** Look for work now rather than at the next poll. */
  wake(): void;
  /** Stops claiming, cuts in-flight sends short (handing them back), and waits for all of it. */
  stop(): Promise<void>;
}

const MAX_ERROR_PAUSE_MS = 30_000;

/**
 * The background loop of `worker` and `all` processes: dispatch new events, then claim due
 * deliveries and send them, every `pollMs` or as soon as a notification says there is news.
 * Each endpoint's deliveries go out one at a time; a slow endpoint holds up only itself, as
 * endpoints being sent to are left out of the next claims.
 */
export function startWebhookWorker(ctx: WebhooksContext, options: WebhookWorkerOptions = {}): WebhookWorker {
  const dispatchBatch = options.dispatchBatch ?? 500;
  const claimBatch = options.claimBatch ?? 50;
  const maxBusyEndpoints = options.maxBusyEndpoints ?? 32;
  const shutdown = new AbortController();
  const busy = new Map<string, Promise<void>>();
  let stopped = false;
  let woken = false;
  let sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  function wake(): void {
    woken = true;
    if (sleeper) {
      clearTimeout(sleeper.timer);
      sleeper.resolve();
      sleeper = null;
    }
  }

  function sleep(ms: number): Promise<void> {
    if (woken || stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sleeper = null;
        resolve();
      }, ms);
      sleeper = { timer, resolve };
    });
  }

  /** One pass; true when there is more to do at once. */
  async function tick(): Promise<boolean> {
    let more = false;
    for (let round = 0; round < 4; round++) {
      const dispatched = await dispatchEvents(ctx, { limit: dispatchBatch });
      more = dispatched.events === dispatchBatch;
      if (!more || stopped) break;
    }
    if (stopped || busy.size >= maxBusyEndpoints) return more;
    const claimed = await claimDueDeliveries(ctx, { limit: claimBatch, excludeEndpointIds: [...busy.keys()] });
    for (const group of groupByEndpoint(claimed)) {
      const endpointId = group[0]!.endpointId;
      const sending = sendInOrder(ctx, group, shutdown.signal)
        .then(
          () => {},
          (err: unknown) => ctx.logger.error({ err, endpoint_id: endpointId }, 'webhook sends failed'),
        )
        .finally(() => {
          busy.delete(endpointId);
          wake();
        });
      busy.set(endpointId, sending);
    }
    return more || claimed.length === claimBatch;
  }

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      woken = false;
      let more = false;
      try {
        more = await tick();
        failures = 0;
      } catch (err) {
        failures += 1;
        ctx.logger.warn({ err }, 'webhook worker pass failed; trying again');
      }
      if (!more) await sleep(failures > 0 ? Math.min(MAX_ERROR_PAUSE_MS, ctx.settings.pollMs * 2 ** failures) : ctx.settings.pollMs);
    }
  })();

  const wakeUps: WakeUps | null = options.databaseUrl ? listenForWakeUps(options.databaseUrl, wake, ctx.logger) : null;

  return {
    wake,
    async stop() {
      if (stopped) return;
      stopped = true;
      shutdown.abort();
      wake();
      await loop;
      await Promise.all(busy.values());
      await wakeUps?.close();
    },
  };
}
