import type { Generated, Selectable } from 'kysely';
import type { Int8, Json, NullableTimestamp, SharedTables } from '../db/index.ts';

export interface ProductsTable {
  sku: string;
  name: string;
  price: Int8;
  currency: string;
  weight_grams: number;
  /** Units that may be reserved. */
  stock_available: number;
  /** Units held by open reservations. */
  stock_reserved: Generated<number>;
  /** Units committed by completed checkouts. */
  stock_sold: Generated<bigint>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ShippingRulesTable {
  id: string;
  region: string;
  currency: string;
  free_shipping_threshold: Int8 | null;
  description: Generated<string>;
  created_at: Generated<Date>;
  superseded_at: NullableTimestamp;
  superseded_by: string | null;
}

export interface ShippingRuleBandsTable {
  rule_id: string;
  position: number;
  up_to_grams: number | null;
  fee: Int8;
}

export interface CartsTable {
  id: string;
  currency: string;
  region: string | null;
  customer_reference: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: NullableTimestamp;
}

export interface CartLinesTable {
  cart_id: string;
  sku: string;
  quantity: number;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export const RESERVATION_STATUSES = ['reserved', 'released', 'committed'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

export interface StockReservationsTable {
  id: string;
  cart_id: string;
  status: ReservationStatus;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  released_at: NullableTimestamp;
  committed_at: NullableTimestamp;
}

export interface StockReservationLinesTable {
  reservation_id: string;
  sku: string;
  quantity: number;
}

export const CHECKOUT_STATUSES = ['running', 'completed', 'failed', 'needs_attention'] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export interface CheckoutRequest {
  customer: { email: string; name: string };
  shipping_address: { name: string; line1: string; line2?: string; city: string; postal_code: string; country: string };
  provider: string;
  payment_method: string;
  capture_method: 'manual' | 'automatic';
}

export interface CheckoutError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface CheckoutsTable {
  id: string;
  cart_id: string;
  attempt: number;
  status: CheckoutStatus;
  request: Json<CheckoutRequest>;
  request_hash: string;
  order_id: string;
  currency: string;
  payment_id: string | null;
  subtotal: Int8 | null;
  shipping_fee: Int8 | null;
  total: Int8 | null;
  failed_step: string | null;
  error: Json<CheckoutError> | null;
  money_taken: Generated<boolean>;
  reruns: Generated<number>;
  attention_since: NullableTimestamp;
  created_by: string;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  finished_at: NullableTimestamp;
}

export interface OrdersTable {
  id: string;
  checkout_id: string;
  cart_id: string;
  status: 'placed';
  customer: Json<CheckoutRequest['customer']>;
  shipping_address: Json<CheckoutRequest['shipping_address']>;
  currency: string;
  subtotal: Int8;
  shipping_fee: Int8;
  total: Int8;
  payment_id: string | null;
  confirmation_sent_at: NullableTimestamp;
  created_at: Generated<Date>;
}

export interface OrderLinesTable {
  order_id: string;
  sku: string;
  name: string;
  quantity: number;
  unit_price: Int8;
  amount: Int8;
  weight_grams: number;
}

export interface OrderHistoryTable {
  id: Generated<bigint>;
  order_id: string;
  type: string;
  data: Json<Record<string, unknown>>;
  actor: string;
  at: Generated<Date>;
}

export interface OrderMailsTable {
  id: string;
  order_id: string;
  kind: 'confirmation';
  recipient: string;
  subject: string;
  message_id: string;
  transport: 'smtp' | 'file';
  file_name: string | null;
  sent_at: Generated<Date>;
}

export interface CheckoutTables extends SharedTables {
  checkouts: CheckoutsTable;
  orders: OrdersTable;
  order_lines: OrderLinesTable;
  order_history: OrderHistoryTable;
  order_mails: OrderMailsTable;
  products: ProductsTable;
  shipping_rules: ShippingRulesTable;
  shipping_rule_bands: ShippingRuleBandsTable;
  carts: CartsTable;
  cart_lines: CartLinesTable;
  stock_reservations: StockReservationsTable;
  stock_reservation_lines: StockReservationLinesTable;
}

export type ProductRow = Selectable<ProductsTable>;
export type ShippingRuleRow = Selectable<ShippingRulesTable>;
export type CartRow = Selectable<CartsTable>;
export type ReservationRow = Selectable<StockReservationsTable>;
export type CheckoutRow = Selectable<CheckoutsTable>;
export type OrderRow = Selectable<OrdersTable>;
