import type { Payment } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { AttentionMarker, StatusBadge } from '../../components/StatusBadge.tsx';
import { formatAgo, formatDateTime, formatDateTimeShort } from '../../lib/format.ts';
import { Link, navigate } from '../../lib/router.tsx';

export function PaymentsTable({ payments }: { payments: Payment[] }) {
  return (
    <div className="table-wrap">
      <table className="table payments-table">
        <thead>
          <tr>
            <th>Status</th>
            <th>Payment</th>
            <th>Order</th>
            <th className="num">Amount</th>
            <th className="num">Captured</th>
            <th className="num">Refunded</th>
            <th>Provider · method</th>
            <th>Created</th>
          </tr>
        </thead>
        <tbody>
          {payments.map((p) => (
            <tr
              key={p.id}
              data-payment-id={p.id}
              className={p.needs_attention ? 'row-link row-attention' : 'row-link'}
              onClick={(e) => {
                // Whole-row click opens the payment, unless the operator is selecting text or used a link.
                if ((e.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                navigate(`/payments/${encodeURIComponent(p.id)}`);
              }}
            >
              <td>
                <div className="status-cell">
                  <StatusBadge status={p.status} />
                  {p.needs_attention && <AttentionMarker reason={p.attention_reason} />}
                </div>
              </td>
              <td>
                <Link to={`/payments/${encodeURIComponent(p.id)}`} className="mono">
                  {p.id}
                </Link>
              </td>
              <td className="mono">{p.order_id}</td>
              <td className="num">
                <Money amount={p.amount} currency={p.currency} />
              </td>
              <td className="num">
                <Money amount={p.amount_captured} currency={p.currency} dim />
              </td>
              <td className="num">
                <Money amount={p.amount_refunded} currency={p.currency} dim />
              </td>
              <td>
                {p.provider} <span className="mono small muted">{p.payment_method}</span>
              </td>
              <td title={`${formatDateTime(p.created_at)} · ${formatAgo(p.created_at)}`}>
                <span className="nowrap">{formatDateTimeShort(p.created_at)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
