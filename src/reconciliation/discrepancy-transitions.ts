import type { DiscrepancyState } from './tables.ts';

export const DISCREPANCY_ACTIONS = ['start', 'resolve', 'reopen', 'note'] as const;
export type DiscrepancyAction = (typeof DISCREPANCY_ACTIONS)[number];

/**
 * What an operator's action does to a discrepancy (docs/reconciliation.md#handling-a-discrepancy):
 * the new state, or why not. `resolve` and `reopen` need a reason; `note` only adds to the log.
 */
export const DISCREPANCY_TRANSITIONS: ReadonlyArray<{ from: DiscrepancyState; action: DiscrepancyAction; to: DiscrepancyState }> = [
  { from: 'pending', action: 'start', to: 'in_progress' },
  { from: 'pending', action: 'resolve', to: 'resolved' },
  { from: 'in_progress', action: 'resolve', to: 'resolved' },
  { from: 'resolved', action: 'reopen', to: 'in_progress' },
  { from: 'pending', action: 'note', to: 'pending' },
  { from: 'in_progress', action: 'note', to: 'in_progress' },
  { from: 'resolved', action: 'note', to: 'resolved' },
];

export const REASON_REQUIRED: ReadonlySet<DiscrepancyAction> = new Set(['resolve', 'reopen', 'note']);

export function nextState(from: DiscrepancyState, action: DiscrepancyAction): DiscrepancyState | null {
  return DISCREPANCY_TRANSITIONS.find((t) => t.from === from && t.action === action)?.to ?? null;
}

/** An amount correction keeps the state; a resolved discrepancy is reopened before it is corrected. */
export const CORRECTABLE_STATES: ReadonlySet<DiscrepancyState> = new Set(['pending', 'in_progress']);
