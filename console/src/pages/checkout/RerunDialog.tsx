import { useRef, useState, type FormEvent } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { rerunCheckout } from '../../api/checkout.ts';
import type { CheckoutDetail } from '../../api/types.ts';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { humanize } from '../../lib/format.ts';

interface Props {
  /** The run as it was when the dialog opened. */
  run: CheckoutDetail;
  /** Its status now, as the page behind last loaded it. */
  currentStatus: CheckoutDetail['status'];
  onClose(): void;
  /** The server took the re-run; its answer (completed, running, or needing attention again). */
  onDone(answer: CheckoutDetail): void;
  /** The server refused because the run changed meanwhile (409): reload it behind the dialog. */
  onStale(): void;
}

const NOTE_MAX = 1000;

/** Explains what a refusal means for the operator, beyond the server's message. */
function refusalHint(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'KS_ERR_CHECKOUT_NOT_RERUNNABLE') return 'This run cannot be re-run now: another operator may have re-run it, or it is still finishing. The page behind shows its current state.';
  if (error.status === 403) return 'Your role may not re-run checkouts. Ask an operator or an admin.';
  if (error.code === 'KS_ERR_IDEMPOTENCY_KEY_IN_USE') return 'The first attempt is still being processed. Wait a moment, then confirm again.';
  return null;
}

/** Confirms a re-run from the failed step, with an optional note for the audit trail. */
export function RerunDialog({ run, currentStatus, onClose, onDone, onStale }: Props) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // One key per operator action, kept only to retry a request whose answer never came (network,
  // 5xx): a retry then replays instead of re-running twice. A definite refusal (4xx) is stored
  // by the server under its key, so the next attempt needs a fresh key to be tried again.
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const step = run.failed_step ?? 'the failed step';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = note.trim();
    if (!attempt.current || attempt.current.body !== body) attempt.current = { key: newIdempotencyKey(), body };
    setBusy(true);
    setError(null);
    try {
      const answer = await rerunCheckout(run.id, body, attempt.current.key);
      onDone(answer);
    } catch (err) {
      setError(err);
      setBusy(false);
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) attempt.current = null;
      if (err instanceof ApiError && err.status === 409) onStale();
    }
  }

  const hint = refusalHint(error);
  const moved = currentStatus !== 'needs_attention';

  return (
    <Dialog title={`Re-run ${run.id}`} onClose={onClose} busy={busy}>
      <form className="dialog-body" onSubmit={(e) => void submit(e)}>
        <p>
          The run starts again at <code>{step}</code>. The steps before it keep their recorded results and are not executed again: one
          authorization, one order, one mail.
        </p>
        {run.error && (
          <div className="step-error">
            Last error: <code>{run.error.code}</code> {run.error.message}
          </div>
        )}
        <p className="muted">Fix the cause first (the mail server, the database…), or the run stops again at the same step.</p>
        <label className="field">
          <span>
            Note <em className="muted">— optional, kept on the run’s timeline</em>
          </span>
          <textarea
            name="note"
            rows={3}
            maxLength={NOTE_MAX}
            autoFocus
            placeholder="e.g. SMTP relay back up after ticket OPS-31"
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
        </label>
        <ErrorBanner error={error} />
        {hint && <p className="muted small">{hint}</p>}
        {moved && (
          <p className="small" role="status" data-testid="rerun-moved">
            The run is now <strong>{humanize(currentStatus)}</strong>: there is nothing to re-run.
          </p>
        )}
        <footer className="dialog-footer">
          <button type="button" className="btn btn-ghost" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || moved}>
            {busy ? 'Re-running…' : `Re-run from ${step}`}
          </button>
        </footer>
      </form>
    </Dialog>
  );
}
