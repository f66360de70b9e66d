import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.ts';

export interface DemoCredentials {
  apiKey: string | null;
  operator: { username: string; password: string } | null;
}

const DEMO_OPERATOR = { username: 'admin', password: 'kessai-demo-admin' };

/**
 * First start only: an admin operator, an API key, and a few payments in different states,
 * all made through the public API. The demo key is kept in the data directory (a development
 * convenience) so later starts can print it again; production deployments set
 * KESSAI_SEED_DEMO=false.
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

  const call = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
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
  }
  return { apiKey: key, operator: DEMO_OPERATOR };
}
