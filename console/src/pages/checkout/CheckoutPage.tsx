import { Breadcrumbs, LoadState } from '../../components/DetailFrame.tsx';
import { useCallback, useEffect, useState } from 'react';
import { getCheckout } from '../../api/checkout.ts';
import type { CheckoutDetail } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { Link } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { usePermissions } from '../../session/session.tsx';
import { CustomerCard } from './CustomerCard.tsx';
import { CheckoutStatusBadge } from './CheckoutStatusBadge.tsx';
import { RerunDialog } from './RerunDialog.tsx';
import { RunTimeline } from './RunTimeline.tsx';
import { StepsList } from './StepsList.tsx';
import './checkout.css';

/** How often a running run is fetched again. */
const POLL_MS = 1000;

/** What the operator's re-run led to, from the run as it stands now. */
function RerunOutcome({ run }: { run: CheckoutDetail }) {
  if (run.status === 'completed') {
    return (
      <div className="alert alert-ok" role="status" data-testid="rerun-outcome">
        <strong>Re-run completed.</strong> The run finished: the order is placed and confirmed.
      </div>
    );
  }
  if (run.status === 'running') {
    return (
      <div className="alert alert-info" role="status" data-testid="rerun-outcome">
        <strong>Re-run under way.</strong> This page refreshes every second until the run stops.
      </div>
    );
  }
  if (run.status === 'needs_attention') {
    return (
      <div className="alert alert-error" role="status" data-testid="rerun-outcome">
        <div>
          <strong>The re-run stopped again at {run.failed_step}.</strong> The cause is not fixed yet
          {run.error && (
            <>
              : <code>{run.error.code}</code> {run.error.message}
            </>
          )}
        </div>
      </div>
    );
  }
  return (
    <div className="alert alert-error" role="status" data-testid="rerun-outcome">
      <strong>The re-run ended as {humanize(run.status)}.</strong>
    </div>
  );
}

function AmountsCard({ run }: { run: CheckoutDetail }) {
  const rows: Array<[keyof CheckoutDetail, string]> = [
    ['subtotal', 'Subtotal'],
    ['shipping_fee', 'Shipping'],
    ['total', 'Total'],
  ];
  return (
    <section className="card" aria-labelledby="run-amounts-title">
      <h2 id="run-amounts-title" className="card-title">
        Amounts <span className="muted small">{run.currency}</span>
      </h2>
      <dl className="amounts">
        {rows.map(([field, label]) => (
          <div key={field} className="amount-cell" data-field={field}>
            <dt>{label}</dt>
            <dd>
              <Money amount={run[field] as number | null} currency={run.currency} />
            </dd>
          </div>
        ))}
      </dl>
      {run.total === null && <p className="muted small">Priced by the compute-shipping step; not reached yet.</p>}
    </section>
  );
}

