import { withQuery } from '../../api/client.ts';
import { listCheckouts, type CheckoutFilters } from '../../api/checkout.ts';
import { CHECKOUT_STATUSES, type CheckoutStatus } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { humanize } from '../../lib/format.ts';
import { navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { CheckoutsTable } from './CheckoutsTable.tsx';
import './checkout.css';
import { Pager } from '../../components/Pager.tsx';

/** `?status=` absent means the queue; `all` means every run. */
function statusFrom(search: URLSearchParams): CheckoutStatus | '' {
  const s = search.get('status');
  if (s === 'all') return '';
  return s && (CHECKOUT_STATUSES as readonly string[]).includes(s) ? (s as CheckoutStatus) : 'needs_attention';
}

/**
 * The operators' queue: checkout runs that failed after the money was taken, oldest first, each
 * waiting for someone to fix the cause and re-run it. The status filter shows the other runs.
 */
export function CheckoutsQueuePage() {
  const { search } = useLocation();
  const status = statusFrom(search);
  const startingAfter = search.get('starting_after') ?? '';
  const filters: CheckoutFilters = { status, starting_after: startingAfter };
  const { data, error, loading, reload } = useFetch(`checkouts:${search.toString()}`, (signal) => listCheckouts(filters, signal));

  const queue = status === 'needs_attention';
  const go = (next: { status: CheckoutStatus | ''; starting_after?: string }) =>
    navigate(withQuery('/checkouts', { status: next.status === 'needs_attention' ? '' : next.status || 'all', starting_after: next.starting_after }));
  const onFirstPage = !startingAfter;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>{queue ? 'Checkouts needing attention' : 'Checkout runs'}</h1>
          <p className="page-sub">
            {queue
              ? 'Runs that failed after the money was taken, oldest first. Fix the cause, then re-run each from its failed step.'
              : 'Newest first.'}
          </p>
        </div>
        <button type="button" className="btn" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </header>

      <form className="filters" role="search" aria-label="Filter checkout runs" onSubmit={(e) => e.preventDefault()}>
        <label className="filter">
          <span>Status</span>
          <select name="status" value={status || 'all'} onChange={(e) => go({ status: e.target.value === 'all' ? '' : (e.target.value as CheckoutStatus) })}>
            <option value="needs_attention">Needs attention (queue)</option>
            {CHECKOUT_STATUSES.filter((s) => s !== 'needs_attention').map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
            <option value="all">Any status</option>
          </select>
        </label>
      </form>
      <ErrorBanner error={error} onRetry={reload} />

      {data && data.data.length > 0 && <CheckoutsTable runs={data.data} queue={queue} />}
      {data && data.data.length === 0 && (
        <div className="empty">
          {!onFirstPage ? 'No more runs.' : queue ? 'Nothing needs attention: every checkout run finished or was compensated.' : 'No checkout runs match this filter.'}
        </div>
      )}
      {!data && loading && <div className="empty">Loading checkout runs…</div>}

      <Pager page={data} noun={['run', 'runs']} loading={loading} onFirstPage={onFirstPage} firstLabel={queue ? '⇤ Oldest' : '⇤ Newest'} first={() => go({ status })} next={(cursor) => go({ status, starting_after: cursor })} />
    </div>
  );
}
