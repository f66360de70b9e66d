import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './support/app.ts';
import { addLine, cartWith, createCart, createProduct, getProduct, newSku } from './support/catalog.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(async () => t?.close());

const newRegion = () => `R-${randomUUID().slice(0, 8)}`;

async function keyWith(scopes: string[]): Promise<string> {
  const res = await t.request({ method: 'POST', url: '/v1/api_keys', payload: { name: scopes.join(' '), scopes } });
  assert.equal(res.statusCode, 201, res.body);
  return res.json().key;
}

function assertError(res: { statusCode: number; json(): any; body: string }, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().error.code, code, res.body);
  if (field !== undefined) assert.equal(res.json().error.field, field, res.body);
}

/** Tokyo-like rule: ≤ 2 kg 800, ≤ 5 kg 1200; free from 5,000 yen. */
async function tokyoRule(region: string, extra: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/shipping_rules',
    payload: { region, currency: 'JPY', bands: [{ up_to_grams: 2000, fee: 800 }, { up_to_grams: 5000, fee: 1200 }], free_shipping_threshold: 5000, ...extra },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

describe('products', () => {
  test('create, read: money in minor units, stock as its counters', async () => {
    const sku = newSku('BOWL');
    const p = await createProduct(t, { sku, name: '抹茶碗', price: 4280, weight_grams: 650, stock: 12 });
    assert.deepEqual(
      { sku: p.sku, object: p.object, name: p.name, price: p.price, currency: p.currency, weight_grams: p.weight_grams, stock: p.stock, stock_reserved: p.stock_reserved, stock_sold: p.stock_sold },
      { sku, object: 'product', name: '抹茶碗', price: 4280, currency: 'JPY', weight_grams: 650, stock: 12, stock_reserved: 0, stock_sold: 0 },
    );
    assert.deepEqual(await getProduct(t, sku), p);
    const usd = await createProduct(t, { currency: 'USD', price: 1999 });
    assert.equal(usd.price, 1999, 'USD in cents');
  });

  test('a SKU is unique', async () => {
    const p = await createProduct(t);
    assertError(await t.request({ method: 'POST', url: '/v1/products', payload: { sku: p.sku, name: 'x', price: 1, currency: 'JPY', weight_grams: 1, stock: 1 } }), 409, 'KS_ERR_PRODUCT_EXISTS', 'sku');
  });

  test('bad input names the field', async () => {
    const post = (body: Record<string, unknown>) =>
      t.request({ method: 'POST', url: '/v1/products', payload: { sku: newSku(), name: 'Cup', price: 100, currency: 'JPY', weight_grams: 100, stock: 1, ...body } });
    assertError(await post({ price: 10.5 }), 400, 'KS_ERR_VALIDATION', 'price');
    assertError(await post({ price: -1 }), 400, 'KS_ERR_VALIDATION', 'price');
    assertError(await post({ price: '100' }), 400, 'KS_ERR_VALIDATION', 'price');
    assertError(await post({ currency: 'XYZ' }), 400, 'KS_ERR_CURRENCY_UNSUPPORTED', 'currency');
    assertError(await post({ currency: 'jpy' }), 400, 'KS_ERR_VALIDATION', 'currency');
    assertError(await post({ sku: 'has space' }), 400, 'KS_ERR_VALIDATION', 'sku');
    assertError(await post({ stock: -1 }), 400, 'KS_ERR_VALIDATION', 'stock');
    assertError(await post({ weight_grams: 1.5 }), 400, 'KS_ERR_VALIDATION', 'weight_grams');
    assertError(await post({ colour: 'red' }), 400, 'KS_ERR_UNKNOWN_FIELD', 'colour');
    const missing = await t.request({ method: 'POST', url: '/v1/products', payload: { sku: newSku(), name: 'Cup', price: 1, currency: 'JPY', stock: 1 } });
    assertError(missing, 400, 'KS_ERR_VALIDATION', 'weight_grams');
    assertError(await t.request({ method: 'GET', url: '/v1/products/NOPE-404' }), 404, 'KS_ERR_PRODUCT_NOT_FOUND');
  });

  test('list in SKU order with cursor pagination', async () => {
    // KWD is used by this test only, so the filter sees exactly these five.
    const skus = ['PG-c', 'PG-a', 'PG-e', 'PG-b', 'PG-d'].map((s) => `${s}-${randomUUID().slice(0, 4)}`);
    for (const sku of skus) await createProduct(t, { sku, currency: 'KWD', price: 1250 });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await t.request({ method: 'GET', url: `/v1/products?currency=KWD&limit=2${cursor ? `&starting_after=${cursor}` : ''}` });
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json();
      seen.push(...page.data.map((p: { sku: string }) => p.sku));
      assert.equal(page.has_more, page.next_cursor !== null);
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...skus].sort());
  });

  test('PATCH changes name, price and weight; currency and SKU cannot change', async () => {
    const p = await createProduct(t);
    const res = await t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, payload: { name: 'Tea bowl, large', price: 1500, weight_grams: 420 } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().name, res.json().price, res.json().weight_grams, res.json().stock], ['Tea bowl, large', 1500, 420, 10]);
    assertError(await t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, payload: { currency: 'USD' } }), 400, 'KS_ERR_UNKNOWN_FIELD', 'currency');
    assertError(await t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, payload: {} }), 400, 'KS_ERR_VALIDATION');
    assertError(await t.request({ method: 'PATCH', url: '/v1/products/NOPE-404', payload: { name: 'x' } }), 404, 'KS_ERR_PRODUCT_NOT_FOUND');
  });

  test('stock: adjustments, new levels, compare-and-set, never negative', async () => {
    const p = await createProduct(t, { stock: 10 });
    const patch = (payload: Record<string, unknown>) => t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, payload });
    assert.equal((await patch({ stock_adjustment: 5 })).json().stock, 15);
    assert.equal((await patch({ stock_adjustment: -3 })).json().stock, 12);
    const negative = await patch({ stock_adjustment: -13 });
    assertError(negative, 409, 'KS_ERR_STOCK_NEGATIVE', 'stock_adjustment');
    assert.equal(negative.json().error.stock, 12);
    assert.equal((await patch({ stock: 40 })).json().stock, 40);
    const stale = await patch({ stock: 30, expected_stock: 12 });
    assertError(stale, 409, 'KS_ERR_STOCK_CHANGED', 'expected_stock');
    assert.equal(stale.json().error.stock, 40);
    assert.equal((await patch({ stock: 30, expected_stock: 40 })).json().stock, 30);
    assertError(await patch({ stock: 1, stock_adjustment: 1 }), 400, 'KS_ERR_VALIDATION', 'stock_adjustment');
    assertError(await patch({ stock_adjustment: 0.5 }), 400, 'KS_ERR_VALIDATION', 'stock_adjustment');
    const events = await t.platform.database.pool.query("SELECT data FROM events WHERE aggregate_id = $1 AND type = 'product.stock_adjusted' ORDER BY seq", [`product:${p.sku}`]);
    assert.deepEqual(events.rows.map((r) => r.data.adjustment), [5, -3, 28, -10]);
  });

  test('concurrent stock adjustments are never lost, and never take stock below zero', async () => {
    const p = await createProduct(t, { stock: 10 });
    const patch = (payload: Record<string, unknown>) => t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, payload });
    const ups = await Promise.all(Array.from({ length: 40 }, () => patch({ stock_adjustment: 1 })));
    assert.ok(ups.every((r) => r.statusCode === 200));
    assert.equal((await getProduct(t, p.sku)).stock, 50);
    const downs = await Promise.all(Array.from({ length: 60 }, () => patch({ stock_adjustment: -1 })));
    assert.equal(downs.filter((r) => r.statusCode === 200).length, 50);
    assert.ok(downs.filter((r) => r.statusCode !== 200).every((r) => r.json().error.code === 'KS_ERR_STOCK_NEGATIVE'));
    assert.equal((await getProduct(t, p.sku)).stock, 0);
  });

  test('scopes: catalog:read reads, catalog:write writes, checkout:write is for carts', async () => {
    const reader = await keyWith(['catalog:read']);
    const shop = await keyWith(['catalog:read', 'checkout:write']);
    const p = await createProduct(t);
    assert.equal((await t.request({ method: 'GET', url: `/v1/products/${p.sku}`, key: reader })).statusCode, 200);
    assert.equal((await t.request({ method: 'GET', url: '/v1/shipping_rules', key: reader })).statusCode, 200);
    const denied = await t.request({ method: 'PATCH', url: `/v1/products/${p.sku}`, key: shop, payload: { stock_adjustment: 1 } });
    assertError(denied, 403, 'KS_ERR_FORBIDDEN');
    assert.equal(denied.json().error.scope, 'catalog:write');
    assertError(await t.request({ method: 'POST', url: '/v1/carts', key: reader, payload: { currency: 'JPY' } }), 403, 'KS_ERR_FORBIDDEN');
    const cart = await t.request({ method: 'POST', url: '/v1/carts', key: shop, payload: { currency: 'JPY' } });
    assert.equal(cart.statusCode, 201, cart.body);
    assert.equal((await t.request({ method: 'POST', url: `/v1/carts/${cart.json().id}/lines`, key: shop, payload: { sku: p.sku, quantity: 1 } })).statusCode, 200);
    assert.equal((await t.request({ method: 'GET', url: `/v1/carts/${cart.json().id}`, key: shop })).statusCode, 200);
    const payments = await keyWith(['payments:read', 'payments:write']);
    assertError(await t.request({ method: 'GET', url: `/v1/products/${p.sku}`, key: payments }), 403, 'KS_ERR_FORBIDDEN');
  });
});

