import { formatPercent, formatPoints, percentUsed } from './format.ts';

/** Points used of the budget, as a bar and figures; without a budget, only what is used. */
export function BudgetBar({ used, budget }: { used: number; budget: number | null }) {
  const pct = percentUsed(used, budget);
  return (
    <div className="budget-bar" data-field="budget" title={budget === null ? 'No budget cap' : `${formatPoints(used)} of ${formatPoints(budget)} points used`}>
      <div className="budget-figures">
        <span data-field="budget-used">{formatPoints(used)}</span>
        <span className="muted"> / {budget === null ? 'no budget' : formatPoints(budget)}</span>
        {pct !== null && <span className="muted small"> · {formatPercent(pct)}</span>}
      </div>
      {pct !== null && (
        <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-label="Budget used">
          <div className={pct >= 90 ? 'meter-fill meter-hot' : 'meter-fill'} style={{ width: `${pct}%` }} />
        </div>
      )}
    </div>
  );
}
