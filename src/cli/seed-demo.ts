import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.ts';
import { seedReconciliation, seedRewards, type Call } from './seed-demo-data.ts';

export interface DemoCredentials {
  apiKey: string | null;
  operator: { username: string; password: string } | null;
}

const DEMO_OPERATOR = { username: 'admin', password: 'kessai-demo-admin' };

/** A small catalog, a shipping rule, and two checkouts: one completed (its mail is an .eml file), one declined. */
async function seedCheckouts(call: Call): Promise<void> {
  const products = [
    { sku: 'TEA-SENCHA-100', name: 'Sencha 100 g', price: 1_620, weight_grams: 120, stock: 40 },
    { sku: 'BOWL-RAKU', name: 'Raku tea bowl', price: 8_800, weight_grams: 450, stock: 6 },
    { sku: 'WHISK-CHASEN', name: 'Bamboo whisk', price: 2_750, weight_grams: 60, stock: 25 },
  ];
  for (const p of products) await call('POST', '/v1/products', { ...p, currency: 'JPY' });
  await call('POST', '/v1/shipping_rules', { region: 'JP-13', currency: 'JPY', bands: [{ up_to_grams: 2000, fee: 800 }, { up_to_grams: null, fee: 1_400 }], free_shipping_threshold: 10_000 });
  const customer = { email: 'hanako@example.com', name: 'Hanako Yamada' };
  const shipping_address = { name: 'Hanako Yamada', line1: '1-2-3 Marunouchi', city: 'Chiyoda-ku, Tokyo', postal_code: '100-0005', country: 'JP' };
  for (const [lines, payment_method] of [
    [[['TEA-SENCHA-100', 2], ['WHISK-CHASEN', 1]], 'pm_card_visa'],
    [[['BOWL-RAKU', 1]], 'pm_card_declined'],
  ] as const) {
    const cart = await call('POST', '/v1/carts', { currency: 'JPY', region: 'JP-13' });
    for (const [sku, quantity] of lines) await call('POST', `/v1/carts/${cart.id}/lines`, { sku, quantity });
    await call('POST', `/v1/carts/${cart.id}/checkout`, { customer, shipping_address, payment_method });
  }
}

/**
 * First start only: operators, an API key, a few payments in different states, checkouts,
 * rewards campaigns and two reconciled days of a demo channel, all made through the public API.
 * The demo key is kept in the data directory (a development convenience) so later starts can
 * print it again; production deployments set KESSAI_SEED_DEMO=false.
 */
export async function seedDemo(platform: Platform, app: FastifyInstance): Promise<DemoCredentials> {
  const keyFile = join(platform.config.dataDir, 'demo-api-key.txt');
  if ((await platform.identity.countOperators()) > 0) {
    return { apiKey: existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : null, operator: existsSync(keyFile) ? DEMO_OPERATOR : null };
  }
  await platform.identity.createOperator({ ...DEMO_OPERATOR, role: 'admin', displayName: 'Demo Admin' });
  await platform.identity.createOperator({ username: 'operator', password: 'kessai-demo-operator', role: 'operator', displayName: 'Demo Operator' });
  await platform.identity.createOperator({ username: 'viewer', password: 'kessai-demo-viewer', role: 'viewer', displayName: 'Demo Viewer' });
  const { key } = await platform.identity.createApiKey({ name: 'demo', scopes: ['admin'] });
  mkdirSync(platform.config.dataDir, { recursive: true });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });

  const call: Call = async (method, url, payload) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
    // A declined payment or checkout is part of the demo; anything else refused is a broken seed.
    if (res.statusCode >= 400 && res.statusCode !== 402) throw new Error(`demo seed: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json();
  };
  const create = (order: string, amount: number, payment_method = 'pm_card_visa', capture_method = 'manual') =>
    call('POST', '/v1/payments', { order_id: order, amount, currency: 'JPY', provider: 'sandbox', payment_method, capture_method });

  if (platform.config.sandbox.enabled) {
    await create('demo-1001', 4_280);
    const delivered = await create('demo-1002', 12_800);
    await call('POST', '/v1/orders/demo-1002/delivered');
    await call('POST', `/v1/payments/${delivered.id}/capture`);
    const refunded = await create('demo-1003', 6_600, 'pm_card_visa', 'automatic');
    await call('POST', `/v1/payments/${refunded.id}/refunds`, { amount: 1_200 });
    await create('demo-1004', 3_000, 'pm_card_declined');
    await create('demo-1005', 5_000, 'pm_card_debit');
    await call('POST', '/v1/orders/demo-1005/changes', { kind: 'stockout', amount: 4_650 });
    await create('demo-1006', 9_900);
    await call('POST', '/v1/orders/demo-1006/changes', { kind: 'items', amount: 11_400 });
    await create('demo-1007', 2_400);
    await call('POST', '/v1/orders/demo-1007/changes', { kind: 'cancel' });
    await create('demo-1008', 7_700, 'pm_card_timeout');
    await seedCheckouts(call);
  }
  await seedRewards(call);
  await seedReconciliation(app, key, call);
  return { apiKey: key, operator: DEMO_OPERATOR };
}
