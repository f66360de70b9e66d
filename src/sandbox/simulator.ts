import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { newId, withTransaction } from '../db/index.ts';
import { sandboxCard, type SandboxCard } from './cards.ts';

/**
 * A faithful, in-process simulator of a card payment provider. It keeps its own books in
 * `sandbox_*` tables, honours idempotency keys like a real provider (same key → first answer),
 * and can be slow, fail, or lose responses, so every failure mode of a real provider can be
 * reproduced in tests and demos.
 */
export interface SandboxCharge {
  id: string;
  payment_method: string;
  currency: string;
  capture_method: 'manual' | 'automatic';
  status: 'authorized' | 'partially_captured' | 'captured' | 'voided';
  amount_authorized: string;
  amount_captured: string;
  amount_refunded: string;
  reference: string | null;
}

export type SandboxAnswer =
  | { ok: true; charge: SandboxCharge; refund?: { id: string; amount: string; status: 'succeeded' } }
  | { ok: false; type: 'card_declined'; code: string; message: string }
  | { ok: false; type: 'invalid_request'; code: string; message: string };

/** The network failed: `timeout` after the provider acted (response lost), `unavailable` before. */
export class SandboxTransportError extends Error {
  readonly kind: 'timeout' | 'unavailable';
  constructor(kind: 'timeout' | 'unavailable') {
    super(kind === 'timeout' ? 'sandbox: response lost (timeout)' : 'sandbox: service unavailable (503)');
    this.kind = kind;
  }
}

export interface SandboxOptions {
  latencyMs: number;
  faultRate: number;
  random?: () => number;
}

type Client = pg.PoolClient;

// Amounts travel as decimal strings inside the simulator: its answers are stored as JSON.
const CHARGE = `id, payment_method, currency, capture_method, status, amount_authorized::text AS amount_authorized,
  amount_captured::text AS amount_captured, amount_refunded::text AS amount_refunded, reference`;

const invalid = (code: string, message: string): SandboxAnswer => ({ ok: false, type: 'invalid_request', code, message });