describe('shipping rules', () => {
  test('create and list; a new rule for the same region and currency supersedes the old one', async () => {
    const region = newRegion();
    const first = await tokyoRule(region, { description: 'Yamato 2026' });
    assert.match(first.id, /^shr_/);
    assert.deepEqual(first.bands, [{ up_to_grams: 2000, fee: 800 }, { up_to_grams: 5000, fee: 1200 }]);
    assert.equal(first.free_shipping_threshold, 5000);
    assert.equal(first.active, true);
    const second = await tokyoRule(region, { bands: [{ up_to_grams: null, fee: 990 }], free_shipping_threshold: null });
    const active = (await t.request({ method: 'GET', url: `/v1/shipping_rules?region=${region}` })).json();
    assert.deepEqual(active.data.map((r: { id: string }) => r.id), [second.id]);
    assert.deepEqual(active.data[0].bands, [{ up_to_grams: null, fee: 990 }]);
    assert.equal(active.data[0].free_shipping_threshold, null);
    const all = (await t.request({ method: 'GET', url: `/v1/shipping_rules?region=${region}&include_superseded=true` })).json();
    assert.deepEqual(all.data.map((r: { id: string; active: boolean; superseded_by: string | null }) => [r.id, r.active, r.superseded_by]), [
      [second.id, true, null],
      [first.id, false, second.id],
    ]);
    // Another currency for the same region is a rule of its own.
    await tokyoRule(region, { currency: 'USD' });
    assert.equal((await t.request({ method: 'GET', url: `/v1/shipping_rules?region=${region}` })).json().data.length, 2);
  });

  test('rules created at once for one region leave exactly one in force', async () => {
    const region = newRegion();
    const results = await Promise.all(Array.from({ length: 5 }, () => t.request({ method: 'POST', url: '/v1/shipping_rules', payload: { region, currency: 'JPY', bands: [{ up_to_grams: null, fee: 500 }] } })));
    assert.ok(results.every((r) => r.statusCode === 201), results.map((r) => r.body).join('\n'));
    assert.equal((await t.request({ method: 'GET', url: `/v1/shipping_rules?region=${region}` })).json().data.length, 1);
  });

  test('bad input names the field', async () => {
    const post = (body: Record<string, unknown>) => t.request({ method: 'POST', url: '/v1/shipping_rules', payload: { region: newRegion(), currency: 'JPY', bands: [{ up_to_grams: 1000, fee: 500 }], ...body } });
    assertError(await post({ bands: [{ up_to_grams: 1000, fee: 500 }, { up_to_grams: 1000, fee: 700 }] }), 400, 'KS_ERR_VALIDATION', 'bands[1].up_to_grams');
    assertError(await post({ bands: [{ up_to_grams: null, fee: 500 }, { up_to_grams: 2000, fee: 700 }] }), 400, 'KS_ERR_VALIDATION', 'bands[0].up_to_grams');
    assertError(await post({ bands: [{ up_to_grams: 1000 }] }), 400, 'KS_ERR_VALIDATION', 'bands[0].fee');
    assertError(await post({ bands: [{ up_to_grams: 1000, fee: 1.5 }] }), 400, 'KS_ERR_VALIDATION', 'bands[0].fee');
    assertError(await post({ bands: [{ up_to_grams: 0, fee: 100 }] }), 400, 'KS_ERR_VALIDATION', 'bands[0].up_to_grams');
    assertError(await post({ bands: [] }), 400, 'KS_ERR_VALIDATION', 'bands');
    assertError(await post({ free_shipping_threshold: -5 }), 400, 'KS_ERR_VALIDATION', 'free_shipping_threshold');
    assertError(await post({ currency: 'ABC' }), 400, 'KS_ERR_CURRENCY_UNSUPPORTED', 'currency');
    assertError(await post({ region: 'Tokyo Metropolis' }), 400, 'KS_ERR_VALIDATION', 'region');
  });
});

