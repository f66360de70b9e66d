import type { PaymentOperation } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';

function errorText(error: unknown): string {
  if (error === null || error === undefined) return '';
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return JSON.stringify(error);
}

/** Calls made to the provider for this payment (authorize, capture, refund…), oldest first. */
export function OperationsTable({ operations, currency }: { operations: PaymentOperation[]; currency: string }) {
  return (
    <section className="card" aria-labelledby="operations-title">
      <h2 id="operations-title" className="card-title">
        Provider operations <span className="muted small">{operations.length}</span>
      </h2>
      {operations.length === 0 ? (
        <p className="muted small">None yet.</p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th>Operation</th>
              <th className="num">Amount</th>
              <th>Status</th>
              <th>Outcome</th>
              <th>Started</th>
              <th>Completed</th>
            </tr>
          </thead>
          <tbody>
            {operations.map((op) => (
              <tr key={op.id} title={op.id}>
                <td>{humanize(op.kind)}</td>
                <td className="num">
                  <Money amount={op.amount} currency={currency} />
                </td>
                <td>
                  <StatusBadge status={op.status} />
                </td>
                <td className="small">
                  {op.decline_code && <code className="text-bad">{op.decline_code}</code>} {errorText(op.error)}
                </td>
                <td className="nowrap">{formatDateTime(op.created_at)}</td>
                <td className="nowrap">{formatDateTime(op.completed_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
