/** Shapes of the Kessai API as the console uses them. Amounts are integer minor units. */

export type Role = 'viewer' | 'operator' | 'admin';

export interface Me {
  type: 'operator' | 'api_key';
  id: string;
  name: string;
  role: Role | null;
  scopes: string[];
  csrf_token: string | null;
}

export interface LoginResponse {
  operator: { id: string; username: string; display_name: string; role: Role };
  csrf_token: string;
  expires_at: string;
}

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

export interface Payment {
  id: string;
  object: 'payment';
  order_id: string;
  provider: string;
  payment_method: string;
  currency: string;
  capture_method: 'manual' | 'automatic';
  status: PaymentStatus;
  amount: number;
  amount_authorized: number;
  amount_captured: number;
  amount_refunded: number;
  amount_capturable: number;
  amount_refundable: number;
  provider_payment_id: string | null;
  decline_code: string | null;
  /** Id of the provider operation running now; other operations wait for it. */
  operation_in_progress?: string | null;
  needs_attention: boolean;
  attention_reason: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface TimelineEntry {
  id: string;
  type: string;
  data: unknown;
  actor: unknown;
  created_at: string;
}

export interface PaymentOperation {
  id: string;
  kind: string;
  amount: number | null;
  status: string;
  decline_code: string | null;
  error: unknown;
  created_at: string;
  completed_at: string | null;
}

export interface PaymentDetail extends Payment {
  timeline: TimelineEntry[];
  operations: PaymentOperation[];
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_cursor: string | null;
}
