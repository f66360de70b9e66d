// Stock reservations as the checkout workflow calls them (platform.checkout.*), on a real
// PostgreSQL with real concurrency: many transactions in flight at once over the pool.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isKessaiError } from '../src/errors/index.ts';
import { startTestApp, type TestApp } from './support/app.ts';
import { addLine, cartWith, createProduct, getProduct } from './support/catalog.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp({ KESSAI_DB_POOL_SIZE: '40' });
});
after(async () => t?.close());

const rid = () => `rsv_${randomUUID()}`;
const checkout = () => t.platform.checkout;

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    assert.ok(isKessaiError(err), String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

async function counters(sku: string) {
  const p = await getProduct(t, sku);
  return { available: p.stock, reserved: p.stock_reserved, sold: p.stock_sold };
}

describe('reserveStock under concurrency', () => {
  test('200 carts racing for 50 units: exactly 50 reservations, 150 clear out-of-stock answers, never negative', async () => {
    const p = await createProduct(t, { stock: 50 });
    const carts = await Promise.all(Array.from({ length: 200 }, () => cartWith(t, [[p.sku, 1]])));
    // Watch the counters while the race runs: available never below zero, units never created or lost.
    let watching = true;
    const samples: Array<{ available: number; reserved: number }> = [];
    const watcher = (async () => {
      while (watching) {
        const r = await t.platform.database.pool.query('SELECT stock_available, stock_reserved FROM products WHERE sku = $1', [p.sku]);
        samples.push({ available: r.rows[0].stock_available, reserved: r.rows[0].stock_reserved });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const results = await Promise.allSettled(carts.map((c) => checkout().reserveStock(c.id, rid())));
    watching = false;
    await watcher;

    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(ok.length, 50);
    assert.equal(refused.length, 150);
    for (const r of refused) {
      assert.ok(isKessaiError(r.reason), String(r.reason));
      assert.equal(r.reason.code, 'KS_ERR_OUT_OF_STOCK');
      assert.equal(r.reason.status, 409);
      assert.equal(r.reason.details.sku, p.sku);
      assert.equal(r.reason.details.requested, 1);
      assert.equal(r.reason.details.available, 0);
    }
    assert.deepEqual(await counters(p.sku), { available: 0, reserved: 50, sold: 0 });
    assert.ok(samples.length > 0);
    for (const s of samples) {
      assert.ok(s.available >= 0, `available ${s.available}`);
      assert.equal(s.available + s.reserved, 50);
    }
    const rows = await t.platform.database.pool.query("SELECT count(*)::int AS n FROM stock_reservations WHERE cart_id = ANY($1) AND status = 'reserved'", [carts.map((c) => c.id)]);
    assert.equal(rows.rows[0].n, 50);
  });

  test('multi-line carts locking the same SKUs in any order: no deadlock, no oversell', async () => {
    const x = await createProduct(t, { sku: `X-${randomUUID().slice(0, 8)}`, stock: 30 });
    const y = await createProduct(t, { sku: `Y-${randomUUID().slice(0, 8)}`, stock: 30 });
    // Half add X first, half Y first; each wants 1 X and 2 Y: Y runs out after 15 carts.
    const carts = await Promise.all(
      Array.from({ length: 60 }, (_, i) => cartWith(t, i % 2 === 0 ? [[x.sku, 1], [y.sku, 2]] : [[y.sku, 2], [x.sku, 1]])),
    );
    const results = await Promise.allSettled(carts.map((c) => checkout().reserveStock(c.id, rid())));
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    assert.equal(ok, 15);
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, 'KS_ERR_OUT_OF_STOCK', String(r.reason));
    assert.deepEqual(await counters(x.sku), { available: 15, reserved: 15, sold: 0 });
    assert.deepEqual(await counters(y.sku), { available: 0, reserved: 30, sold: 0 });
  });
});

describe('reserveStock: all or nothing', () => {
  test('a short line reserves nothing and names every short SKU', async () => {
    const a = await createProduct(t, { sku: `A-${randomUUID().slice(0, 8)}`, stock: 5 });
    const b = await createProduct(t, { sku: `B-${randomUUID().slice(0, 8)}`, stock: 3 });
    const c = await createProduct(t, { sku: `C-${randomUUID().slice(0, 8)}`, stock: 0 });
    const cart = await cartWith(t, [[c.sku, 1], [a.sku, 2], [b.sku, 5]]);
    const err = await rejection(checkout().reserveStock(cart.id, rid()));
    assert.equal(err.code, 'KS_ERR_OUT_OF_STOCK');
    assert.equal(err.details.sku, b.sku, 'the first short line in SKU order');
    assert.deepEqual(err.details.shortages, [
      { sku: b.sku, requested: 5, available: 3 },
      { sku: c.sku, requested: 1, available: 0 },
    ]);
    assert.deepEqual(await counters(a.sku), { available: 5, reserved: 0, sold: 0 }, 'the line taken before the short one is given back');
    assert.deepEqual(await counters(b.sku), { available: 3, reserved: 0, sold: 0 });
    const rows = await t.platform.database.pool.query('SELECT count(*)::int AS n FROM stock_reservations WHERE cart_id = $1', [cart.id]);
    assert.equal(rows.rows[0].n, 0, 'no reservation row');
    // The cart is left as it was: the customer may change it and try again.
    assert.equal((await addLine(t, cart.id, c.sku, 0)).statusCode, 200);
    assert.equal((await addLine(t, cart.id, b.sku, 3, { mode: 'set' })).statusCode, 200);
    const r = await checkout().reserveStock(cart.id, rid());
    assert.deepEqual(r.lines, [{ sku: a.sku, quantity: 2 }, { sku: b.sku, quantity: 3 }]);
    assert.deepEqual(await counters(b.sku), { available: 0, reserved: 3, sold: 0 });
  });

  test('a multi-line cart reserves every line', async () => {
    const a = await createProduct(t, { stock: 4 });
    const b = await createProduct(t, { stock: 4 });
    const cart = await cartWith(t, [[a.sku, 4], [b.sku, 1]]);
    const r = await checkout().reserveStock(cart.id, rid());
    assert.equal(r.status, 'reserved');
    assert.equal(r.cartId, cart.id);
    assert.deepEqual(await counters(a.sku), { available: 0, reserved: 4, sold: 0 });
    assert.deepEqual(await counters(b.sku), { available: 3, reserved: 1, sold: 0 });
  });

  test('empty, deleted and unknown carts, and malformed ids, are refused', async () => {
    const empty = await cartWith(t, []);
    assert.equal((await rejection(checkout().reserveStock(empty.id, rid()))).code, 'KS_ERR_CART_EMPTY');
    const p = await createProduct(t);
    const gone = await cartWith(t, [[p.sku, 1]]);
    await checkout().deleteCart(gone.id);
    assert.equal((await rejection(checkout().reserveStock(gone.id, rid()))).code, 'KS_ERR_CART_DELETED');
    assert.equal((await rejection(checkout().reserveStock('cart_nope', rid()))).code, 'KS_ERR_CART_NOT_FOUND');
    const bad = await rejection(checkout().reserveStock(empty.id, 'no spaces allowed'));
    assert.deepEqual([bad.code, bad.details.field], ['KS_ERR_VALIDATION', 'reservation_id']);
  });
});

describe('idempotency and states', () => {
  test('reserving again with the same id returns the same reservation and moves nothing', async () => {
    const p = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[p.sku, 3]]);
    const id = rid();
    const first = await checkout().reserveStock(cart.id, id);
    const twins = await Promise.all(Array.from({ length: 10 }, () => checkout().reserveStock(cart.id, id)));
    for (const r of twins) assert.deepEqual(r, first);
    assert.deepEqual(await counters(p.sku), { available: 7, reserved: 3, sold: 0 });
  });

  test('the same id sent many times at once reserves once', async () => {
    const p = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[p.sku, 3]]);
    const id = rid();
    const results = await Promise.all(Array.from({ length: 20 }, () => checkout().reserveStock(cart.id, id)));
    assert.ok(results.every((r) => r.id === id && r.status === 'reserved'));
    assert.deepEqual(await counters(p.sku), { available: 7, reserved: 3, sold: 0 });
  });

  test('one open reservation per cart; an id belongs to one cart; a reserved cart is frozen', async () => {
    const p = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[p.sku, 1]]);
    const other = await cartWith(t, [[p.sku, 1]]);
    const id = rid();
    await checkout().reserveStock(cart.id, id);
    const second = await rejection(checkout().reserveStock(cart.id, rid()));
    assert.deepEqual([second.code, second.details.reservation_id], ['KS_ERR_CART_RESERVED', id]);
    assert.equal((await rejection(checkout().reserveStock(other.id, id))).code, 'KS_ERR_RESERVATION_CONFLICT');
    const change = await addLine(t, cart.id, p.sku, 1);
    assert.equal(change.statusCode, 409);
    assert.deepEqual([change.json().error.code, change.json().error.reservation_id], ['KS_ERR_CART_RESERVED', id]);
    assert.equal((await t.request({ method: 'DELETE', url: `/v1/carts/${cart.id}` })).json().error.code, 'KS_ERR_CART_RESERVED');
    assert.equal((await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json().reservation_id, id);
    assert.deepEqual(await counters(p.sku), { available: 9, reserved: 1, sold: 0 });
  });

  test('release gives the units back, once; the cart can change again', async () => {
    const p = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[p.sku, 4]]);
    const id = rid();
    await checkout().reserveStock(cart.id, id);
    const released = await Promise.all(Array.from({ length: 5 }, () => checkout().releaseStock(id)));
    for (const r of released) assert.equal(r?.status, 'released');
    assert.deepEqual(await counters(p.sku), { available: 10, reserved: 0, sold: 0 });
    assert.equal(await checkout().releaseStock(rid()), null, 'an id that reserved nothing releases nothing');
    assert.equal((await checkout().reserveStock(cart.id, id)).status, 'released', 'a released id is not reserved again');
    assert.equal((await rejection(checkout().commitStock(id))).code, 'KS_ERR_RESERVATION_INVALID_STATE');
    assert.equal((await addLine(t, cart.id, p.sku, 1)).statusCode, 200);
    const again = await checkout().reserveStock(cart.id, rid());
    assert.deepEqual(again.lines, [{ sku: p.sku, quantity: 5 }]);
    assert.deepEqual(await counters(p.sku), { available: 5, reserved: 5, sold: 0 });
  });

  test('commit turns reserved into sold, once; then the cart can be soft-deleted', async () => {
    const a = await createProduct(t, { stock: 10 });
    const b = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[a.sku, 2], [b.sku, 3]]);
    const id = rid();
    await checkout().reserveStock(cart.id, id);
    const committed = await Promise.all(Array.from({ length: 5 }, () => checkout().commitStock(id)));
    for (const r of committed) {
      assert.equal(r.status, 'committed');
      assert.ok(r.committedAt);
    }
    assert.deepEqual(await counters(a.sku), { available: 8, reserved: 0, sold: 2 });
    assert.deepEqual(await counters(b.sku), { available: 7, reserved: 0, sold: 3 });
    assert.equal((await rejection(checkout().releaseStock(id))).code, 'KS_ERR_RESERVATION_INVALID_STATE');
    assert.equal((await rejection(checkout().commitStock(rid()))).code, 'KS_ERR_RESERVATION_NOT_FOUND');
    const deleted = await checkout().deleteCart(cart.id);
    assert.equal(deleted.status, 'deleted');
    // A re-run of the checkout after the cart is gone still finds its reservation.
    assert.equal((await checkout().reserveStock(cart.id, id)).status, 'committed');
    assert.equal((await checkout().getReservation(id))?.status, 'committed');
    const events = await t.platform.database.pool.query('SELECT type FROM events WHERE aggregate_id = $1 ORDER BY seq', [id]);
    assert.deepEqual(events.rows.map((r) => r.type), ['stock.reserved', 'stock.committed']);
  });

  test('releases and commits racing for the same reservation: exactly one wins', async () => {
    const p = await createProduct(t, { stock: 10 });
    const cart = await cartWith(t, [[p.sku, 2]]);
    const id = rid();
    await checkout().reserveStock(cart.id, id);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? checkout().commitStock(id) : checkout().releaseStock(id))));
    const status = (await checkout().getReservation(id))!.status;
    const c = await counters(p.sku);
    if (status === 'committed') assert.deepEqual(c, { available: 8, reserved: 0, sold: 2 });
    else assert.deepEqual(c, { available: 10, reserved: 0, sold: 0 });
    for (const r of results) if (r.status === 'rejected') assert.equal(r.reason.code, 'KS_ERR_RESERVATION_INVALID_STATE');
  });
});
