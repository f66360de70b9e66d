import { Breadcrumbs, LoadState } from '../../components/DetailFrame.tsx';
import { useEffect } from 'react';
import { downloadUrl, getRun, type DayResult } from '../../api/reconciliation.ts';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { ReconBadge } from './format.tsx';
import './recon.css';

const ITEMS = ['amount', 'acquirer', 'interchange', 'scheme', 'other', 'three_ds', 'net'] as const;
const ITEM_LABEL: Record<string, string> = { amount: 'Amount (settlement / ours)', three_ds: '3DS' };

/** Both sides' totals per currency and fee item, next to each other, differences marked. */
function TotalsTable({ result }: { result: DayResult }) {
  const currencies = Object.keys(result.totals).sort();
  if (currencies.length === 0) return <p className="muted small">No totals for this day.</p>;
  return (
    <div className="table-wrap">
      <table className="table side-by-side" data-testid="totals">
        <thead>
          <tr>
            <th>Currency</th>
            <th>Item</th>
            <th className="num">Channel</th>
            <th className="num">Ours</th>
          </tr>
        </thead>
        <tbody>
          {currencies.flatMap((currency) =>
            ITEMS.filter((item) => result.totals[currency]?.[item]).map((item) => {
              const pair = result.totals[currency]![item]!;
              const differs = pair.channel !== null && pair.ours !== null && pair.channel !== pair.ours;
              return (
                <tr key={`${currency}-${item}`} data-item={item}>
                  <td>{currency}</td>
                  <td>{ITEM_LABEL[item] ?? humanize(item)}</td>
                  <td className={differs ? 'num diff' : 'num'}>
                    <Money amount={pair.channel} currency={currency} />
                  </td>
                  <td className={differs ? 'num diff' : 'num'}>
                    <Money amount={pair.ours} currency={currency} />
                  </td>
                </tr>
              );
            }),
          )}
        </tbody>
      </table>
    </div>
  );
}

/** A run: its status, the day's result and counts, both sides' totals, downloads. */
export function RunPage({ id }: { id: string }) {
  const { data: run, error, loading, reload } = useFetch(`run:${id}`, (signal) => getRun(id, signal));
  // A run under way is followed until it ends.
  useEffect(() => {
    if (run?.status !== 'running') return;
    const timer = setTimeout(reload, 1000);
    return () => clearTimeout(timer);
  }, [run, reload]);

  return (
    <div className="page">
      <Breadcrumbs to="/reconciliation/runs" list="Reconciliation runs" label={id} />
      <LoadState error={error} loading={loading} hasData={!!run} reload={reload} missing={`No reconciliation run ${id}.`} loadingText="Loading the run…" />
      {run && (
        <>
          <header className="page-header">
            <div>
              <h1>
                {run.channel} · {run.post_date}
              </h1>
              <p className="page-sub">
                <ReconBadge value={run.status} /> requested by {run.requested_by}, started {formatDateTime(run.started_at)}
                {run.completed_at ? `, completed ${formatDateTime(run.completed_at)}` : ''}. Clock (as of) {formatDateTime(run.as_of)}.
              </p>
            </div>
            <button type="button" className="btn" onClick={reload} disabled={loading}>
              Refresh
            </button>
          </header>
          {run.error && <div className="alert alert-error">{run.error}</div>}
          {run.result ? (
            <>
              <p>
                Day result: <ReconBadge value={run.result.result} />{' '}
                <span className="muted small">
                  {run.result.line_count} channel lines · settlement currency {run.result.settlement_currency ?? '—'} · computed {formatDateTime(run.result.computed_at)}
                </span>
              </p>
              <div className="counts" data-testid="counts">
                <div className="count">
                  <span className="muted small">Matched</span>
                  <strong data-count="matched">{run.result.matched_count}</strong>
                </div>
                <div className="count">
                  <span className="muted small">Discrepant</span>
                  <strong data-count="discrepant">{run.result.discrepant_count}</strong>
                </div>
                <div className="count">
                  <span className="muted small">Expected (waiting, ≤ 7 days)</span>
                  <strong data-count="expected">{run.result.expected_count}</strong>
                </div>
                <div className="count">
                  <span className="muted small">Discrepancies</span>
                  <Link to={`/reconciliation/discrepancies?channel=${encodeURIComponent(run.channel)}&from=${run.post_date}&to=${run.post_date}`}>Open the day’s discrepancies →</Link>
                </div>
              </div>
              <section className="card" aria-labelledby="totals-title">
                <h2 id="totals-title" className="card-title">
                  Totals, channel and ours side by side
                </h2>
                <TotalsTable result={run.result} />
              </section>
            </>
          ) : (
            <p className="muted">{run.status === 'running' ? 'The run is under way…' : 'No result for this day.'}</p>
          )}
          <section className="card" aria-labelledby="downloads-title">
            <h2 id="downloads-title" className="card-title">
              Downloads
            </h2>
            <div className="downloads">
              {(['channel', 'ours', 'discrepancies'] as const).flatMap((side) =>
                (['csv', 'xlsx'] as const).map((format) => (
                  <a key={`${side}-${format}`} className="btn btn-small" href={downloadUrl(run.id, side, format)} download>
                    {side === 'ours' ? 'Our transactions' : humanize(side)} ({format.toUpperCase()})
                  </a>
                )),
              )}
            </div>
          </section>
        </>
      )}
    </div>
  );
}
