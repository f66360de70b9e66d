import { Breadcrumbs, LoadState } from '../../components/DetailFrame.tsx';
import { useCallback } from 'react';
import { getPayment } from '../../api/payments.ts';
import { Money } from '../../components/Money.tsx';
import { AttentionMarker, StatusBadge } from '../../components/StatusBadge.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { AmountsPanel } from './AmountsPanel.tsx';
import { DetailsPanel } from './DetailsPanel.tsx';
import { OperationsTable } from './OperationsTable.tsx';
import { PaymentActions } from './PaymentActions.tsx';
import { Timeline } from './Timeline.tsx';

export function PaymentPage({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => getPayment(id, signal), [id]);
  const { data: p, error, loading, reload } = useFetch(`payment:${id}`, load);

  return (
    <div className="page">
      <Breadcrumbs to="/payments" list="Payments" label={id} />
      <LoadState error={error} loading={loading} hasData={!!p} reload={reload} missing={`No payment ${id}.`} loadingText="Loading payment…" />

      {p && (
        <>
          <header className="page-header payment-header">
            <div>
              <h1>
                <Money amount={p.amount} currency={p.currency} />
              </h1>
              <div className="payment-header-meta">
                <StatusBadge status={p.status} />
                {p.needs_attention && <AttentionMarker reason={p.attention_reason} />}
                <span className="mono muted">{p.id}</span>
              </div>
            </div>
            <button type="button" className="btn" onClick={reload} disabled={loading}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </header>

          {p.needs_attention && (
            <div className="alert alert-warn" role="status">
              <strong>Needs attention.</strong> {p.attention_reason ?? 'An operator should look at this payment.'}
            </div>
          )}

          <div className="payment-grid">
            <div className="payment-main">
              <AmountsPanel payment={p} />
              <OperationsTable operations={p.operations} currency={p.currency} />
              <Timeline entries={p.timeline} currency={p.currency} />
            </div>
            <div className="payment-side">
              <PaymentActions payment={p} onChanged={reload} />
              <DetailsPanel payment={p} />
            </div>
          </div>
        </>
      )}
    </div>
  );
}
