import { useState } from 'react';
import { ApiError, newIdempotencyKey } from '../../api/client.ts';
import { actOnDiscrepancies, evidenceUrl, getDiscrepancyHistory, uploadEvidence, type Discrepancy, type DiscrepancyAction } from '../../api/reconciliation.ts';
import { actorText } from '../../components/EventTimeline.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { useFetch } from '../../lib/useFetch.ts';
import { useSession } from '../../session/session.tsx';
import { CorrectionForm } from './CorrectionForm.tsx';
import { FieldsSideBySide } from './FieldsSideBySide.tsx';
import { ReconBadge, useCanHandle } from './format.tsx';

/** Which actions the state allows (the server's table, docs/reconciliation.md). */
const ALLOWED: Record<string, DiscrepancyAction[]> = { pending: ['start', 'note', 'resolve'], in_progress: ['note', 'resolve'], resolved: ['note', 'reopen'] };
const LABEL: Record<DiscrepancyAction, string> = { start: 'Start handling', note: 'Add note', resolve: 'Resolve', reopen: 'Reopen' };

/**
 * Handling one discrepancy: its fields side by side, its log, evidence (JPEG/PNG, checked by the
 * server by content) and amount corrections; start, note, resolve and reopen with a reason.
 * Viewers see it all, with no controls.
 */
export function DiscrepancyDialog({ d, onClose, onChanged }: { d: Discrepancy; onClose(): void; onChanged(): void }) {
  const { me } = useSession();
  const canHandle = useCanHandle();
  const history = useFetch(`history:${d.id}`, (signal) => getDiscrepancyHistory(d.id, signal));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [file, setFile] = useState<File | null>(null);
  // A new key empties the file input once its file is uploaded.
  const [fileInput, setFileInput] = useState(0);

  const refresh = () => {
    history.reload();
    onChanged();
  };

  async function act(action: DiscrepancyAction) {
    setBusy(true);
    setError(null);
    try {
      await actOnDiscrepancies([d.id], action, reason.trim(), newIdempotencyKey());
      setReason('');
      refresh();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.status === 409) onChanged();
    } finally {
      setBusy(false);
    }
  }

  async function upload() {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadEvidence(d.id, file, me.csrf_token);
      setFile(null);
      setFileInput((n) => n + 1);
      refresh();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const h = history.data;
  return (
    <Dialog title={`Discrepancy ${d.id}`} onClose={onClose} busy={busy}>
      <div className="dialog-body handling-body" data-testid="discrepancy-dialog" data-state={d.state}>
        <p>
          <ReconBadge value={d.state} /> <strong>{d.channel}</strong> · {d.post_date} · <code>{d.match_key}</code>
        </p>
        <div className="reason-chips">
          {d.reasons.map((r) => (
            <code key={r} className="chip">
              {r}
            </code>
          ))}
        </div>
        <dl className="kv kv-compact small">
          <dt>System reason</dt>
          <dd>{d.system_reason}</dd>
          <dt>Operator</dt>
          <dd>{d.operator ? actorText(d.operator, me) : '—'}</dd>
          <dt>Operator’s reason</dt>
          <dd data-testid="operator-reason">{d.operator_reason ?? '—'}</dd>
          {d.resolved_at && (
            <>
              <dt>Resolved</dt>
              <dd>{formatDateTime(d.resolved_at)}</dd>
            </>
          )}
        </dl>
        <FieldsSideBySide d={d} />
        <ErrorBanner error={error} />

        <div className="handling-grid">
          <section aria-labelledby="act-title">
            <h3 id="act-title">Handle</h3>
            {canHandle ? (
              <div className="recon-form">
                <label className="field">
                  <span>Reason (required to resolve, reopen or note)</span>
                  <textarea aria-label="Reason" rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
                </label>
                <div className="actions">
                  {(ALLOWED[d.state] ?? []).map((a) => (
                    <button key={a} type="button" className={a === 'resolve' ? 'btn btn-primary' : 'btn'} disabled={busy || (a !== 'start' && !reason.trim())} onClick={() => void act(a)}>
                      {LABEL[a]}
                    </button>
                  ))}
                </div>
              </div>
            ) : (
              <p className="muted small">Your role can view discrepancies; operators handle them.</p>
            )}

            <h3>Evidence</h3>
            <ul className="evidence-list" data-testid="evidence-list">
              {h?.evidence.length === 0 && <li className="muted">No evidence yet.</li>}
              {h?.evidence.map((e) => (
                <li key={e.id}>
                  <a href={evidenceUrl(d.id, e.id)} target="_blank" rel="noreferrer">
                    {e.file_name}
                  </a>{' '}
                  <span className="muted">
                    {e.content_type}, {Math.ceil(e.size_bytes / 1024)} KiB, by {actorText(e.uploaded_by, me)}
                  </span>
                </li>
              ))}
            </ul>
            {canHandle && (
              <div className="inline recon-form">
                <input key={fileInput} type="file" aria-label="Evidence file" accept="image/png,image/jpeg" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
                <button type="button" className="btn btn-small" disabled={!file || busy} onClick={() => void upload()}>
                  Upload evidence
                </button>
              </div>
            )}

            {canHandle && d.state !== 'resolved' && h && (
              <>
                <h3>Correct an amount</h3>
                <CorrectionForm d={d} evidence={h.evidence} onDone={refresh} />
              </>
            )}
            {canHandle && d.state === 'resolved' && <p className="muted small">Reopen the discrepancy to correct an amount.</p>}
          </section>

          <section aria-labelledby="log-title">
            <h3 id="log-title">History</h3>
            <ErrorBanner error={history.error} onRetry={history.reload} />
            <ol className="history-list" data-testid="history">
              {h && h.actions.length === 0 && <li className="muted">Nothing done yet.</li>}
              {h &&
                [...h.actions].reverse().map((a, i) => (
                  <li key={`${a.at}-${i}`} data-action={a.action}>
                    <strong>{humanize(a.action)}</strong> {a.from_state !== a.to_state ? `${humanize(a.from_state)} → ${humanize(a.to_state)}` : ''}{' '}
                    <span className="muted">
                      by {actorText(a.actor, me)}, {formatDateTime(a.at)}
                    </span>
                    {a.reason && <div>“{a.reason}”</div>}
                    {a.action === 'evidence' && <div className="muted">{String(a.details.file_name ?? '')}</div>}
                  </li>
                ))}
            </ol>
            {h && h.corrections.length > 0 && (
              <>
                <h3>Corrections</h3>
                <table className="table table-compact" data-testid="corrections">
                  <thead>
                    <tr>
                      <th>#</th>
                      <th>Side · field</th>
                      <th className="num">Before</th>
                      <th className="num">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {h.corrections.map((c) => (
                      <tr key={c.id} title={`${c.reason} — ${actorText(c.actor, me)}, ${formatDateTime(c.at)}, evidence ${c.evidence_ids.join(', ')}`}>
                        <td>{c.seq}</td>
                        <td>
                          {c.side} · {c.field}
                        </td>
                        <td className="num">{c.before.amount !== null && c.before.currency ? <Money amount={c.before.amount} currency={c.before.currency} /> : '—'}</td>
                        <td className="num">
                          <Money amount={c.after.amount} currency={c.after.currency} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            )}
          </section>
        </div>
      </div>
    </Dialog>
  );
}
