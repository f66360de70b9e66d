import { sql } from 'kysely';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { appendEvents, writeAudit } from '../events/index.ts';
import { isSupportedCurrency, parseMinorUnits } from '../money/index.ts';
import { actorLabel, type Actor, type ReconciliationContext } from './context.ts';
import { CORRECTABLE_STATES } from './discrepancy-transitions.ts';
import type { DiscrepancyState } from './tables.ts';

export const CORRECTION_SIDES = ['channel', 'ours'] as const;
export const CORRECTION_FIELDS = ['amount', 'acquirer', 'interchange', 'scheme', 'other', 'three_ds'] as const;
export type CorrectionSide = (typeof CORRECTION_SIDES)[number];
export type CorrectionField = (typeof CORRECTION_FIELDS)[number];

export interface CorrectionRequest {
  side: CorrectionSide;
  field: CorrectionField;
  /** Minor units, signed (refunds are negative on both sides), as an integer or a digit string. */
  amount: number | string;
  currency: string;
  reason: string;
  /** Evidence already attached to this discrepancy; at least one. */
  evidenceIds: string[];
}

export interface CorrectionView {
  id: string;
  object: 'reconciliation_discrepancy_correction';
  discrepancy_id: string;
  seq: number;
  side: CorrectionSide;
  field: CorrectionField;
  /** Amounts are strings of minor units: exact whatever their size. */
  before: { amount: string | null; currency: string | null };
  after: { amount: string; currency: string };
  reason: string;
  evidence_ids: string[];
  actor: string;
  at: string;
}

/** Signed minor units; the magnitude checked by the money module. */
function signedMinor(value: number | string): bigint {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  const negative = typeof text === 'string' && text.startsWith('-');
  const magnitude = parseMinorUnits(negative ? text.slice(1) : text, 'amount');
  return negative ? -magnitude : magnitude;
}

/**
 * Records what one side's amount or fee item of a discrepancy should have been. Allowed while
 * the discrepancy is pending or in progress (a resolved one is reopened first); it does not
 * change the state: the operator resolves afterwards. The discrepancy's row is locked, so two
 * operators correcting at once are both kept, in order, the second's "before" being the first's
 * "after".
 */
