import { Counter, Histogram, type Registry } from 'prom-client';

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed';

export interface WebhookMetrics {
  dispatched(events: number, deliveries: number): void;
  attempt(outcome: DeliveryOutcome, seconds: number): void;
}

export function createWebhookMetrics(registry: Registry | undefined): WebhookMetrics {
  if (!registry) return { dispatched() {}, attempt() {} };
  const events = new Counter({ name: 'kessai_webhook_events_dispatched_total', help: 'Events fanned out to webhook endpoints', registers: [registry] });
  const created = new Counter({ name: 'kessai_webhook_deliveries_created_total', help: 'Webhook deliveries created by the dispatcher', registers: [registry] });
  const attempts = new Counter({
    name: 'kessai_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome (retrying: failed, will be tried again; failed: gave up)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'kessai_webhook_delivery_duration_seconds',
    help: 'Time from sending a webhook to its answer (or failure)',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    dispatched(n, d) {
      events.inc(n);
      created.inc(d);
    },
    attempt(outcome, seconds) {
      attempts.inc({ outcome });
      duration.observe(seconds);
    },
  };
}
