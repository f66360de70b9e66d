import type { Payment } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';

const ROWS: Array<[keyof Payment, string, string]> = [
  ['amount', 'Amount due', 'What the order costs now'],
  ['amount_authorized', 'Authorized', 'Held on the card by the provider'],
  ['amount_captured', 'Captured', 'Taken from the customer'],
  ['amount_refunded', 'Refunded', 'Returned to the customer'],
  ['amount_capturable', 'Capturable', 'Can still be captured'],
  ['amount_refundable', 'Refundable', 'Can still be refunded'],
];

export function AmountsPanel({ payment: p }: { payment: Payment }) {
  return (
    <section className="card" aria-labelledby="amounts-title">
      <h2 id="amounts-title" className="card-title">
        Amounts <span className="muted small">{p.currency}</span>
      </h2>
      <dl className="amounts">
        {ROWS.map(([field, label, hint]) => (
          <div key={field} className="amount-cell" title={hint} data-field={field}>
            <dt>{label}</dt>
            <dd>
              <Money amount={p[field] as number} currency={p.currency} dim />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
