import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { WebhookMetrics } from './metrics.ts';
import type { WebhooksTables } from './tables.ts';

export interface WebhookSettings {
  /** Attempts before a delivery is `failed`. */
  maxAttempts: number;
  /** Back-off after the n-th failed attempt: baseDelayMs × 2^(n-1), with jitter. */
  baseDelayMs: number;
  /** Per request, connection to last byte. */
  timeoutMs: number;
  /** How often the worker looks for new events and due deliveries without a wake-up. */
  pollMs: number;
  /** Whether endpoints may be on loopback, private or reserved addresses (development, tests). */
  allowPrivateNetworks: boolean;
}

/** What the webhooks use cases run on. */
export interface WebhooksContext {
  db: Kysely<WebhooksTables>;
  logger: Logger;
  settings: WebhookSettings;
  metrics: WebhookMetrics;
  /** What deliveries connect through: refuses blocked addresses unless private networks are allowed. */
  dispatcher: Dispatcher;
}

export type { Actor } from '../events/index.ts';
