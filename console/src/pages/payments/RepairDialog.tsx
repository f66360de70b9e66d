import { useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../../api/client.ts';
import { repairPayment, type RepairBody } from '../../api/payments.ts';
import { PAYMENT_STATUSES, type PaymentDetail, type PaymentStatus } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { humanize } from '../../lib/format.ts';
import { minorToInput, parseMajor } from '../../lib/money.ts';

interface Props {
  payment: PaymentDetail;
  onClose(): void;
  onDone(): void;
}

const AMOUNT_FIELDS = [
  ['amount_authorized', 'Authorized'],
  ['amount_captured', 'Captured'],
  ['amount_refunded', 'Refunded'],
] as const;
type AmountField = (typeof AMOUNT_FIELDS)[number][0];

const MIN_REASON = 5;

/** Typed major-unit text → minor units; '' and '0' are 0 (parseMajor refuses zero for actions). */
function parseRepairAmount(text: string, currency: string): number | string {
  if (/^\s*0*(\.0*)?\s*$/.test(text)) return 0;
  const parsed = parseMajor(text, currency);
  return parsed.ok ? parsed.minor : parsed.message;
}

/**
 * Admin-only: set a payment's state (and, if needed, its amounts) by hand after checking it at
 * the provider. The server audits it with the admin's name and reason, and refuses states that
 * break the money invariants.
 */
export function RepairDialog({ payment: p, onClose, onDone }: Props) {
  const [status, setStatus] = useState<PaymentStatus>(p.status);
  const [amounts, setAmounts] = useState<Record<AmountField, string>>({
    amount_authorized: minorToInput(p.amount_authorized, p.currency),
    amount_captured: minorToInput(p.amount_captured, p.currency),
    amount_refunded: minorToInput(p.amount_refunded, p.currency),
  });
  const openOperations = p.operations.filter((o) => o.status === 'pending' || o.status === 'unknown');
  const [closeOpen, setCloseOpen] = useState(false);
  const [clearAttention, setClearAttention] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const attempt = useRef<{ key: string; body: string } | null>(null);

  const body: RepairBody = { status, reason: reason.trim() };
  const problems: Partial<Record<AmountField, string>> = {};
  for (const [field] of AMOUNT_FIELDS) {
    const value = parseRepairAmount(amounts[field], p.currency);
    if (typeof value === 'string') problems[field] = value;
    else if (value !== p[field]) body[field] = value;
  }
  if (closeOpen) body.close_open_operations = true;
  if (clearAttention) body.clear_attention = true;

  const changesSomething = status !== p.status || Object.keys(body).some((k) => k.startsWith('amount_')) || clearAttention || closeOpen;
  const reasonShort = body.reason.length < MIN_REASON;
  const ready = changesSomething && !reasonShort && Object.keys(problems).length === 0 && (openOperations.length === 0 || closeOpen);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!ready) return;
    const bodyText = JSON.stringify(body);
    if (!attempt.current || attempt.current.body !== bodyText) attempt.current = { key: newIdempotencyKey(), body: bodyText };
    setBusy(true);
    setError(null);
    try {
      await repairPayment(p.id, body, attempt.current.key);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Repair state — ${p.id}`} onClose={onClose} busy={busy}>
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <p className="alert alert-warn">
          This overrides the recorded state without calling the provider. Use it only after checking the payment in the provider's
          dashboard. The change is audited with your name and reason.
        </p>
        <div className="repair-change">
          <StatusBadge status={p.status} />
          <span aria-hidden="true">→</span>
          <StatusBadge status={status} />
        </div>
        <label className="field">
          <span>New state</span>
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value as PaymentStatus)}>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
                {s === p.status ? ' (current)' : ''}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="repair-amounts">
          <legend>Amounts ({p.currency}) as the provider shows them</legend>
          {AMOUNT_FIELDS.map(([field, label]) => (
            <label key={field} className="field">
              <span>{label}</span>
              <input
                name={field}
                inputMode="decimal"
                autoComplete="off"
                value={amounts[field]}
                aria-invalid={Boolean(problems[field])}
                onChange={(e) => setAmounts({ ...amounts, [field]: e.target.value })}
              />
              {problems[field] && <span className="field-error">{problems[field]}</span>}
            </label>
          ))}
        </fieldset>
        {openOperations.length > 0 && (
          <label className="check">
            <input type="checkbox" checked={closeOpen} onChange={(e) => setCloseOpen(e.target.checked)} />
            <span>
              Close {openOperations.length} open provider operation{openOperations.length === 1 ? '' : 's'} as failed (required)
            </span>
          </label>
        )}
        {p.needs_attention && (
          <label className="check">
            <input type="checkbox" checked={clearAttention} onChange={(e) => setClearAttention(e.target.checked)} />
            <span>Clear “needs attention”</span>
          </label>
        )}
        <label className="field">
          <span>Reason (required)</span>
          <textarea
            name="reason"
            rows={3}
            maxLength={2000}
            placeholder="What you checked and why the state is wrong, e.g. ticket number"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
          {reason.length > 0 && reasonShort && <span className="field-error">At least {MIN_REASON} characters</span>}
        </label>
        <ErrorBanner error={error} />
        <footer className="dialog-footer">
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-danger" disabled={!ready || busy}>
            {busy ? 'Repairing…' : 'Confirm repair'}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
