import { KessaiError } from '../errors/index.ts';
import { appendEvent } from '../events/index.ts';
import { actorLabel, isUniqueViolation, SYSTEM, type Actor, type CheckoutContext, type Trx } from './context.ts';
import { checkReservationId, presentReservation, type StockReservation } from './reservations.ts';
import type { ReservationRow } from './tables.ts';

type Line = { sku: string; quantity: number };

/**
 * Reserves every line of a cart, or nothing: in one transaction, each line's units move from
 * available to reserved with a conditional update (`stock_available >= quantity`), in SKU order
 * (so two carts never wait on each other's products in opposite orders: no deadlock). A line
 * that is short aborts the transaction: `KS_ERR_OUT_OF_STOCK` naming the SKU, and every other
 * line's units stay available. Under concurrency the row lock serialises the updates, so a SKU
 * is never oversold (and a CHECK would refuse a negative count anyway).
 *
 * Idempotent per `reservationId`: calling again returns the reservation as it stands (reserved,
 * released or committed), never reserving twice. A cart has at most one open reservation: another
 * id for the same cart gets `KS_ERR_CART_RESERVED`. While reserved, the cart cannot change.
 */
export async function reserveStock(ctx: CheckoutContext, cartId: string, reservationId: string, actor: Actor = SYSTEM): Promise<StockReservation> {
  checkReservationId(reservationId);
  const existing = await ctx.db.selectFrom('stock_reservations').selectAll().where('id', '=', reservationId).executeTakeFirst();
  if (existing) return replay(ctx, existing, cartId);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      // FOR SHARE: the cart's lines cannot change until this transaction ends.
      const cart = await trx.selectFrom('carts').selectAll().where('id', '=', cartId).forShare().executeTakeFirst();
      if (!cart) throw new KessaiError('KS_ERR_CART_NOT_FOUND', `No cart ${cartId}`);
      if (cart.deleted_at) throw new KessaiError('KS_ERR_CART_DELETED', `Cart ${cartId} was deleted at ${cart.deleted_at.toISOString()}`, { cart_id: cartId });
      const lines = await trx.selectFrom('cart_lines').select(['sku', 'quantity']).where('cart_id', '=', cartId).orderBy('sku').execute();
      if (lines.length === 0) throw new KessaiError('KS_ERR_CART_EMPTY', `Cart ${cartId} has no lines`, { cart_id: cartId });

      // A twin call with the same id waits here for the first one, then finds its reservation.
      const row = await trx
        .insertInto('stock_reservations')
        .values({ id: reservationId, cart_id: cartId, status: 'reserved' })
        .onConflict((oc) => oc.column('id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        const twin = await trx.selectFrom('stock_reservations').selectAll().where('id', '=', reservationId).executeTakeFirstOrThrow();
        return replay(ctx, twin, cartId);
      }

      const now = new Date();
      for (const [i, line] of lines.entries()) {
        const moved = await trx
          .updateTable('products')
          .set((eb) => ({
            stock_available: eb('stock_available', '-', line.quantity),
            stock_reserved: eb('stock_reserved', '+', line.quantity),
            updated_at: now,
          }))
          .where('sku', '=', line.sku)
          .where('stock_available', '>=', line.quantity)
          .returning('sku')
          .executeTakeFirst();
        if (!moved) throw await outOfStock(trx, lines, i);
      }
      await trx
        .insertInto('stock_reservation_lines')
        .values(lines.map((l) => ({ reservation_id: reservationId, sku: l.sku, quantity: l.quantity })))
        .execute();
      await appendEvent(trx, { type: 'stock.reserved', aggregateId: reservationId, data: { cart_id: cartId, lines }, actor: actorLabel(actor) });
      return presentReservation(trx, row);
    });
  } catch (err) {
    if (isUniqueViolation(err, 'stock_reservations_cart_open')) {
      const open = await ctx.db.selectFrom('stock_reservations').select('id').where('cart_id', '=', cartId).where('status', '=', 'reserved').executeTakeFirst();
      throw new KessaiError('KS_ERR_CART_RESERVED', `Cart ${cartId} is already reserved${open ? ` by ${open.id}` : ''}`, { cart_id: cartId, reservation_id: open?.id ?? null });
    }
    throw err;
  }
}

async function replay(ctx: CheckoutContext, row: ReservationRow, cartId: string): Promise<StockReservation> {
  if (row.cart_id !== cartId) {
    throw new KessaiError('KS_ERR_RESERVATION_CONFLICT', `Reservation ${row.id} is for cart ${row.cart_id}, not ${cartId}`, { field: 'reservation_id', cart_id: row.cart_id });
  }
  return presentReservation(ctx.db, row);
}

/** The error for a short line, naming it first and every line that is short at this moment. */
async function outOfStock(trx: Trx, lines: Line[], failed: number): Promise<KessaiError> {
  const rows = await trx.selectFrom('products').select(['sku', 'stock_available']).where('sku', 'in', lines.map((l) => l.sku)).execute();
  const seen = new Map(rows.map((r) => [r.sku, r.stock_available]));
  // Lines before the failed one were taken in this (doomed) transaction: count them as available.
  const available = (l: Line, i: number) => (seen.get(l.sku) ?? 0) + (i < failed ? l.quantity : 0);
  const shortages = lines.map((l, i) => ({ sku: l.sku, requested: l.quantity, available: available(l, i) })).filter((s) => s.available < s.requested);
  const line = lines[failed]!;
  const first = shortages.find((s) => s.sku === line.sku) ?? { sku: line.sku, requested: line.quantity, available: 0 };
  return new KessaiError('KS_ERR_OUT_OF_STOCK', `${line.sku}: ${first.requested} requested, ${first.available} available`, {
    sku: line.sku,
    requested: first.requested,
    available: first.available,
    shortages: [first, ...shortages.filter((s) => s.sku !== line.sku)],
  });
}
