import { useRef, useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { runPaymentAction } from '../../api/payments.ts';
import type { Payment } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Money } from '../../components/Money.tsx';
import { formatMinor, minorToInput, parseMajor } from '../../lib/money.ts';
import { amountProblem, defaultCaptureAmount, type ActionSpec } from './actions.ts';

interface Props {
  payment: Payment;
  spec: ActionSpec;
  onClose(): void;
  onDone(): void;
  /** The server says the payment changed meanwhile (409): reload it behind the dialog. */
  onStale(): void;
}

const EXPLAIN: Record<string, string> = {
  capture: 'Takes the money from the authorization. Leave the amount empty to capture what the order still owes.',
  increment_authorization: 'Asks the provider to raise the authorization to a new total (not the difference).',
  void: 'Cancels the authorization. Nothing can be captured afterwards and the hold on the card is released.',
  refund: 'Returns captured money to the customer. A refund cannot be undone.',
};

export function ActionDialog({ payment: p, spec, onClose, onDone, onStale }: Props) {
  const [text, setText] = useState('');
  const [final, setFinal] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per operator action: kept while the body stays the same, so retrying a request
  // whose answer was lost replays it instead of acting twice.
  const attempt = useRef<{ key: string; body: string } | null>(null);

  const parsed = text.trim() === '' ? null : parseMajor(text, p.currency);
  const inputProblem = parsed && !parsed.ok ? parsed.message : parsed?.ok ? amountProblem(spec.action, parsed.minor, p) : null;
  const missing = spec.amount === 'required' && parsed === null;
  const effective = parsed?.ok
    ? parsed.minor
    : spec.action === 'capture'
      ? defaultCaptureAmount(p)
      : spec.action === 'void'
        ? p.amount_authorized - p.amount_captured
        : null;
  // A partial capture may leave the rest of the authorization open for later captures.
  const partialCapture = spec.action === 'capture' && effective !== null && effective < p.amount_capturable;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (inputProblem || missing) return;
    const body: { amount?: number; final?: boolean } = spec.amount !== 'none' && parsed?.ok ? { amount: parsed.minor } : {};
    if (partialCapture && !final) body.final = false;
    const bodyText = JSON.stringify(body);
    if (!attempt.current || attempt.current.body !== bodyText) attempt.current = { key: newIdempotencyKey(), body: bodyText };
    setBusy(true);
    setError(null);
    try {
      await runPaymentAction(p.id, spec.action, body, attempt.current.key);
      onDone();
    } catch (err) {
      setError(err);
      setBusy(false);
      if (err instanceof ApiError && err.status === 409) onStale();
    }
  }

  const verb = spec.action === 'increment_authorization' ? 'Raise authorization' : spec.label;
  const submitLabel = effective !== null ? `${verb} ${formatMinor(effective, p.currency)} ${p.currency}` : verb;

  return (
    <Dialog title={`${spec.label} — ${p.id}`} onClose={onClose} busy={busy}>
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <p className="muted">{EXPLAIN[spec.action]}</p>
        <dl className="kv kv-compact">
          <dt>Authorized</dt>
          <dd>
            <Money amount={p.amount_authorized} currency={p.currency} />
          </dd>
          {spec.action === 'capture' && (
            <>
              <dt>Capturable</dt>
              <dd>
                <Money amount={p.amount_capturable} currency={p.currency} />
              </dd>
            </>
          )}
          {spec.action === 'refund' && (
            <>
              <dt>Refundable</dt>
              <dd>
                <Money amount={p.amount_refundable} currency={p.currency} />
              </dd>
            </>
          )}
        </dl>
        {spec.amount !== 'none' && (
          <label className="field">
            <span>
              {spec.action === 'increment_authorization' ? 'New authorized total' : 'Amount'} ({p.currency})
              {spec.amount === 'optional' && <em className="muted"> — optional</em>}
            </span>
            <div className="input-row">
              <input
                name="amount"
                inputMode="decimal"
                autoComplete="off"
                autoFocus
                placeholder={spec.action === 'capture' ? minorToInput(defaultCaptureAmount(p), p.currency) : ''}
                value={text}
                onChange={(e) => setText(e.target.value)}
                aria-invalid={Boolean(inputProblem)}
              />
              {spec.action === 'refund' && (
                <button type="button" className="btn btn-small" onClick={() => setText(minorToInput(p.amount_refundable, p.currency))}>
                  Full amount
                </button>
              )}
            </div>
            {inputProblem && <span className="field-error">{inputProblem}</span>}
          </label>
        )}
        {partialCapture && (
          <label className="check">
            <input type="checkbox" name="final" checked={final} onChange={(e) => setFinal(e.target.checked)} />
            <span>Final capture — release the rest of the authorization</span>
          </label>
        )}
        <ErrorBanner error={error} />
        <footer className="dialog-footer">
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className={spec.danger ? 'btn btn-danger' : 'btn btn-primary'} disabled={busy || Boolean(inputProblem) || missing}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
