import { withQuery } from '../../api/client.ts';
import { listOrders } from '../../api/checkout.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, formatDateTimeShort } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { CheckoutStatusBadge } from './CheckoutStatusBadge.tsx';
import './checkout.css';
import { Pager } from '../../components/Pager.tsx';

/** Orders placed by checkouts, newest first; the page cursor lives in the URL. */
export function OrdersListPage() {
  const { search } = useLocation();
  const startingAfter = search.get('starting_after') ?? '';
  const { data, error, loading, reload } = useFetch(`orders:${startingAfter}`, (signal) => listOrders({ starting_after: startingAfter }, signal));
  const onFirstPage = !startingAfter;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Orders</h1>
          <p className="page-sub">Placed by checkout runs, newest first.</p>
        </div>
        <button type="button" className="btn" onClick={reload} disabled={loading}>
          Refresh
        </button>
      </header>
      <ErrorBanner error={error} onRetry={reload} />

      {data && data.data.length > 0 && (
        <div className="table-wrap">
          <table className="table orders-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Order</th>
                <th>Customer</th>
                <th className="num">Total</th>
                <th>Payment</th>
                <th>Checkout run</th>
                <th>Confirmation</th>
                <th>Placed</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((o) => (
                <tr
                  key={o.id}
                  data-order-id={o.id}
                  className="row-link"
                  onClick={(e) => {
                    if ((e.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                    navigate(`/orders/${encodeURIComponent(o.id)}`);
                  }}
                >
                  <td>
                    <CheckoutStatusBadge status={o.status} />
                  </td>
                  <td>
                    <Link to={`/orders/${encodeURIComponent(o.id)}`} className="mono">
                      {o.id}
                    </Link>
                  </td>
                  <td>
                    {o.customer?.name} <span className="muted small">{o.customer?.email}</span>
                  </td>
                  <td className="num">
                    <Money amount={o.total} currency={o.currency} />
                  </td>
                  <td>
                    {o.payment_id ? (
                      <Link to={`/payments/${encodeURIComponent(o.payment_id)}`} className="mono">
                        {o.payment_id}
                      </Link>
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td>
                    <Link to={`/checkouts/${encodeURIComponent(o.checkout_id)}`} className="mono">
                      {o.checkout_id}
                    </Link>
                  </td>
                  <td className="nowrap">{o.confirmation_sent_at ? formatDateTimeShort(o.confirmation_sent_at) : <span className="text-warn">not sent</span>}</td>
                  <td className="nowrap" title={formatDateTime(o.created_at)}>
                    {formatDateTimeShort(o.created_at)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.data.length === 0 && <div className="empty">{onFirstPage ? 'No orders yet.' : 'No more orders.'}</div>}
      {!data && loading && <div className="empty">Loading orders…</div>}

      <Pager page={data} noun={['order', 'orders']} loading={loading} onFirstPage={onFirstPage} first={() => navigate('/orders')} next={(cursor) => navigate(withQuery('/orders', { starting_after: cursor }))} />
    </div>
  );
}
