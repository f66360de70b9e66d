import { humanize } from '../../lib/format.ts';

const TONE: Record<string, 'neutral' | 'info' | 'warn' | 'ok' | 'bad' | 'muted'> = {
  running: 'info',
  completed: 'ok',
  failed: 'bad',
  needs_attention: 'warn',
  placed: 'ok',
  succeeded: 'ok',
  pending: 'muted',
};

/** A run's, a step's or an order's status, in the console's badge colours. */
export function CheckoutStatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge-${TONE[status] ?? 'neutral'}`} data-status={status}>
      {label ?? humanize(status)}
    </span>
  );
}
