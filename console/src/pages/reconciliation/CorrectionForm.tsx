import { useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { correctDiscrepancy, CORRECTION_FIELDS, type CorrectionField, type Discrepancy, type Evidence, type Side } from '../../api/reconciliation.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { humanize } from '../../lib/format.ts';
import { parseSignedMajor } from './amounts.ts';

/**
 * Records a corrected amount: which side and field, the amount in major units (signed), its
 * currency, a reason and the evidence it rests on (at least one file attached above).
 */
export function CorrectionForm({ d, evidence, onDone }: { d: Discrepancy; evidence: Evidence[]; onDone(): void }) {
  const [side, setSide] = useState<Side>('ours');
  const [field, setField] = useState<CorrectionField>('amount');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState(d.currency ?? '');
  const [reason, setReason] = useState('');
  const [cited, setCited] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const parsed = amount.trim() && currency.length === 3 ? parseSignedMajor(amount, currency.toUpperCase()) : null;
  const picked = cited.filter((id) => evidence.some((e) => e.id === id));

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!parsed?.ok) return;
    setBusy(true);
    setError(null);
    try {
      await correctDiscrepancy(d.id, { side, field, amount: parsed.minor, currency: currency.toUpperCase(), reason: reason.trim(), evidence_ids: picked }, newIdempotencyKey());
      setAmount('');
      setReason('');
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="recon-form" aria-label="Correct an amount" onSubmit={(e) => void submit(e)}>
      <div className="inline">
        <label className="field">
          <span>Side</span>
          <select aria-label="Corrected side" value={side} onChange={(e) => setSide(e.target.value as Side)}>
            <option value="channel">Channel</option>
            <option value="ours">Ours</option>
          </select>
        </label>
        <label className="field">
          <span>Field</span>
          <select aria-label="Corrected field" value={field} onChange={(e) => setField(e.target.value as CorrectionField)}>
            {CORRECTION_FIELDS.map((f) => (
              <option key={f} value={f}>
                {f === 'amount' ? 'Amount' : `Fee: ${f === 'three_ds' ? '3DS' : humanize(f)}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="inline">
        <label className="field">
          <span>Corrected amount</span>
          <input aria-label="Corrected amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} aria-invalid={parsed?.ok === false} placeholder="e.g. 1000 or -12.50" />
        </label>
        <label className="field" style={{ flex: '0 0 80px' }}>
          <span>Currency</span>
          <input aria-label="Correction currency" maxLength={3} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
        </label>
      </div>
      {parsed && !parsed.ok && <div className="field-error">{parsed.message}</div>}
      <label className="field">
        <span>Reason</span>
        <textarea aria-label="Correction reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
        <span>Evidence for this correction</span>
        {evidence.length === 0 ? (
          <p className="muted small">Attach an evidence file above first: a correction needs at least one.</p>
        ) : (
          evidence.map((e) => (
            <label key={e.id} className="check-inline small">
              <input type="checkbox" checked={picked.includes(e.id)} onChange={(ev) => setCited(ev.target.checked ? [...picked, e.id] : picked.filter((x) => x !== e.id))} /> {e.file_name}
            </label>
          ))
        )}
      </fieldset>
      <ErrorBanner error={error} />
      {error instanceof ApiError && error.code === 'KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED' && <p className="small muted">Pick at least one evidence file attached to this discrepancy.</p>}
      <button type="submit" className="btn" disabled={busy || !parsed?.ok || !reason.trim() || picked.length === 0}>
        {busy ? 'Saving…' : 'Record correction'}
      </button>
    </form>
  );
}
