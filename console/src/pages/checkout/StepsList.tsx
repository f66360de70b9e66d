import type { CheckoutDetail } from '../../api/types.ts';
import { formatDateTime } from '../../lib/format.ts';
import { CheckoutStatusBadge } from './CheckoutStatusBadge.tsx';
import { MAIN_STEPS, STEP_PURPOSE, formatDuration } from './format.ts';

interface Row {
  name: string;
  status: 'succeeded' | 'failed' | 'pending';
  error: { code: string; message: string } | null;
  started_at: string | null;
  completed_at: string | null;
}

/**
 * The steps as recorded, in the order they ran; while the run is unfinished, the forward steps
 * still to come are listed after them, greyed (what a re-run will execute).
 */
function rowsOf(run: CheckoutDetail): Row[] {
  const rows: Row[] = run.steps.map((s) => ({ ...s }));
  if (run.status === 'running' || run.status === 'needs_attention') {
    const recorded = new Set(run.steps.map((s) => s.name));
    const lastForward = Math.max(-1, ...run.steps.map((s) => (MAIN_STEPS as readonly string[]).indexOf(s.name)));
    for (const name of MAIN_STEPS.slice(lastForward + 1)) {
      if (name === 'confirm-authorization' || recorded.has(name)) continue;
      rows.push({ name, status: 'pending', error: null, started_at: null, completed_at: null });
    }
  }
  return rows;
}

export function StepsList({ run }: { run: CheckoutDetail }) {
  const rows = rowsOf(run);
  return (
    <section className="card" aria-labelledby="steps-title">
      <h2 id="steps-title" className="card-title">
        Steps <span className="muted small">{run.steps.length} recorded</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted small">No step has finished yet.</p>
      ) : (
        <ol className="steps" data-testid="steps">
          {rows.map((s, i) => (
            <li
              key={`${s.name}:${i}`}
              className={`step step-${s.status}${s.name === run.failed_step && s.status === 'failed' ? ' step-current' : ''}`}
              data-step={s.name}
              data-status={s.status}
            >
              <span className="step-index" aria-hidden="true">
                {s.status === 'succeeded' ? '✓' : s.status === 'failed' ? '✕' : i + 1}
              </span>
              <div className="step-body">
                <div className="step-head">
                  <code className="step-name">{s.name}</code>
                  <CheckoutStatusBadge status={s.status} label={s.status === 'pending' ? 'Not run yet' : undefined} />
                  {s.started_at && (
                    <span className="muted small step-time" title={`Started ${formatDateTime(s.started_at)} · completed ${formatDateTime(s.completed_at)}`}>
                      <time dateTime={s.started_at}>{formatDateTime(s.started_at)}</time>
                      {formatDuration(s.started_at, s.completed_at) && <> · {formatDuration(s.started_at, s.completed_at)}</>}
                    </span>
                  )}
                </div>
                <div className="muted small">{STEP_PURPOSE[s.name] ?? ''}</div>
                {s.error && (
                  <div className="step-error" role="note">
                    <code>{s.error.code}</code> {s.error.message}
                  </div>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
