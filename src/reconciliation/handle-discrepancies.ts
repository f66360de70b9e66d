import { sql } from 'kysely';
import { KessaiError } from '../errors/index.ts';
import { appendEvents } from '../events/index.ts';
import { actorLabel, type Actor, type ReconciliationContext } from './context.ts';
import { nextState, REASON_REQUIRED, type DiscrepancyAction } from './discrepancy-transitions.ts';

const EVENT_OF: Record<DiscrepancyAction, string> = { start: 'discrepancy.started', resolve: 'discrepancy.resolved', reopen: 'discrepancy.reopened', note: 'discrepancy.noted' };

/**
 * One action on one or many discrepancies (a bulk action), all or none: the rows are locked in
 * id order (two bulk actions never deadlock), every one must allow the action, and each change
 * is logged with the operator and the reason. `start` makes the actor the discrepancy's operator.
 */
export async function handleDiscrepancies(ctx: ReconciliationContext, ids: string[], action: DiscrepancyAction, reason: string | null, actor: Actor) {
  const unique = [...new Set(ids)].sort();
  if (unique.length === 0 || unique.length > 500) throw new KessaiError('KS_ERR_VALIDATION', 'ids: 1 to 500 discrepancy ids', { field: 'ids' });
  if (REASON_REQUIRED.has(action) && !reason?.trim()) throw new KessaiError('KS_ERR_VALIDATION', `reason: required to ${action}`, { field: 'reason' });
  const who = actorLabel(actor);
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('recon_discrepancies').select(['id', 'state']).where('id', 'in', unique).orderBy('id').forUpdate().execute();
    const missing = unique.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length > 0) throw new KessaiError('KS_ERR_DISCREPANCY_NOT_FOUND', `No discrepancy ${missing.join(', ')}`, { ids: missing });
    const refused = rows.filter((r) => nextState(r.state, action) === null);
    if (refused.length > 0) {
      throw new KessaiError('KS_ERR_DISCREPANCY_INVALID_STATE', `Cannot ${action} ${refused.map((r) => `${r.id} (${r.state})`).join(', ')}`, {
        action,
        refused: refused.map((r) => ({ id: r.id, state: r.state })),
      });
    }
    for (const r of rows) {
      const to = nextState(r.state, action)!;
      await trx
        .updateTable('recon_discrepancies')
        .set({
          state: to,
          updated_at: sql`now()`,
          ...(to !== r.state ? { state_changed_at: sql`now()` } : {}),
          ...(action === 'start' ? { operator: who } : {}),
          ...(action !== 'start' && reason ? { operator_reason: reason } : {}),
          ...(to === 'resolved' ? { resolved_at: sql`now()`, operator: sql`coalesce(operator, ${who})` } : {}),
          ...(action === 'reopen' ? { resolved_at: null } : {}),
        })
        .where('id', '=', r.id)
        .execute();
    }
    await trx
      .insertInto('recon_discrepancy_actions')
      .values(rows.map((r) => ({ discrepancy_id: r.id, action, from_state: r.state, to_state: nextState(r.state, action)!, actor: who, reason })))
      .execute();
    await appendEvents(
      trx,
      rows.map((r) => ({ type: EVENT_OF[action], aggregateId: r.id, data: { from: r.state, to: nextState(r.state, action), reason }, actor: who })),
    );
    return rows.map((r) => ({ id: r.id, from: r.state, to: nextState(r.state, action)! }));
  });
}
