import { useState } from 'react';
import type { HistoryDay } from '../../api/reconciliation.ts';
import { formatMinor } from '../../lib/money.ts';
import { formatRate, rateFraction } from './amounts.ts';

const W = 720;
const H = 200;
const PAD = { left: 40, right: 70, top: 12, bottom: 26 };

/**
 * Match rate (line, left axis) and the amount the day's discrepancies are off by (bars, right
 * axis, one currency at a time) per post date. Amounts are exact strings; only the pixel heights
 * are computed from them.
 */
export function HistoryChart({ days }: { days: HistoryDay[] }) {
  const currencies = [...new Set(days.flatMap((d) => Object.keys(d.discrepancy_amount)))].sort();
  const [picked, setPicked] = useState<string>('');
  const currency = currencies.includes(picked) ? picked : (currencies[0] ?? '');
  const amounts = days.map((d) => BigInt(d.discrepancy_amount[currency] ?? '0'));
  const maxAmount = amounts.reduce((m, a) => (a > m ? a : m), 0n);
  const n = Math.max(days.length, 1);
  const step = (W - PAD.left - PAD.right) / n;
  const x = (i: number) => PAD.left + step * i + step / 2;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (fraction: number) => H - PAD.bottom - fraction * plotH;
  // Bar height as a share of the largest day, in BigInt down to 1/1000.
  const barFraction = (a: bigint) => (maxAmount === 0n ? 0 : Number((a * 1000n) / maxAmount) / 1000);
  const points = days.map((d, i) => (d.match_rate === null ? null : { i, f: rateFraction(d.match_rate) }));
  let path = '';
  for (const p of points) if (p) path += `${path ? ' L' : 'M'} ${x(p.i).toFixed(1)} ${y(p.f).toFixed(1)}`;
  const withRuns = days.filter((d) => d.match_rate !== null);
  const latest = withRuns.at(-1);

  return (
    <section className="card" aria-labelledby="history-title" data-testid="history-chart">
      <h2 id="history-title" className="card-title">
        Match rate and discrepancy amount{' '}
        <span className="muted small">
          {days[0]?.post_date} – {days.at(-1)?.post_date}
        </span>
      </h2>
      {withRuns.length === 0 && amounts.every((a) => a === 0n) ? (
        <p className="muted small">No reconciled days in this period yet.</p>
      ) : (
        <>
          <p className="small">
            Latest reconciled day: <strong>{latest ? `${latest.post_date}, ${formatRate(latest.match_rate)} matched` : '—'}</strong>
            {currencies.length > 1 && (
              <label className="filter" style={{ display: 'inline-flex', marginLeft: 12 }}>
                <span>Currency </span>
                <select value={currency} onChange={(e) => setPicked(e.target.value)}>
                  {currencies.map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              </label>
            )}
          </p>
          <svg viewBox={`0 0 ${W} ${H}`} className="history-chart" role="img" aria-label="Match rate and discrepancy amount per day">
            {[0, 0.5, 1].map((f) => (
              <g key={f}>
                <line x1={PAD.left} x2={W - PAD.right} y1={y(f)} y2={y(f)} className="grid" />
                <text x={PAD.left - 6} y={y(f) + 4} textAnchor="end" className="axis">
                  {f * 100}%
                </text>
                {currency && (
                  <text x={W - PAD.right + 6} y={y(f) + 4} className="axis">
                    {formatMinor(f === 0 ? 0n : f === 1 ? maxAmount : maxAmount / 2n, currency)}
                  </text>
                )}
              </g>
            ))}
            {days.map((d, i) => (
              <rect key={d.post_date} x={x(i) - step * 0.35} width={step * 0.7} y={y(barFraction(amounts[i]!))} height={barFraction(amounts[i]!) * plotH} className="amount-bar">
                <title>{`${d.post_date}: ${d.discrepancy_count} discrepancies (${d.open_discrepancy_count} open), ${currency ? `${formatMinor(amounts[i]!, currency)} ${currency}` : 'no amount'}`}</title>
              </rect>
            ))}
            <path d={path} className="rate-line" />
            {points.map((p) =>
              p ? (
                <circle key={p.i} cx={x(p.i)} cy={y(p.f)} r={3} className="rate-dot">
                  <title>{`${days[p.i]!.post_date}: ${formatRate(days[p.i]!.match_rate)} matched (${days[p.i]!.matched_count} of ${days[p.i]!.matched_count + days[p.i]!.discrepant_count + days[p.i]!.expected_count} groups)`}</title>
                </circle>
              ) : null,
            )}
            <text x={PAD.left} y={H - 8} className="axis">
              {days[0]?.post_date}
            </text>
            <text x={W - PAD.right} y={H - 8} textAnchor="end" className="axis">
              {days.at(-1)?.post_date}
            </text>
          </svg>
          <div className="chart-legend small">
            <span className="legend-rate">match rate</span>
            <span className="legend-amount">discrepancy amount{currency ? ` (${currency}, |channel − ours|)` : ''}</span>
          </div>
        </>
      )}
    </section>
  );
}