export async function correctDiscrepancy(ctx: ReconciliationContext, discrepancyId: string, request: CorrectionRequest, actor: Actor): Promise<CorrectionView> {
  const reason = request.reason.trim();
  if (!reason) throw new KessaiError('KS_ERR_VALIDATION', 'reason: required to correct an amount', { field: 'reason' });
  const amount = signedMinor(request.amount);
  const currency = request.currency.toUpperCase();
  if (!isSupportedCurrency(currency)) throw new KessaiError('KS_ERR_CURRENCY_UNSUPPORTED', `Unknown currency ${request.currency}`, { field: 'currency' });
  const evidenceIds = [...new Set(request.evidenceIds)];
  if (evidenceIds.length === 0) {
    throw new KessaiError('KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED', 'An amount correction needs at least one evidence file attached to the discrepancy', { field: 'evidence_ids' });
  }
  const who = actorLabel(actor);
  const key = `${request.side}.${request.field}`;

  return ctx.db.transaction().execute(async (trx) => {
    // Lock first, then read: a statement that waited for the lock reads with a fresh snapshot,
    // so it sees a correction committed meanwhile (its seq and its value as "before").
    const locked = await trx.selectFrom('recon_discrepancies').select('id').where('id', '=', discrepancyId).forUpdate().executeTakeFirst();
    const current = locked
      ? await sql<{ state: DiscrepancyState; before_amount: string | null; before_currency: string | null; next_seq: number }>`
      SELECT d.state,
             coalesce(d.corrected -> ${key} ->> 'amount',
                      CASE WHEN ${request.field} = 'amount' THEN d.fields -> 'amount' ->> ${request.side}
                           ELSE d.fields -> 'fees' -> ${request.field} ->> ${request.side} END) AS before_amount,
             coalesce(d.corrected -> ${key} ->> 'currency', nullif(d.fields -> 'currency' ->> ${request.side}, '*'), d.currency) AS before_currency,
             (SELECT coalesce(max(c.seq), 0) + 1 FROM recon_discrepancy_corrections c WHERE c.discrepancy_id = d.id)::int AS next_seq
        FROM recon_discrepancies d WHERE d.id = ${discrepancyId}`.execute(trx)
      : { rows: [] };
    const row = current.rows[0];
    if (!row) throw new KessaiError('KS_ERR_DISCREPANCY_NOT_FOUND', `No discrepancy ${discrepancyId}`, { ids: [discrepancyId] });
    if (!CORRECTABLE_STATES.has(row.state)) {
      throw new KessaiError('KS_ERR_DISCREPANCY_INVALID_STATE', `Cannot correct ${discrepancyId} (${row.state}): reopen it first`, { action: 'correct', refused: [{ id: discrepancyId, state: row.state }] });
    }
    const known = await trx.selectFrom('recon_discrepancy_evidence').select('id').where('discrepancy_id', '=', discrepancyId).where('id', 'in', evidenceIds).execute();
    const unknown = evidenceIds.filter((id) => !known.some((k) => k.id === id));
    if (unknown.length > 0) {
      throw new KessaiError('KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED', `No evidence ${unknown.join(', ')} attached to ${discrepancyId}`, { field: 'evidence_ids', unknown });
    }

    const id = newId('rcor');
    const before = { amount: row.before_amount, currency: row.before_currency };
    const after = { amount: amount.toString(), currency };
    const inserted = await sql<{ at: Date }>`
      INSERT INTO recon_discrepancy_corrections (id, discrepancy_id, seq, side, field, before_amount, before_currency, amount, currency, reason, evidence_ids, actor)
      VALUES (${id}, ${discrepancyId}, ${row.next_seq}, ${request.side}, ${request.field}, ${before.amount}::bigint, ${before.currency}, ${after.amount}::bigint, ${currency}, ${reason}, ${evidenceIds}::text[], ${who})
      RETURNING at`.execute(trx);
    // The latest value per side and field, amounts as strings (exact in JSON).
    await sql`
      UPDATE recon_discrepancies
         SET corrected = corrected || jsonb_build_object(${key}::text, jsonb_build_object('amount', ${after.amount}::text, 'currency', ${currency}::text, 'correction_id', ${id}::text)),
             updated_at = now()
       WHERE id = ${discrepancyId}`.execute(trx);
    const details = { correction_id: id, seq: row.next_seq, side: request.side, field: request.field, before, after, evidence_ids: evidenceIds };
    await sql`
      INSERT INTO recon_discrepancy_actions (discrepancy_id, action, from_state, to_state, actor, reason, details)
      VALUES (${discrepancyId}, 'correct', ${row.state}, ${row.state}, ${who}, ${reason}, ${JSON.stringify(details)}::jsonb)`.execute(trx);
    // The audit row carries before and after, whoever asked (an API key too, not only a session).
    await writeAudit(trx, { actorType: actor.type, actorId: actor.id, actorName: actor.name, requestId: actor.requestId ?? null, ip: actor.ip ?? null, action: 'discrepancy.amount_corrected', targetType: 'reconciliation_discrepancy', targetId: discrepancyId, details: { ...details, reason } });
    await appendEvents(trx, [{ type: 'discrepancy.amount_corrected', aggregateId: discrepancyId, data: { ...details, reason }, actor: who }]);
    return {
      id,
      object: 'reconciliation_discrepancy_correction',
      discrepancy_id: discrepancyId,
      seq: row.next_seq,
      side: request.side,
      field: request.field,
      before,
      after,
      reason,
      evidence_ids: evidenceIds,
      actor: who,
      at: inserted.rows[0]!.at.toISOString(),
    };
  });
}

/** Every correction of a discrepancy, oldest first. */
export async function listCorrections(ctx: ReconciliationContext, discrepancyId: string): Promise<CorrectionView[]> {
  const { rows } = await sql<{
    id: string;
    seq: number;
    side: CorrectionSide;
    field: CorrectionField;
    before_amount: string | null;
    before_currency: string | null;
    amount: string;
    currency: string;
    reason: string;
    evidence_ids: string[];
    actor: string;
    at: Date;
  }>`SELECT id, seq, side, field, before_amount::text, before_currency, amount::text, currency, reason, evidence_ids, actor, at
       FROM recon_discrepancy_corrections WHERE discrepancy_id = ${discrepancyId} ORDER BY seq`.execute(ctx.db);
  return rows.map((r) => ({
    id: r.id,
    object: 'reconciliation_discrepancy_correction',
    discrepancy_id: discrepancyId,
    seq: r.seq,
    side: r.side,
    field: r.field,
    before: { amount: r.before_amount, currency: r.before_currency },
    after: { amount: r.amount, currency: r.currency },
    reason: r.reason,
    evidence_ids: r.evidence_ids,
    actor: r.actor,
    at: r.at.toISOString(),
  }));
}
