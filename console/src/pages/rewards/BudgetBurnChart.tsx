import { useCallback } from 'react';
import { getBudgetBurn, type BudgetBurnDay } from '../../api/rewards.ts';
import type { CampaignDetail } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { formatDay, formatPercent, formatPoints } from './format.ts';

const W = 360;
const H = 170;
const PAD = { left: 48, right: 12, top: 12, bottom: 26 };
const DAY = 86_400_000;

/** 1,234,567 → "1.2M"; for the axis only. */
function compact(n: number): string {
  if (n >= 1e9) return `${+(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${+(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** The end of a calendar day (`YYYY-MM-DD`), near enough for a chart. */
const endOfDay = (date: string) => Date.parse(`${date}T00:00:00Z`) + DAY;

/**
 * The budget burn: what was used at the end of each day since the campaign began (granted minus
 * reversed, from `GET /v1/rewards/campaigns/:id/burn`), against the budget as it stood each day
 * and the even pace from start to end. The time axis runs from the start to the end of the
 * period, or to a month past today when the end is further away than that.
 */
export function BudgetBurnChart({ campaign, now = Date.now() }: { campaign: CampaignDetail; now?: number }) {
  const load = useCallback((signal: AbortSignal) => getBudgetBurn(campaign.id, signal), [campaign.id]);
  // Fetched again whenever the campaign is (a new version, more used).
  const { data: burn, error, reload } = useFetch(`burn:${campaign.id}:${campaign.version}:${campaign.budget_used}`, load);
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

  const start = new Date(campaign.starts_at).getTime();
  const end = new Date(campaign.ends_at).getTime();
  const axisEnd = Math.max(start + DAY, Math.min(end, Math.max(now, start) + 30 * DAY));
  const days: BudgetBurnDay[] = burn?.days ?? [];
  const maxY = Math.max(used, budget, ...days.map((d) => Math.max(d.cumulative, d.budget ?? 0)), 1) * 1.1;
  const span = axisEnd - start;
  const x = (t: number) => PAD.left + ((Math.min(Math.max(t, start), axisEnd) - start) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / maxY) * (H - PAD.top - PAD.bottom);

  // What was used at the end of each day, from 0 at the start.
  const usedPath = days.length === 0 ? '' : `M ${x(start).toFixed(1)} ${y(burn!.opening).toFixed(1)} ` + days.map((d) => `L ${x(endOfDay(d.date)).toFixed(1)} ${y(d.cumulative).toFixed(1)}`).join(' ');
  // The budget as it stood each day (steps where a version changed it), then today's onwards.
  let budgetPath = '';
  let prev: { t: number; budget: number | null } = { t: start, budget: days[0]?.budget ?? budget };
  for (const d of [...days.map((d) => ({ t: endOfDay(d.date), budget: d.budget })), { t: axisEnd, budget }]) {
    if (prev.budget !== null) budgetPath += `${budgetPath ? ' L' : 'M'} ${x(prev.t).toFixed(1)} ${y(prev.budget).toFixed(1)} L ${x(d.t).toFixed(1)} ${y(prev.budget).toFixed(1)}`;
    prev = { t: d.t, budget: d.budget };
  }
  const paceAtAxisEnd = (budget * (axisEnd - start)) / Math.max(end - start, 1);

  const elapsed = Math.min(1, Math.max(0, (now - start) / Math.max(end - start, 1)));
  const pct = (used / budget) * 100;
  const inPeriod = now >= start && now < end;
  // At the pace so far (used / time elapsed), when the budget would run out: a projection.
  const runsOut = inPeriod && used > 0 ? start + (budget / used) * (now - start) : null;
  const ticks = [0, maxY / 2 / 1.1, maxY / 1.1].map((v) => Math.round(v));
  const busiest = days.reduce<BudgetBurnDay | null>((best, d) => (best === null || d.net > best.net ? d : best), null);

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
      <ErrorBanner error={error} onRetry={reload} />
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
          {formatDay(new Date(axisEnd).toISOString())}
        </text>
        <line x1={x(start)} y1={y(0)} x2={x(axisEnd)} y2={y(paceAtAxisEnd)} className="pace">
          <title>Even pace: the whole budget spread over the period</title>
        </line>
        <path d={budgetPath} className="budget-line">
          <title>Budget, as it stood each day</title>
        </path>
        {usedPath && (
          <path d={usedPath} className="used-line" data-testid="burn-used-line" fill="none">
            <title>Used at the end of each day (granted − reversed)</title>
          </path>
        )}
        {days.filter((d) => d.granted !== 0 || d.reversed !== 0).map((d) => (
          <circle key={d.date} cx={x(endOfDay(d.date))} cy={y(d.cumulative)} r={2.5} className="used-dot" data-date={d.date} data-cumulative={d.cumulative}>
            <title>{`${d.date}: +${formatPoints(d.granted)} granted, −${formatPoints(d.reversed)} reversed, ${formatPoints(d.cumulative)} used`}</title>
          </circle>
        ))}
        {now >= start && now <= axisEnd && <line x1={x(now)} x2={x(now)} y1={PAD.top} y2={H - PAD.bottom} className="today" />}
      </svg>
      <div className="burn-legend small">
        <span className="legend legend-budget">budget</span>
        <span className="legend legend-pace">even pace</span>
        <span className="legend legend-used">used, per day</span>
      </div>
      {burn && (
        <p className="muted small" data-testid="burn-summary">
          {days.length} day{days.length === 1 ? '' : 's'} in {burn.timezone}
          {busiest && busiest.net > 0 ? `; the busiest, ${busiest.date}, used ${formatPoints(busiest.net)} points` : '; nothing granted yet'}.
        </p>
      )}
    </section>
  );
}
