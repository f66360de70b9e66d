import type { Generated, Selectable } from 'kysely';
import type { Int8, NullableTimestamp, SharedTables } from '../db/index.ts';

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

export interface CheckoutTables extends SharedTables {
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
