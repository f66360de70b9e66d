import { Breadcrumbs, LoadState } from '../../components/DetailFrame.tsx';
import { useCallback } from 'react';
import { getOrder } from '../../api/checkout.ts';
import type { OrderDetail } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { AttentionMarker, StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { useSession } from '../../session/session.tsx';
import { CustomerCard } from './CustomerCard.tsx';
import { CheckoutStatusBadge } from './CheckoutStatusBadge.tsx';
import { MailsCard } from './MailsCard.tsx';
import { actorText } from '../../components/EventTimeline.tsx';
import './checkout.css';

/** Amounts in recorded data arrive as JSON numbers or digit strings (int8). */
function isMinor(v: unknown): v is number | string {
  return typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v));
}

function LinesCard({ order: o }: { order: OrderDetail }) {
  return (
    <section className="card" aria-labelledby="lines-title">
      <h2 id="lines-title" className="card-title">
        Lines <span className="muted small">{o.lines.length}</span>
      </h2>
      <table className="table table-compact" data-testid="order-lines">
        <thead>
          <tr>
            <th>SKU</th>
            <th>Product</th>
            <th className="num">Qty</th>
            <th className="num">Unit price</th>
            <th className="num">Weight</th>
            <th className="num">Amount</th>
          </tr>
        </thead>
        <tbody>
          {o.lines.map((l) => (
            <tr key={l.sku} data-sku={l.sku}>
              <td className="mono">{l.sku}</td>
              <td>{l.name}</td>
              <td className="num">{l.quantity}</td>
              <td className="num">
                <Money amount={l.unit_price} currency={o.currency} />
              </td>
              <td className="num muted">{(l.weight_grams * l.quantity).toLocaleString('en-GB')} g</td>
              <td className="num">
                <Money amount={l.amount} currency={o.currency} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot className="totals">
          <tr data-field="subtotal">
            <td colSpan={5}>Subtotal</td>
            <td className="num">
              <Money amount={o.subtotal} currency={o.currency} />
            </td>
          </tr>
          <tr data-field="shipping_fee">
            <td colSpan={5}>Shipping</td>
            <td className="num">
              <Money amount={o.shipping_fee} currency={o.currency} />
            </td>
          </tr>
          <tr data-field="total" className="totals-grand">
            <td colSpan={5}>Total</td>
            <td className="num">
              <Money amount={o.total} currency={o.currency} />
            </td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

function PaymentCard({ order: o }: { order: OrderDetail }) {
  const p = o.payment;
  return (
    <section className="card" aria-labelledby="order-payment-title" data-testid="order-payment">
      <h2 id="order-payment-title" className="card-title">
        Payment
      </h2>
      {!p ? (
        <p className="muted small">{o.payment_id ? `Payment ${o.payment_id} could not be read.` : 'This order has no payment.'}</p>
      ) : (
        <dl className="kv">
          <dt>Payment</dt>
          <dd>
            <Link to={`/payments/${encodeURIComponent(p.id)}`} className="mono" data-testid="payment-link">
              {p.id}
            </Link>
          </dd>
          <dt>Status now</dt>
          <dd className="status-cell">
            <StatusBadge status={p.status} />
            {p.needs_attention && <AttentionMarker reason={p.attention_reason} />}
          </dd>
          <dt>Authorized</dt>
          <dd>
            <Money amount={p.amount_authorized} currency={p.currency} dim />
          </dd>
          <dt>Captured</dt>
          <dd>
            <Money amount={p.amount_captured} currency={p.currency} dim />
          </dd>
          <dt>Refunded</dt>
          <dd>
            <Money amount={p.amount_refunded} currency={p.currency} dim />
          </dd>
          <dt>Provider</dt>
          <dd>
            {p.provider} <span className="mono small muted">{p.payment_method}</span>
          </dd>
        </dl>
      )}
    </section>
  );
}

function HistoryCard({ order: o }: { order: OrderDetail }) {
  const { me } = useSession();
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title" className="card-title">
        History <span className="muted small">{o.history.length}</span>
      </h2>
      {o.history.length === 0 ? (
        <p className="muted small">Nothing recorded.</p>
      ) : (
        <ol className="timeline" data-testid="order-history">
          {[...o.history].reverse().map((h, i) => (
            <li key={`${h.type}:${h.at}:${i}`} className="timeline-item tone-info" data-type={h.type}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-head">
                <strong className="timeline-type">{humanize(h.type)}</strong>
                <span className="muted small">by {actorText(h.actor, me)}</span>
                <time className="muted small timeline-time" dateTime={h.at}>
                  {formatDateTime(h.at)}
                </time>
              </div>
              {h.data !== null && typeof h.data === 'object' && (
                <ul className="chips">
                  {Object.entries(h.data as Record<string, unknown>)
                    .filter(([k, v]) => k !== 'currency' && v !== null && v !== undefined)
                    .map(([k, v]) => (
                      <li key={k} className="chip">
                        <span className="chip-key">{humanize(k)}</span>{' '}
                        {k === 'total' && isMinor(v) ? (
                          <Money amount={v} currency={o.currency} />
                        ) : (
                          <span className="chip-value">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</span>
                        )}
                      </li>
                    ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function OrderPage({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => getOrder(id, signal), [id]);
  const { data: o, error, loading, reload } = useFetch(`order:${id}`, load);

  return (
    <div className="page">
      <Breadcrumbs to="/orders" list="Orders" label={id} />
      <LoadState error={error} loading={loading} hasData={!!o} reload={reload} missing={`No order ${id}.`} loadingText="Loading order…" />

      {o && (
        <>
          <header className="page-header checkout-header">
            <div>
              <h1>
                Order <span className="mono">{o.id}</span>
              </h1>
              <div className="checkout-header-meta">
                <CheckoutStatusBadge status={o.status} />
                <Money amount={o.total} currency={o.currency} />
                <span className="muted">placed {formatDateTime(o.created_at)}</span>
                {!o.confirmation_sent_at && <span className="attention">Confirmation not sent</span>}
              </div>
            </div>
            <button type="button" className="btn" onClick={reload} disabled={loading}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </header>

          <div className="payment-grid">
            <div className="payment-main">
              <LinesCard order={o} />
              <MailsCard orderId={o.id} mails={o.mails} />
              <HistoryCard order={o} />
            </div>
            <div className="payment-side">
              <PaymentCard order={o} />
              <CustomerCard customer={o.customer} address={o.shipping_address} />
              <section className="card" aria-labelledby="order-details-title">
                <h2 id="order-details-title" className="card-title">
                  Details
                </h2>
                <dl className="kv">
                  <dt>Checkout run</dt>
                  <dd>
                    <Link to={`/checkouts/${encodeURIComponent(o.checkout_id)}`} className="mono" data-testid="checkout-link">
                      {o.checkout_id}
                    </Link>
                  </dd>
                  <dt>Cart</dt>
                  <dd className="mono">{o.cart_id}</dd>
                  <dt>Placed</dt>
                  <dd>{formatDateTime(o.created_at)}</dd>
                  <dt>Confirmation sent</dt>
                  <dd>{formatDateTime(o.confirmation_sent_at)}</dd>
                </dl>
              </section>
            </div>
          </div>
        </>
      )}
    </div>
  );
}
