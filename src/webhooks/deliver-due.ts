import { claimDueDeliveries, groupByEndpoint, releaseDeliveries, type ClaimedDelivery } from './claim-deliveries.ts';
import type { WebhooksContext } from './context.ts';
import { sendDelivery, type SendOutcome } from './send-delivery.ts';

export type DeliveryReport = { claimed: number; errors: number } & Record<SendOutcome, number>;

/**
 * One round: claim due deliveries, send them (endpoints in parallel, each endpoint's in order)
 * and wait for every answer. The worker runs the same steps without waiting for slow endpoints.
 */
export async function deliverDueWebhooks(
  ctx: WebhooksContext,
  options: { limit?: number; excludeEndpointIds?: readonly string[]; shutdown?: AbortSignal } = {},
): Promise<DeliveryReport> {
  const claimed = await claimDueDeliveries(ctx, { limit: options.limit ?? 50, ...(options.excludeEndpointIds ? { excludeEndpointIds: options.excludeEndpointIds } : {}) });
  const report: DeliveryReport = { claimed: claimed.length, errors: 0, succeeded: 0, retrying: 0, failed: 0, released: 0, superseded: 0 };
  const outcomes = await Promise.all(groupByEndpoint(claimed).map((group) => sendInOrder(ctx, group, options.shutdown)));
  for (const outcome of outcomes.flat()) {
    if (outcome === 'error') report.errors += 1;
    else report[outcome] += 1;
  }
  return report;
}

/**
 * One endpoint's claimed deliveries, one after another (so it receives them in event order, as
 * far as retries allow). After a shutdown, what is left is handed back unsent.
 */
export async function sendInOrder(ctx: WebhooksContext, group: readonly ClaimedDelivery[], shutdown?: AbortSignal): Promise<Array<SendOutcome | 'error'>> {
  const outcomes: Array<SendOutcome | 'error'> = [];
  for (let i = 0; i < group.length; i++) {
    if (shutdown?.aborted) {
      const rest = group.slice(i);
      await releaseDeliveries(ctx, rest).catch((err: unknown) => ctx.logger.warn({ err }, 'could not release webhook deliveries; they are retried when their lease ends'));
      outcomes.push(...rest.map(() => 'released' as const));
      break;
    }
    const delivery = group[i]!;
    try {
      outcomes.push(await sendDelivery(ctx, delivery, shutdown));
    } catch (err) {
      // Recording failed (database trouble): the lease runs out and the delivery is tried again.
      ctx.logger.error({ err, delivery_id: delivery.id }, 'webhook delivery outcome not recorded');
      outcomes.push('error');
    }
  }
  return outcomes;
}
