import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, SYSTEM, type Actor, type CheckoutContext, type Trx } from './context.ts';
import { lockReservation, presentReservation, reservationLines, type StockReservation } from './reservations.ts';

/**
 * Gives a reservation's units back to available stock (a checkout that failed before money was
 * taken). Idempotent: a released reservation is returned as it is, and an id that reserved
 * nothing (its reservation failed, or never ran) returns null, so compensation can always call
 * it. A committed reservation is sold stock: `KS_ERR_RESERVATION_INVALID_STATE`.
 */
export async function releaseStockInTransaction(trx: Trx, reservationId: string, actor: Actor = SYSTEM): Promise<StockReservation | null> {
  const row = await lockReservation(trx, reservationId);
  if (!row) return null;
  if (row.status === 'released') return presentReservation(trx, row);
  if (row.status === 'committed') {
    throw new KessaiError('KS_ERR_RESERVATION_INVALID_STATE', `Reservation ${reservationId} was committed (sold); it cannot be released`, { reservation_id: reservationId, status: row.status });
  }
  const now = new Date();
  const lines = await reservationLines(trx, reservationId);
  for (const line of lines) {
    await trx
      .updateTable('products')
      .set((eb) => ({ stock_available: eb('stock_available', '+', line.quantity), stock_reserved: eb('stock_reserved', '-', line.quantity), updated_at: now }))
      .where('sku', '=', line.sku)
      .execute();
  }
  const released = await trx
    .updateTable('stock_reservations')
    .set({ status: 'released', released_at: now, updated_at: now })
    .where('id', '=', reservationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(trx, { type: 'stock.released', aggregateId: reservationId, data: { cart_id: row.cart_id, lines }, actor: actorLabel(actor) });
  return presentReservation(trx, released);
}

export async function releaseStock(ctx: CheckoutContext, reservationId: string, actor: Actor = SYSTEM): Promise<StockReservation | null> {
  return ctx.db.transaction().execute((trx) => releaseStockInTransaction(trx, reservationId, actor));
}
