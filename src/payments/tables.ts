import type { Generated, Selectable } from 'kysely';
import type { Int8, JsonWithDefault, NullableTimestamp, SharedTables } from '../db/index.ts';

export const PAYMENT_STATUSES = [
  'requires_authorization',
  'pending',
  'authorized',
  'partially_captured',
  'captured',
  'partially_refunded',
  'refunded',
  'voided',
  'declined',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const OPERATION_KINDS = ['authorize', 'increment_authorization', 'reauthorize', 'capture', 'void', 'refund'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export type OperationStatus = 'pending' | 'succeeded' | 'failed' | 'unknown';

export interface PaymentsTable {
  id: string;
  order_id: string;
  provider: string;
  payment_method: string;
  currency: string;
  capture_method: 'manual' | 'automatic';
  status: PaymentStatus;
  amount: Int8;
  amount_authorized: Generated<bigint>;
  amount_captured: Generated<bigint>;
  amount_refunded: Generated<bigint>;
  amount_capturing: Generated<bigint>;
  amount_refunding: Generated<bigint>;
  provider_payment_id: string | null;
  in_flight_operation_id: string | null;
  decline_code: string | null;
  order_cancelled_at: NullableTimestamp;
  delivered_at: NullableTimestamp;
  capture_batch_id: string | null;
  needs_attention: Generated<boolean>;
  attention_reason: string | null;
  metadata: JsonWithDefault<Record<string, string>>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** What a replay of the operation needs besides its amount. */
export interface OperationParams {
  /** Captures: the last one releases the rest of the authorization. */
  final?: boolean;
  /** Order changes: the order total the payment owes once the operation succeeds. */
  order_amount?: number;
  /** Order changes: the change this operation carries out. */
  order_change_id?: string;
  /** Cancellations: the order is cancelled once the void succeeds. */
  cancels_order?: boolean;
}

export interface PaymentOperationsTable {
  id: string;
  payment_id: string;
  kind: OperationKind;
  amount: Int8;
  status: OperationStatus;
  provider_reference: string | null;
  replaces_reference: string | null;
  params: JsonWithDefault<OperationParams>;
  decline_code: string | null;
  failure_code: string | null;
  error: string | null;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  completed_at: NullableTimestamp;
}

export interface OrderChangesTable {
  id: string;
  order_id: string;
  payment_id: string;
  kind: 'items' | 'delivery_slot' | 'stockout' | 'substitution' | 'discount' | 'cancel';
  amount_before: Int8;
  amount_after: Int8;
  decision: 'keep' | 'reauthorize' | 'authorize' | 'void';
  rule: string;
  outcome: 'applied' | 'rejected' | 'pending';
  decline_code: string | null;
  details: JsonWithDefault<Record<string, unknown>>;
  created_at: Generated<Date>;
}

export interface ProviderWebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  payment_id: string | null;
  received_at: Generated<Date>;
}

export interface PaymentsTables extends SharedTables {
  payments: PaymentsTable;
  payment_operations: PaymentOperationsTable;
  order_changes: OrderChangesTable;
  provider_webhook_events: ProviderWebhookEventsTable;
}

export type PaymentRow = Selectable<PaymentsTable>;
export type OperationRow = Selectable<PaymentOperationsTable>;
