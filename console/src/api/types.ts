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

export const CHECKOUT_STATUSES = ['running', 'completed', 'failed', 'needs_attention'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export interface CheckoutError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface Address {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postal_code: string;
  country: string;
}

export interface Customer {
  email: string;
  name: string;
}

/** A checkout run (`chk_…`): cart → stock → shipping → payment → order → confirmation mail. */
export interface Checkout {
  id: string;
  object: 'checkout';
  cart_id: string;
  attempt: number;
  status: CheckoutStatus;
  /** Set once the money is taken. */
  order_id: string | null;
  payment_id: string | null;
  currency: string;
  subtotal: number | null;
  shipping_fee: number | null;
  total: number | null;
  money_taken: boolean;
  failed_step: string | null;
  error: CheckoutError | null;
  reruns: number;
  attention_since: string | null;
  /** Present on a single run: needs attention and may be re-run now. */
  rerunnable?: boolean;
  customer: Customer;
  shipping_address: Address;
  provider: string;
  payment_method: string;
  capture_method: 'manual' | 'automatic';
  created_by: string;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface CheckoutStep {
  name: string;
  status: 'succeeded' | 'failed';
  error: { code: string; message: string } | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface CheckoutDetail extends Checkout {
  steps: CheckoutStep[];
  timeline: TimelineEntry[];
}

export interface Order {
  id: string;
  object: 'order';
  status: string;
  checkout_id: string;
  cart_id: string;
  customer: Customer;
  shipping_address: Address;
  currency: string;
  subtotal: number;
  shipping_fee: number;
  total: number;
  payment_id: string | null;
  confirmation_sent_at: string | null;
  created_at: string;
}

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unit_price: number;
  amount: number;
  weight_grams: number;
}

export interface OrderHistoryEntry {
  type: string;
  data: unknown;
  actor: string;
  at: string;
}

export interface OrderMail {
  id: string;
  kind: string;
  recipient: string;
  subject: string;
  message_id: string;
  /** `smtp` keeps no copy; `file` (development) keeps the `.eml`. */
  transport: string;
  has_file: boolean;
  sent_at: string;
}

export interface OrderDetail extends Order {
  lines: OrderLine[];
  history: OrderHistoryEntry[];
  mails: OrderMail[];
  /** The order's payment as it stands now. */
  payment: Payment | null;
}