describe('carts', () => {
  test('lines, subtotal, weight, shipping fee and total', async () => {
    const region = newRegion();
    const rule = await tokyoRule(region);
    const bowl = await createProduct(t, { price: 1200, weight_grams: 300 });
    const pot = await createProduct(t, { price: 900, weight_grams: 800 });
    const cart = await createCart(t, { region, customer_reference: 'cus-42' });
    assert.match(cart.id, /^cart_/);
    assert.deepEqual([cart.status, cart.lines, cart.subtotal, cart.shipping_fee, cart.total], ['open', [], 0, 0, 0]);

    let view = (await addLine(t, cart.id, bowl.sku, 1)).json();
    view = (await addLine(t, cart.id, pot.sku, 1)).json();
    view = (await addLine(t, cart.id, bowl.sku, 1)).json(); // the same SKU again: quantity 2
    assert.deepEqual(view.lines.map((l: any) => [l.sku, l.quantity, l.unit_price, l.amount, l.weight_grams, l.in_stock]), [
      [bowl.sku, 2, 1200, 2400, 300, true],
      [pot.sku, 1, 900, 900, 800, true],
    ]);
    assert.equal(view.subtotal, 3300);
    assert.equal(view.total_weight_grams, 1400);
    assert.deepEqual([view.shipping_fee, view.shipping_rule_id, view.free_shipping, view.shipping_error, view.total], [800, rule.id, false, null, 4100]);
    assert.equal(view.customer_reference, 'cus-42');

    // 2 bowls + 2 pots = 2200 g: the second band.
    view = (await addLine(t, cart.id, pot.sku, 2, { mode: 'set' })).json();
    assert.deepEqual([view.subtotal, view.total_weight_grams, view.shipping_fee, view.total], [4200, 2200, 1200, 5400]);
    // Exactly at the free-shipping threshold (5,000 yen) ships free.
    await t.request({ method: 'PATCH', url: `/v1/products/${pot.sku}`, payload: { price: 1300 } });
    view = (await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json();
    assert.deepEqual([view.subtotal, view.shipping_fee, view.free_shipping, view.total], [5000, 0, true, 5000], 'current prices, free at the threshold');
    // Quantity 0 removes the line.
    view = (await addLine(t, cart.id, pot.sku, 0)).json();
    assert.deepEqual(view.lines.map((l: any) => l.sku), [bowl.sku]);
    assert.equal((await addLine(t, cart.id, pot.sku, 0)).statusCode, 200, 'removing an absent line changes nothing');
  });

  test('the shipping fee is null while it cannot be known, with the reason', async () => {
    const light = await createProduct(t, { weight_grams: 100 });
    const noRegion = await cartWith(t, [[light.sku, 1]]);
    const view = (await t.request({ method: 'GET', url: `/v1/carts/${noRegion.id}` })).json();
    assert.deepEqual([view.region, view.subtotal, view.shipping_fee, view.total, view.shipping_error], [null, 1200, null, null, null]);

    const nowhere = newRegion();
    const patched = await t.request({ method: 'PATCH', url: `/v1/carts/${noRegion.id}`, payload: { region: nowhere } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.equal(patched.json().shipping_error.code, 'KS_ERR_SHIPPING_RULE_NOT_FOUND');
    assert.equal(patched.json().shipping_error.region, nowhere);
    assert.equal(patched.json().total, null);

    const region = newRegion();
    await tokyoRule(region);
    const heavy = await createProduct(t, { weight_grams: 6000 });
    const tooHeavy = await cartWith(t, [[heavy.sku, 1]], { region });
    const v2 = (await t.request({ method: 'GET', url: `/v1/carts/${tooHeavy.id}` })).json();
    assert.equal(v2.shipping_error.code, 'KS_ERR_SHIPPING_WEIGHT_EXCEEDED');
    assert.equal(v2.shipping_error.max_weight_grams, 5000);
    assert.equal(v2.shipping_fee, null);
  });

  test('bad input names the field', async () => {
    const cart = await createCart(t);
    const usd = await createProduct(t, { currency: 'USD' });
    assertError(await addLine(t, cart.id, 'NOPE-404', 1), 404, 'KS_ERR_PRODUCT_NOT_FOUND', 'sku');
    assertError(await addLine(t, cart.id, usd.sku, 1), 400, 'KS_ERR_CURRENCY_MISMATCH', 'sku');
    const p = await createProduct(t);
    assertError(await addLine(t, cart.id, p.sku, -1), 400, 'KS_ERR_VALIDATION', 'quantity');
    assertError(await addLine(t, cart.id, p.sku, 1.5), 400, 'KS_ERR_VALIDATION', 'quantity');
    assertError(await addLine(t, cart.id, p.sku, 10_000), 400, 'KS_ERR_VALIDATION', 'quantity');
    assert.equal((await addLine(t, cart.id, p.sku, 9_999)).statusCode, 200);
    assertError(await addLine(t, cart.id, p.sku, 1), 400, 'KS_ERR_VALIDATION', 'quantity');
    assertError(await addLine(t, cart.id, p.sku, 1, { mode: 'replace' }), 400, 'KS_ERR_VALIDATION', 'mode');
    assertError(await t.request({ method: 'POST', url: `/v1/carts/${cart.id}/lines`, payload: { quantity: 1 } }), 400, 'KS_ERR_VALIDATION', 'sku');
    assertError(await t.request({ method: 'POST', url: '/v1/carts', payload: { currency: 'XYZ' } }), 400, 'KS_ERR_CURRENCY_UNSUPPORTED', 'currency');
    assertError(await t.request({ method: 'POST', url: '/v1/carts', payload: {} }), 400, 'KS_ERR_VALIDATION', 'currency');
    assertError(await t.request({ method: 'POST', url: '/v1/carts', payload: { currency: 'JPY', region: 'a b' } }), 400, 'KS_ERR_VALIDATION', 'region');
    assertError(await t.request({ method: 'GET', url: '/v1/carts/cart_nope' }), 404, 'KS_ERR_CART_NOT_FOUND');
    assertError(await addLine(t, 'cart_nope', p.sku, 1), 404, 'KS_ERR_CART_NOT_FOUND');
  });

  test('concurrent additions of one SKU all count', async () => {
    const p = await createProduct(t);
    const cart = await createCart(t);
    const results = await Promise.all(Array.from({ length: 20 }, () => addLine(t, cart.id, p.sku, 2)));
    assert.ok(results.every((r) => r.statusCode === 200), results.map((r) => r.body).join('\n'));
    assert.equal((await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json().lines[0].quantity, 40);
  });

  test('a soft-deleted cart stays readable and never changes again', async () => {
    const p = await createProduct(t);
    const cart = await cartWith(t, [[p.sku, 1]]);
    const deleted = await t.request({ method: 'DELETE', url: `/v1/carts/${cart.id}` });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.equal(deleted.json().status, 'deleted');
    assert.ok(deleted.json().deleted_at);
    const again = await t.request({ method: 'DELETE', url: `/v1/carts/${cart.id}` });
    assert.equal(again.json().deleted_at, deleted.json().deleted_at, 'deleting twice changes nothing');
    const read = (await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json();
    assert.deepEqual([read.status, read.lines.length], ['deleted', 1]);
    assertError(await addLine(t, cart.id, p.sku, 1), 409, 'KS_ERR_CART_DELETED');
    assertError(await addLine(t, cart.id, p.sku, 0), 409, 'KS_ERR_CART_DELETED');
    assertError(await t.request({ method: 'PATCH', url: `/v1/carts/${cart.id}`, payload: { region: 'JP-13' } }), 409, 'KS_ERR_CART_DELETED');
  });

  test('an Idempotency-Key replays the first answer instead of adding twice', async () => {
    const p = await createProduct(t);
    const cart = await createCart(t);
    const headers = { 'idempotency-key': `line-${cart.id}` };
    const first = await t.request({ method: 'POST', url: `/v1/carts/${cart.id}/lines`, headers, payload: { sku: p.sku, quantity: 1 } });
    const replay = await t.request({ method: 'POST', url: `/v1/carts/${cart.id}/lines`, headers, payload: { sku: p.sku, quantity: 1 } });
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().lines[0].quantity, first.json().lines[0].quantity);
    assert.equal((await t.request({ method: 'GET', url: `/v1/carts/${cart.id}` })).json().lines[0].quantity, 1);
  });
});
