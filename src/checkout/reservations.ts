import type { Kysely } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import type { Trx } from './context.ts';
import type { CheckoutTables, ReservationRow, ReservationStatus } from './tables.ts';

/** A stock reservation as the checkout sees it (plain JSON: a durable workflow step may return it). */
export interface StockReservation {
  id: string;
  cartId: string;
  status: ReservationStatus;
  lines: Array<{ sku: string; quantity: number }>;
  createdAt: string;
  releasedAt: string | null;
  committedAt: string | null;
}

/** Reservation ids are chosen by the caller (derived from the checkout), so that a retry finds its reservation. */
export const RESERVATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export function checkReservationId(reservationId: string): void {
  if (!RESERVATION_ID_PATTERN.test(reservationId)) {
    throw new KessaiError('KS_ERR_VALIDATION', 'A reservation id is 1 to 128 letters, digits, and _ . : - (starting with a letter or digit)', { field: 'reservation_id' });
  }
}

export async function presentReservation(db: Kysely<CheckoutTables> | Trx, row: ReservationRow): Promise<StockReservation> {
  const lines = await db.selectFrom('stock_reservation_lines').select(['sku', 'quantity']).where('reservation_id', '=', row.id).orderBy('sku').execute();
  return {
    id: row.id,
    cartId: row.cart_id,
    status: row.status,
    lines,
    createdAt: row.created_at.toISOString(),
    releasedAt: row.released_at?.toISOString() ?? null,
    committedAt: row.committed_at?.toISOString() ?? null,
  };
}

/** The reservation's row, locked until the caller's transaction ends; undefined if there is none. */
export async function lockReservation(trx: Trx, reservationId: string): Promise<ReservationRow | undefined> {
  return trx.selectFrom('stock_reservations').selectAll().where('id', '=', reservationId).forUpdate().executeTakeFirst();
}

/** The lines of a reservation in SKU order: every transaction locks products in this order, so none deadlock. */
export async function reservationLines(trx: Trx, reservationId: string): Promise<Array<{ sku: string; quantity: number }>> {
  return trx.selectFrom('stock_reservation_lines').select(['sku', 'quantity']).where('reservation_id', '=', reservationId).orderBy('sku').execute();
}

export async function getReservation(db: Kysely<CheckoutTables>, reservationId: string): Promise<StockReservation | null> {
  const row = await db.selectFrom('stock_reservations').selectAll().where('id', '=', reservationId).executeTakeFirst();
  return row ? presentReservation(db, row) : null;
}
