import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, SYSTEM, type Actor, type CheckoutContext, type Trx } from './context.ts';
import { lockReservation, presentReservation, reservationLines, type StockReservation } from './reservations.ts';

/**
 * Turns a reservation's units from reserved into sold (the order is being completed). Run it in
 * the transaction that writes the order, so both or neither happen. Idempotent: a committed
 * reservation is returned as it is. A released one (or none) cannot be committed: its units may
 * have been sold to someone else since.
 */
export async function commitStockInTransaction(trx: Trx, reservationId: string, actor: Actor = SYSTEM): Promise<StockReservation> {
  const row = await lockReservation(trx, reservationId);
  if (!row) throw new KessaiError('KS_ERR_RESERVATION_NOT_FOUND', `No stock reservation ${reservationId}`, { reservation_id: reservationId });
  if (row.status === 'committed') return presentReservation(trx, row);
  if (row.status === 'released') {
    throw new KessaiError('KS_ERR_RESERVATION_INVALID_STATE', `Reservation ${reservationId} was released; reserve again`, { reservation_id: reservationId, status: row.status });
  }
  const now = new Date();
  const lines = await reservationLines(trx, reservationId);
  for (const line of lines) {
    await trx
      .updateTable('products')
      .set((eb) => ({ stock_reserved: eb('stock_reserved', '-', line.quantity), stock_sold: eb('stock_sold', '+', BigInt(line.quantity)), updated_at: now }))
      .where('sku', '=', line.sku)
      .execute();
  }
  const committed = await trx
    .updateTable('stock_reservations')
    .set({ status: 'committed', committed_at: now, updated_at: now })
    .where('id', '=', reservationId)
    .returningAll()
    .executeTakeFirstOrThrow();
  await appendEvent(trx, { type: 'stock.committed', aggregateId: reservationId, data: { cart_id: row.cart_id, lines }, actor: actorLabel(actor) });
  return presentReservation(trx, committed);
}

export async function commitStock(ctx: CheckoutContext, reservationId: string, actor: Actor = SYSTEM): Promise<StockReservation> {
  return ctx.db.transaction().execute((trx) => commitStockInTransaction(trx, reservationId, actor));
}
