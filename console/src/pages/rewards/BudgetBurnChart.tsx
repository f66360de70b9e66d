import type { CampaignDetail } from '../../api/types.ts';
import { formatDateTime } from '../../lib/format.ts';
import { formatDay, formatPercent, formatPoints } from './format.ts';

const W = 360;
const H = 170;
const PAD = { left: 48, right: 12, top: 12, bottom: 26 };

/** 1,234,567 → "1.2M"; for the axis only. */
function compact(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/**
 * The budget over the campaign's period: its ceiling as the versions set it (a step when a
 * version changed it), the even pace from start to end, and what is used today. The API gives
 * the used total only (`budget_used`), not its history: the figure is one dot, today.
 */
export function BudgetBurnChart({ campaign, now = Date.now() }: { campaign: CampaignDetail; now?: number }) {
  const start = new Date(campaign.starts_at).getTime();
  const end = new Date(campaign.ends_at).getTime();
  const used = campaign.budget_used;
  const budget = campaign.caps.budget;

  if (budget === null) {
    return (
      <section className="card" aria-labelledby="burn-title" data-testid="budget-burn">
        <h2 id="burn-title" className="card-title">
          Budget
        </h2>
        <p>
          No budget cap. <strong data-field="budget-used">{formatPoints(used)}</strong> points granted so far.
        </p>
      </section>
    );
  }

  // Budget steps, oldest version first: each version's budget from when it was saved.
  const oldestFirst = [...campaign.versions].sort((a, b) => a.version - b.version);
  const steps = oldestFirst.map((v, i) => ({ t: i === 0 ? start : Math.max(start, new Date(v.created_at).getTime()), budget: v.caps.budget }));
  const maxY = Math.max(used, ...steps.map((s) => s.budget ?? 0), 1) * 1.1;
  const span = Math.max(end - start, 1);
  const x = (t: number) => PAD.left + ((Math.min(Math.max(t, start), end) - start) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);

  let budgetPath = '';
  steps.forEach((s, i) => {
    if (s.budget === null) return;
    const next = steps[i + 1]?.t ?? end;
    budgetPath += `${budgetPath ? ' L' : 'M'} ${x(s.t).toFixed(1)} ${y(s.budget).toFixed(1)} L ${x(next).toFixed(1)} ${y(s.budget).toFixed(1)}`;
  });

  const elapsed = Math.min(1, Math.max(0, (now - start) / span));
  const pct = (used / budget) * 100;
  const inPeriod = now >= start && now < end;
  // At the pace so far (used / time elapsed), when the budget would run out: a projection.
  const runsOut = inPeriod && used > 0 ? start + (budget / used) * (now - start) : null;
  const ticks = [0, maxY / 2 / 1.1, maxY / 1.1].map((v) => Math.round(v));

  return (
    <section className="card" aria-labelledby="burn-title" data-testid="budget-burn">
      <h2 id="burn-title" className="card-title">
        Budget burn
      </h2>
      <p className="burn-figures">
        <strong data-field="budget-used">{formatPoints(used)}</strong> of {formatPoints(budget)} points used ({formatPercent(pct)}) with {formatPercent(elapsed * 100)} of the
        period gone.
        {runsOut !== null && (runsOut < end ? <span className="text-warn"> At this pace the budget runs out on {formatDay(new Date(runsOut).toISOString())}.</span> : ' At this pace the budget lasts the period.')}
      </p>
      <svg viewBox={`0 0 ${W} ${H}`} className="burn-chart" role="img" aria-label={`Budget ${formatPoints(budget)} points, ${formatPoints(used)} used`}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} className="grid" />
            <text x={PAD.left - 6} y={y(v) + 4} textAnchor="end" className="axis">
              {compact(v)}
            </text>
          </g>
        ))}
        <text x={PAD.left} y={H - 8} className="axis">
          {formatDay(campaign.starts_at)}
        </text>
        <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
          {formatDay(campaign.ends_at)}
        </text>
        <line x1={x(start)} y1={y(0)} x2={x(end)} y2={y(budget)} className="pace">
          <title>Even pace: the whole budget spread over the period</title>
        </line>
        <path d={budgetPath} className="budget-line">
          <title>Budget, as each version set it</title>
        </path>
        {now >= start && (
          <>
            <line x1={x(now)} x2={x(now)} y1={PAD.top} y2={H - PAD.bottom} className="today" />
            <circle cx={x(now)} cy={y(used)} r={4.5} className="used-dot">
              <title>{`${formatPoints(used)} points used, ${formatDateTime(new Date(now).toISOString())}`}</title>
            </circle>
          </>
        )}
      </svg>
      <div className="burn-legend small">
        <span className="legend legend-budget">budget</span>
        <span className="legend legend-pace">even pace</span>
        <span className="legend legend-used">used today</span>
      </div>
      <p className="muted small">The API reports only the total used so far, not when it was used: the dot is today, with no line behind it.</p>
    </section>
  );
}
