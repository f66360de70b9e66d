import { useState } from 'react';
import type { PaymentDetail } from '../../api/types.ts';
import { usePermissions } from '../../session/session.tsx';
import { ActionDialog } from './ActionDialog.tsx';
import { RepairDialog } from './RepairDialog.tsx';
import { availableActions, type ActionSpec } from './actions.ts';

/** The buttons an operator may use on this payment now; nothing at all for viewers. */
export function PaymentActions({ payment, onChanged }: { payment: PaymentDetail; onChanged(): void }) {
  const permissions = usePermissions();
  const [open, setOpen] = useState<ActionSpec | 'repair' | null>(null);
  const actions = availableActions(payment, permissions);
  const busy = Boolean(payment.operation_in_progress);

  if (!permissions.canWritePayments) return null;

  const done = () => {
    setOpen(null);
    onChanged();
  };

  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title" className="card-title">
        Actions
      </h2>
      <div className="actions" data-testid="payment-actions">
        {actions.map((spec) => (
          <button key={spec.action} type="button" className={spec.danger ? 'btn btn-danger-outline' : 'btn btn-primary'} disabled={busy} onClick={() => setOpen(spec)}>
            {spec.label}
          </button>
        ))}
        {actions.length === 0 && <p className="muted small">No money movement is possible in this state.</p>}
      </div>
      {busy && (
        <p className="muted small">
          A provider operation is running ({payment.operation_in_progress}); refresh when it has finished.
        </p>
      )}
      {permissions.isAdmin && (
        <div className="actions actions-admin">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setOpen('repair')}>
            Repair state…
          </button>
        </div>
      )}
      {open && open !== 'repair' && <ActionDialog payment={payment} spec={open} onClose={() => setOpen(null)} onDone={done} onStale={onChanged} />}
      {open === 'repair' && <RepairDialog payment={payment} onClose={() => setOpen(null)} onDone={done} />}
    </section>
  );
}
