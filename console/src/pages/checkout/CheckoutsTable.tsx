import type { Checkout } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, formatDateTimeShort } from '../../lib/format.ts';
import { Link, navigate } from '../../lib/router.tsx';
import { CheckoutStatusBadge } from './CheckoutStatusBadge.tsx';
import { formatWaited, useNow } from './format.ts';

/**
 * Checkout runs. In the queue (`queue`), the time column is how long each run has been waiting
 * (since it was flagged or last re-run); otherwise it is when the run started.
 */
export function CheckoutsTable({ runs, queue }: { runs: Checkout[]; queue: boolean }) {
  const now = useNow();
  return (
    <div className="table-wrap">
      <table className="table checkouts-table">
        <thead>
          <tr>
            <th>Run</th>
            <th>Order · payment</th>
            <th className="num">Total</th>
            <th>Failed step · error</th>
            <th>{queue ? 'Waiting' : 'Started'}</th>
            <th className="num">Reruns</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((c) => (
            <tr
              key={c.id}
              data-checkout-id={c.id}
              className={c.status === 'needs_attention' ? 'row-link row-attention' : 'row-link'}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                navigate(`/checkouts/${encodeURIComponent(c.id)}`);
              }}
            >
              <td>
                <div className="ids">
                  <Link to={`/checkouts/${encodeURIComponent(c.id)}`} className="mono">
                    {c.id}
                  </Link>
                  {!queue && (
                    <span>
                      <CheckoutStatusBadge status={c.status} />
                    </span>
                  )}
                </div>
              </td>
              <td>
                <div className="ids">
                  <span>
                    {c.order_id ? (
                      <Link to={`/orders/${encodeURIComponent(c.order_id)}`} className="mono" title="Order">
                        {c.order_id}
                      </Link>
                    ) : (
                      <span className="muted">no order</span>
                    )}
                  </span>
                  <span>
                    {c.payment_id ? (
                      <Link to={`/payments/${encodeURIComponent(c.payment_id)}`} className="mono" title="Payment">
                        {c.payment_id}
                      </Link>
                    ) : (
                      <span className="muted">no payment</span>
                    )}
                  </span>
                </div>
              </td>
              <td className="num">
                <Money amount={c.total} currency={c.currency} />
              </td>
              <td className={c.failed_step || c.error ? 'error-cell' : undefined}>
                {c.failed_step || c.error ? (
                  <>
                    <div className="error-head">
                      {c.failed_step && <code data-field="failed_step">{c.failed_step}</code>}
                      {c.error && <code className="text-bad">{c.error.code}</code>}
                    </div>
                    {c.error && (
                      <div className="small error-message" title={c.error.message}>
                        {c.error.message}
                      </div>
                    )}
                  </>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              {queue ? (
                <td className="nowrap" title={`Waiting since ${formatDateTime(c.attention_since ?? c.updated_at)}`} data-field="waiting">
                  {formatWaited(c.attention_since ?? c.updated_at, now)}
                </td>
              ) : (
                <td className="nowrap" title={formatDateTime(c.created_at)}>
                  {formatDateTimeShort(c.created_at)}
                </td>
              )}
              <td className="num">{c.reruns}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
