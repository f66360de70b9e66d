import type { Generated, Selectable } from 'kysely';
import type { NullableTimestamp, SharedTables, Timestamp } from '../db/index.ts';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookEndpointsTable {
  id: string;
  url: string;
  /** The HMAC key (`whsec_…`); shown to the API only on creation and rotation. */
  secret: string;
  /** Exact types (`payment.captured`), prefixes (`payment.*`) or `*`. */
  event_types: string[];
  description: Generated<string>;
  enabled: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  /** Removed endpoints stay, so their deliveries keep their history; the API no longer shows them. */
  deleted_at: NullableTimestamp;
}

export interface WebhookDeliveriesTable {
  id: string;
  endpoint_id: string;
  event_id: string;
  status: DeliveryStatus;
  /** Attempts made (answered, failed or timed out); a send cut short by shutdown does not count. */
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  /** While in the future, the delivery belongs to the worker whose claim is `lease_id`. */
  locked_until: NullableTimestamp;
  lease_id: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  delivered_at: NullableTimestamp;
}

export interface WebhooksTables extends SharedTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;

export function isDeliveryStatus(value: string): value is DeliveryStatus {
  return (DELIVERY_STATUSES as readonly string[]).includes(value);
}
