import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RewardInboundEvent } from '../../src/rewards/index.ts';
import type { TestApp } from './app.ts';

export const uid = () => randomUUID().slice(0, 8);

/**
 * A campaign (1 % from stage 10 unless `extra` says otherwise) that takes only its own payment
 * method, so that tests sharing a database do not see each other's payments.
 */
export async function postCampaign(t: TestApp, extra: Record<string, unknown> = {}) {
  const method = `m_${uid()}`;
  const body = {
    name: `campaign ${uid()}`,
    starts_at: '2026-01-01T00:00:00Z',
    ends_at: '2099-01-01T00:00:00Z',
    stage_rates: [{ min_stage: 10, rate_percent: '1.0' }],
    rounding: 'floor',
    funding_party: 'card_issuer',
    payment_filters: { payment_methods: [method] },
    ...extra,
  };
  const res = await t.request({ method: 'POST', url: '/v1/rewards/campaigns', payload: body });
  assert.equal(res.statusCode, 201, res.body);
  const json = res.json() as { id: string; version: number; points_expire_after_days: number | null };
  return { ...json, method, body };
}

/** A customer's local copy: card status 2 and the stage given. */
export async function putRewardCustomer(t: TestApp, stage = 30) {
  const id = `cus-${uid()}`;
  const res = await t.request({ method: 'PUT', url: `/v1/rewards/customers/${id}`, payload: { stage, card_status: 2, as_of: '2026-01-01T00:00:00Z' } });
  assert.equal(res.statusCode, 200, res.body);
  return id;
}

/** An event as `POST /v1/events` takes it, applied in-process (no signature). */
export function ingestEvent(t: TestApp, type: 'payment.settled' | 'payment.refunded', data: Record<string, unknown>) {
  const rewards = t.platform.rewards;
  return rewards.ingest(rewards.parseEvent({ id: `evt-${uid()}`, type, data }, 'http') as RewardInboundEvent);
}
