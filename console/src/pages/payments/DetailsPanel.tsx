import type { Payment } from '../../api/types.ts';
import { formatDateTime, humanize } from '../../lib/format.ts';

export function DetailsPanel({ payment: p }: { payment: Payment }) {
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title" className="card-title">
        Details
      </h2>
      <dl className="kv">
        <dt>Order</dt>
        <dd className="mono">{p.order_id}</dd>
        <dt>Provider</dt>
        <dd>{p.provider}</dd>
        <dt>Provider payment</dt>
        <dd className="mono">{p.provider_payment_id ?? '—'}</dd>
        <dt>Payment method</dt>
        <dd className="mono">{p.payment_method}</dd>
        <dt>Capture</dt>
        <dd>{humanize(p.capture_method)}</dd>
        {p.decline_code && (
          <>
            <dt>Decline code</dt>
            <dd className="mono text-bad">{p.decline_code}</dd>
          </>
        )}
        <dt>Delivered</dt>
        <dd>{formatDateTime(p.delivered_at)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(p.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(p.updated_at)}</dd>
      </dl>
    </section>
  );
}