function DetailsCard({ run }: { run: CheckoutDetail }) {
  return (
    <section className="card" aria-labelledby="run-details-title">
      <h2 id="run-details-title" className="card-title">
        Details
      </h2>
      <dl className="kv">
        <dt>Order</dt>
        <dd>
          {run.order_id ? (
            <Link to={`/orders/${encodeURIComponent(run.order_id)}`} className="mono" data-testid="order-link">
              {run.order_id}
            </Link>
          ) : (
            <span className="muted">none (no money taken)</span>
          )}
        </dd>
        <dt>Payment</dt>
        <dd>
          {run.payment_id ? (
            <Link to={`/payments/${encodeURIComponent(run.payment_id)}`} className="mono" data-testid="payment-link">
              {run.payment_id}
            </Link>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
        <dt>Money taken</dt>
        <dd>{run.money_taken ? 'Yes' : 'No'}</dd>
        <dt>Cart</dt>
        <dd className="mono">
          {run.cart_id} <span className="muted">· attempt {run.attempt}</span>
        </dd>
        <dt>Provider</dt>
        <dd>{run.provider}</dd>
        <dt>Payment method</dt>
        <dd className="mono">{run.payment_method}</dd>
        <dt>Capture</dt>
        <dd>{humanize(run.capture_method)}</dd>
        <dt>Re-runs</dt>
        <dd data-field="reruns">{run.reruns}</dd>
        <dt>Started by</dt>
        <dd className="mono">{run.created_by}</dd>
        <dt>Started</dt>
        <dd>{formatDateTime(run.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(run.updated_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatDateTime(run.finished_at)}</dd>
      </dl>
    </section>
  );
}

export function CheckoutPage({ id }: { id: string }) {
  const load = useCallback((signal: AbortSignal) => getCheckout(id, signal), [id]);
  const { data: fetched, error, loading, reload } = useFetch(`checkout:${id}`, load);
  const permissions = usePermissions();
  // The run as it was when the dialog opened: the page behind may reload meanwhile.
  const [dialogRun, setDialogRun] = useState<CheckoutDetail | null>(null);
  const [rerunSent, setRerunSent] = useState(false);
  // The re-run's answer shows at once; the reload that follows replaces it once it is newer.
  const [answer, setAnswer] = useState<CheckoutDetail | null>(null);
  const run = answer && (!fetched || answer.updated_at > fetched.updated_at) ? answer : fetched;

  // While the run is going, fetch it again every second until it stops.
  const running = run?.status === 'running';
  useEffect(() => {
    if (!running || loading) return;
    const timer = window.setTimeout(reload, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [running, loading, reload, run]);

  const canRerun = permissions.canRerunCheckouts && run?.status === 'needs_attention' && Boolean(run.failed_step);

  return (
    <div className="page">
      <Breadcrumbs to="/checkouts" list="Checkouts" label={id} />

      <LoadState error={error} loading={loading} hasData={!!run} reload={reload} missing={`No checkout run ${id}.`} loadingText="Loading checkout run…" />

      {run && (
        <>
          <header className="page-header checkout-header">
            <div>
              <h1>
                Checkout <span className="mono">{run.id}</span>
              </h1>
              <div className="checkout-header-meta">
                <CheckoutStatusBadge status={run.status} />
                <Money amount={run.total} currency={run.currency} />
                <span className="muted">
                  {run.customer?.name} · {run.customer?.email}
                </span>
              </div>
            </div>
            <button type="button" className="btn" onClick={reload} disabled={loading}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </button>
          </header>

          {rerunSent && <RerunOutcome run={run} />}

          {run.status === 'needs_attention' && !rerunSent && (
            <div className="alert alert-warn" role="status" data-testid="attention">
              <strong>Needs attention.</strong> Step <code>{run.failed_step}</code> failed after the money was taken; nothing was refunded or voided.
              {run.error && (
                <div className="attention-error">
                  <code>{run.error.code}</code> {run.error.message}
                </div>
              )}
              <div className="small">Fix the cause, then re-run the checkout from that step.</div>
            </div>
          )}
          {run.status === 'failed' && (
            <div className="alert alert-error" role="status">
              <div>
                <strong>Failed at {run.failed_step}</strong> before the money was taken; the run was compensated (payment cancelled, stock released,
                cart left as it was).
                {run.error && (
                  <div className="attention-error">
                    <code>{run.error.code}</code> {run.error.message}
                  </div>
                )}
              </div>
            </div>
          )}

          <div className="payment-grid">
            <div className="payment-main">
              <StepsList run={run} />
              <RunTimeline entries={run.timeline} currency={run.currency} />
            </div>
            <div className="payment-side">
              {canRerun && (
                <section className="card" aria-labelledby="run-actions-title">
                  <h2 id="run-actions-title" className="card-title">
                    Actions
                  </h2>
                  <div className="actions" data-testid="checkout-actions">
                    <button type="button" className="btn btn-primary" onClick={() => setDialogRun(run)}>
                      Re-run from {run.failed_step}
                    </button>
                  </div>
                  <p className="muted small">Only the failed step and the ones after it are executed again.</p>
                </section>
              )}
              <AmountsCard run={run} />
              <CustomerCard customer={run.customer} address={run.shipping_address} />
              <DetailsCard run={run} />
            </div>
          </div>

          {dialogRun && (
            <RerunDialog
              run={dialogRun}
              currentStatus={run.status}
              onClose={() => setDialogRun(null)}
              onDone={(view) => {
                setDialogRun(null);
                setRerunSent(true);
                setAnswer(view);
                reload();
              }}
              onStale={reload}
            />
          )}
        </>
      )}
    </div>
  );
}