async function lockCard(client: Client, card: SandboxCard): Promise<void> {
  // Only limited cards need their exposure checked atomically; others never contend.
  if (card.limit !== undefined) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sandbox:${card.paymentMethod}`]);
}

async function exposure(client: Client, paymentMethod: string): Promise<bigint> {
  const { rows } = await client.query<{ exposure: string }>(
    `SELECT COALESCE(SUM(CASE WHEN status IN ('authorized','partially_captured')
                               THEN amount_authorized - amount_refunded ELSE amount_captured - amount_refunded END), 0) AS exposure
       FROM sandbox_charges WHERE payment_method = $1`,
    [paymentMethod],
  );
  return BigInt(rows[0]!.exposure);
}

async function chargeForUpdate(client: Client, id: string): Promise<SandboxCharge | undefined> {
  const { rows } = await client.query<SandboxCharge>(`SELECT ${CHARGE} FROM sandbox_charges WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export function createSandboxSimulator(pool: pg.Pool, options: SandboxOptions) {
  const random = options.random ?? Math.random;

  /**
   * Runs one provider request under its idempotency key; replays answer from the record.
   * `fresh`: a new charge known in advance (an authorization that needs no look at the card's
   * books), written with the key's record in one statement when the key is new; a key already
   * used goes the general way, and is replayed from its record.
   */
  async function handle(
    key: string,
    operation: string,
    paymentMethod: string | null,
    act: (client: Client) => Promise<SandboxAnswer>,
    fresh?: SandboxCharge,
  ): Promise<SandboxAnswer> {
    if (options.latencyMs > 0) await sleep(options.latencyMs);
    if (options.faultRate > 0 && random() < options.faultRate) throw new SandboxTransportError('unavailable');
    const { answer, replayed, method } = (fresh && (await writeFresh(key, operation, fresh))) || (await withTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sandbox-key:${key}`]);
      // A separate statement: its snapshot is taken after the lock, so it sees an answer
      // committed by a concurrent request with the same key.
      const prior = await client.query<{ response: SandboxAnswer; operation: string }>(
        'SELECT response, operation FROM sandbox_requests WHERE idempotency_key = $1',
        [key],
      );
      if (prior.rows[0]) {
        if (prior.rows[0].operation !== operation) {
          return { answer: invalid('idempotency_key_in_use', `key was used for ${prior.rows[0].operation}`), replayed: true, method: paymentMethod };
        }
        return { answer: prior.rows[0].response, replayed: true, method: paymentMethod };
      }
      const result = await act(client);
      const chargeId = result.ok ? result.charge.id : null;
      await client.query('INSERT INTO sandbox_requests (idempotency_key, operation, charge_id, response) VALUES ($1, $2, $3, $4)', [
        key,
        operation,
        chargeId,
        JSON.stringify(result),
      ]);
      return { answer: result, replayed: false, method: result.ok ? result.charge.payment_method : paymentMethod };
    }));
    if (!replayed && method && sandboxCard(method)?.losesResponses) throw new SandboxTransportError('timeout');
    return answer;
  }

  /** The key's record and its new charge in one statement; null when the key was already used. */
  async function writeFresh(key: string, operation: string, charge: SandboxCharge): Promise<{ answer: SandboxAnswer; replayed: false; method: string } | null> {
    const answer: SandboxAnswer = { ok: true, charge };
    const { rowCount } = await pool.query(
      `WITH claim AS (
         INSERT INTO sandbox_requests (idempotency_key, operation, charge_id, response) VALUES ($1, $2, $3, $4)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING charge_id)
       INSERT INTO sandbox_charges (id, payment_method, currency, capture_method, status, amount_authorized, amount_captured, reference)
       SELECT charge_id, $5, $6, $7, $8, $9, $10, $11 FROM claim`,
      [key, operation, charge.id, JSON.stringify(answer), charge.payment_method, charge.currency, charge.capture_method, charge.status, charge.amount_authorized, charge.amount_captured, charge.reference],
    );
    return rowCount === 1 ? { answer, replayed: false, method: charge.payment_method } : null;
  }

  async function onCharge(key: string, operation: string, chargeId: string, act: (client: Client, charge: SandboxCharge, card: SandboxCard) => Promise<SandboxAnswer>) {
    return handle(key, operation, null, async (client) => {
      const charge = await chargeForUpdate(client, chargeId);
      if (!charge) return invalid('resource_missing', `No such charge: ${chargeId}`);
      const card = sandboxCard(charge.payment_method)!;
      await lockCard(client, card);
      return act(client, charge, card);
    });
  }

  async function update(client: Client, id: string, set: string, params: unknown[]): Promise<SandboxCharge> {
    const { rows } = await client.query<SandboxCharge>(`UPDATE sandbox_charges SET ${set}, updated_at = now() WHERE id = $1 RETURNING ${CHARGE}`, [id, ...params]);
    return rows[0]!;
  }

  return {
    authorize(req: { key: string; reference: string; paymentMethod: string; amount: bigint; currency: string; captureMethod: 'manual' | 'automatic' }) {
      const card = sandboxCard(req.paymentMethod);
      // Approved whatever the card holds already: the charge is known before the books are read.
      const approved = card !== undefined && !card.declineCode && card.limit === undefined && req.amount > 0n;
      const automatic = req.captureMethod === 'automatic';
      const fresh: SandboxCharge | undefined = approved
        ? {
            id: newId('sbch'),
            payment_method: req.paymentMethod,
            currency: req.currency,
            capture_method: req.captureMethod,
            status: automatic ? 'captured' : 'authorized',
            amount_authorized: String(req.amount),
            amount_captured: automatic ? String(req.amount) : '0',
            amount_refunded: '0',
            reference: req.reference,
          }
        : undefined;
      return handle(
        req.key,
        'authorize',
        req.paymentMethod,
        async (client) => {
        if (!card) return invalid('invalid_payment_method', `Unknown sandbox payment method ${req.paymentMethod}`);
        if (req.amount <= 0n) return invalid('amount_too_small', 'amount must be positive');
        if (card.declineCode) return { ok: false, type: 'card_declined', code: card.declineCode, message: 'Your card has insufficient funds.' };
        await lockCard(client, card);
        if (card.limit !== undefined && (await exposure(client, card.paymentMethod)) + req.amount > card.limit) {
          return { ok: false, type: 'card_declined', code: 'insufficient_funds', message: 'The card limit would be exceeded.' };
        }
        const { rows } = await client.query<SandboxCharge>(
          `INSERT INTO sandbox_charges (id, payment_method, currency, capture_method, status, amount_authorized, amount_captured, reference)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${CHARGE}`,
          [newId('sbch'), req.paymentMethod, req.currency, req.captureMethod, automatic ? 'captured' : 'authorized', req.amount, automatic ? req.amount : 0n, req.reference],
        );
        return { ok: true, charge: rows[0]! };
        },
        fresh,
      );
    },

    increment(req: { key: string; chargeId: string; amount: bigint }) {
      return onCharge(req.key, 'increment', req.chargeId, async (client, charge, card) => {
        if (!card.incrementalAuthorization) return invalid('incremental_authorization_not_supported', 'This card does not support incremental authorization.');
        if (charge.status !== 'authorized') return invalid('charge_not_incrementable', `The charge is ${charge.status}.`);
        const increase = req.amount - BigInt(charge.amount_authorized);
        if (increase <= 0n) return invalid('amount_not_increased', 'The new amount must be higher than the authorized amount.');
        if (card.limit !== undefined && (await exposure(client, card.paymentMethod)) + increase > card.limit) {
          return { ok: false, type: 'card_declined', code: 'insufficient_funds', message: 'The card limit would be exceeded.' };
        }
        return { ok: true, charge: await update(client, charge.id, 'amount_authorized = $2', [req.amount]) };
      });
    },

    capture(req: { key: string; chargeId: string; amount: bigint; final: boolean }) {
      return onCharge(req.key, 'capture', req.chargeId, async (client, charge) => {
        if (charge.status !== 'authorized' && charge.status !== 'partially_captured') return invalid('charge_not_capturable', `The charge is ${charge.status}.`);
        const remaining = BigInt(charge.amount_authorized) - BigInt(charge.amount_captured);
        if (req.amount <= 0n || req.amount > remaining) return invalid('amount_too_large', `At most ${remaining} can be captured.`);
        const status = req.final ? 'captured' : 'partially_captured';
        return { ok: true, charge: await update(client, charge.id, 'amount_captured = amount_captured + $2, status = $3', [req.amount, status]) };
      });
    },

    void(req: { key: string; chargeId: string }) {
      return onCharge(req.key, 'void', req.chargeId, async (client, charge) => {
        if (charge.status !== 'authorized') return invalid('charge_not_voidable', `The charge is ${charge.status}.`);
        return { ok: true, charge: await update(client, charge.id, "status = 'voided'", []) };
      });
    },

    refund(req: { key: string; chargeId: string; amount: bigint }) {
      return onCharge(req.key, 'refund', req.chargeId, async (client, charge) => {
        const refundable = BigInt(charge.amount_captured) - BigInt(charge.amount_refunded);
        if (req.amount <= 0n || req.amount > refundable) return invalid('amount_too_large', `At most ${refundable} can be refunded.`);
        const updated = await update(client, charge.id, 'amount_refunded = amount_refunded + $2', [req.amount]);
        return { ok: true, charge: updated, refund: { id: newId('sbre'), amount: String(req.amount), status: 'succeeded' } };
      });
    },

    /** Status query: the charge an authorization request created, without side effects. */
    async findByKey(key: string): Promise<SandboxCharge | null> {
      if (options.latencyMs > 0) await sleep(options.latencyMs);
      // A provider that is down answers no status query either.
      if (options.faultRate > 0 && random() < options.faultRate) throw new SandboxTransportError('unavailable');
      const { rows } = await pool.query<SandboxCharge>(
        `SELECT ${CHARGE} FROM sandbox_charges WHERE id = (SELECT charge_id FROM sandbox_requests WHERE idempotency_key = $1)`,
        [key],
      );
      return rows[0] ?? null;
    },

    async retrieve(chargeId: string): Promise<SandboxCharge | null> {
      const { rows } = await pool.query<SandboxCharge>(`SELECT ${CHARGE} FROM sandbox_charges WHERE id = $1`, [chargeId]);
      return rows[0] ?? null;
    },
  };
}

export type SandboxSimulator = ReturnType<typeof createSandboxSimulator>;
