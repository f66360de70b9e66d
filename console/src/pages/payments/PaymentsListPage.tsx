import { listPayments, type PaymentFilters } from '../../api/payments.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { withQuery } from '../../api/client.ts';
import { navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { PaymentFilterBar } from './PaymentFilterBar.tsx';
import { PaymentsTable } from './PaymentsTable.tsx';
import { Pager } from '../../components/Pager.tsx';

function filtersFrom(search: URLSearchParams): PaymentFilters {
  const attention = search.get('needs_attention');
  return {
    status: search.get('status') ?? '',
    provider: search.get('provider') ?? '',
    order_id: search.get('order_id') ?? '',
    needs_attention: attention === 'true' || attention === 'false' ? attention : '',
    starting_after: search.get('starting_after') ?? '',
    ending_before: search.get('ending_before') ?? '',
  };
}

/** Payments, newest first. The filters and the page cursor live in the URL, so views can be shared. */
export function PaymentsListPage() {
  const { search } = useLocation();
  const filters = filtersFrom(search);
  const key = search.toString();
  const { data, error, loading, reload } = useFetch(key, (signal) => listPayments(filters, signal));

  const go = (next: PaymentFilters) => navigate(withQuery('/payments', { ...next }));
  const onFirstPage = !filters.starting_after && !filters.ending_before;
  const atPage = { starting_after: '', ending_before: '' };

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Payments</h1>
          <p className="page-sub">Newest first. Filters stay in the address, so a view can be shared.</p>
        </div>
        <button type="button" className="btn" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </header>

      <PaymentFilterBar filters={filters} onChange={(next) => go({ ...next, ...atPage })} />
      <ErrorBanner error={error} onRetry={reload} />

      {data && data.data.length > 0 && <PaymentsTable payments={data.data} />}
      {data && data.data.length === 0 && (
        <div className="empty">{onFirstPage ? 'No payments match these filters.' : 'No more payments.'}</div>
      )}
      {!data && loading && <div className="empty">Loading payments…</div>}

      <Pager
        page={data}
        noun={['payment', 'payments']}
        loading={loading}
        onFirstPage={onFirstPage}
        first={() => go({ ...filters, ...atPage })}
        next={(cursor) => go({ ...filters, ...atPage, starting_after: cursor })}
        previous={(cursor) => go({ ...filters, ...atPage, ending_before: cursor })}
      />
    </div>
  );
}
