import { humanize } from '../lib/format.ts';

/** Colour families by meaning; statuses not listed (future ones) are neutral. */
const TONE: Record<string, 'neutral' | 'info' | 'warn' | 'ok' | 'bad' | 'muted'> = {
  requires_authorization: 'neutral',
  pending: 'warn',
  authorized: 'info',
  partially_captured: 'info',
  captured: 'ok',
  partially_refunded: 'muted',
  refunded: 'muted',
  voided: 'muted',
  declined: 'bad',
  // operations
  succeeded: 'ok',
  failed: 'bad',
  unknown: 'warn',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${TONE[status] ?? 'neutral'}`} data-status={status}>
      {humanize(status)}
    </span>
  );
}

export function AttentionMarker({ reason }: { reason: string | null }) {
  return (
    <span className="attention" title={reason ?? 'Needs attention'} aria-label={`Needs attention${reason ? `: ${reason}` : ''}`}>
      ! Attention
    </span>
  );
}
