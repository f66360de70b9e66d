import type pg from 'pg';
import { KessaiError } from '../errors/index.ts';
import { sandboxCard } from './cards.ts';

export interface CardSummary {
  payment_method: string;
  funding: 'credit' | 'debit';
  description: string;
  limit: number | null;
  charges: number;
  /** Open authorizations not yet captured. */
  held: bigint;
  captured: bigint;
  refunded: bigint;
  /**
   * What the card carries now: holds plus captures less refunds. For a debit card this is the
   * money gone from the customer's account.
   */
  outstanding: bigint;
}

export async function cardSummary(pool: pg.Pool, paymentMethod: string): Promise<CardSummary> {
  const card = sandboxCard(paymentMethod);
  if (!card) throw new KessaiError('KS_ERR_NOT_FOUND', `No sandbox payment method ${paymentMethod}`, { field: 'payment_method' });
  const { rows } = await pool.query<{ charges: string; held: string; captured: string; refunded: string }>(
    `SELECT count(*) AS charges,
            COALESCE(SUM(CASE WHEN status IN ('authorized','partially_captured') THEN amount_authorized - amount_captured ELSE 0 END), 0) AS held,
            COALESCE(SUM(amount_captured), 0) AS captured,
            COALESCE(SUM(amount_refunded), 0) AS refunded
       FROM sandbox_charges WHERE payment_method = $1`,
    [paymentMethod],
  );
  const r = rows[0]!;
  const held = BigInt(r.held);
  const captured = BigInt(r.captured);
  const refunded = BigInt(r.refunded);
  return {
    payment_method: paymentMethod,
    funding: card.funding,
    description: card.description,
    limit: card.limit === undefined ? null : Number(card.limit),
    charges: Number(r.charges),
    held,
    captured,
    refunded,
    outstanding: held + captured - refunded,
  };
}
