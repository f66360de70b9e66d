import { withQuery } from '../../api/client.ts';
import { getHistory, listRuns, RUN_STATUSES } from '../../api/reconciliation.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Pager } from '../../components/Pager.tsx';
import { formatDateTimeShort } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { HistoryChart } from './HistoryChart.tsx';
import { UploadAndRunCard } from './UploadAndRunCard.tsx';
import { ChannelFilter, FilterSelect, ReconBadge, useCanHandle } from './format.tsx';
import './recon.css';

/** Reconciliation runs, newest first, with the match-rate chart and, for operators, upload and run. */
export function RunsListPage() {
  const { search } = useLocation();
  const channel = search.get('channel') ?? '';
  const status = search.get('status') ?? '';
  const startingAfter = search.get('starting_after') ?? '';
  const canHandle = useCanHandle();
  const runs = useFetch(`runs:${search.toString()}`, (signal) => listRuns({ channel, status, starting_after: startingAfter }, signal));
  const history = useFetch(`history:${channel}`, (signal) => getHistory(channel ? { channel } : {}, signal));
  const go = (next: { channel?: string; status?: string; starting_after?: string }) => navigate(withQuery('/reconciliation/runs', { channel, status, ...next }));

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Reconciliation runs</h1>
          <p className="page-sub">Each run compares a channel’s settlement lines with our transactions for one post date (and its 7-day look-back).</p>
        </div>
        <button type="button" className="btn" onClick={() => (runs.reload(), history.reload())} disabled={runs.loading}>
          Refresh
        </button>
      </header>

      <div className="recon-grid">
        <div>
          <ErrorBanner error={history.error} onRetry={history.reload} />
          {history.data && <HistoryChart days={history.data.days} />}
        </div>
        {canHandle ? (
          <UploadAndRunCard />
        ) : (
          <section className="card">
            <p className="muted small">Your role can view reconciliation. Operators upload files and start runs.</p>
          </section>
        )}
      </div>

      <form
        className="filters"
        role="search"
        aria-label="Filter runs"
        onSubmit={(e) => {
          e.preventDefault();
          const value = new FormData(e.currentTarget).get('channel');
          go({ channel: typeof value === 'string' ? value.trim() : '', starting_after: '' });
        }}
      >
        <ChannelFilter value={channel} />
        <FilterSelect label="Status" name="status" values={RUN_STATUSES} value={status} onChange={(v) => go({ status: v, starting_after: '' })} />
        <div className="filter-actions">
          <button type="submit" className="btn">
            Apply
          </button>
        </div>
      </form>
      <ErrorBanner error={runs.error} onRetry={runs.reload} />

      {runs.data && runs.data.data.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="runs-table">
            <thead>
              <tr>
                <th>Run</th>
                <th>Channel</th>
                <th>Post date</th>
                <th>Status</th>
                <th>Requested by</th>
                <th>Started</th>
                <th>Completed</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.data.map((r) => (
                <tr key={r.id} data-run-id={r.id}>
                  <td>
                    <Link to={`/reconciliation/runs/${encodeURIComponent(r.id)}`} className="mono">
                      {r.id}
                    </Link>
                  </td>
                  <td>{r.channel}</td>
                  <td className="nowrap">{r.post_date}</td>
                  <td>
                    <ReconBadge value={r.status} />
                  </td>
                  <td className="small">{r.requested_by}</td>
                  <td className="nowrap small">{formatDateTimeShort(r.started_at)}</td>
                  <td className="nowrap small">{formatDateTimeShort(r.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runs.data && runs.data.data.length === 0 && <div className="empty">{startingAfter ? 'No more runs.' : 'No runs match this filter.'}</div>}
      {!runs.data && runs.loading && <div className="empty">Loading runs…</div>}
      <Pager page={runs.data} noun={['run', 'runs']} loading={runs.loading} onFirstPage={!startingAfter} first={() => go({ starting_after: '' })} next={(cursor) => go({ starting_after: cursor })} />
    </div>
  );
}
