import { formatMinor } from '../lib/money.ts';

/** An amount in minor units, shown in major units with its currency code. */
export function Money({ amount, currency, dim }: { amount: number | string | null | undefined; currency: string; dim?: boolean }) {
  if (amount === null || amount === undefined) return <span className="muted">—</span>;
  return (
    <span className={dim && Number(amount) === 0 ? 'money muted' : 'money'}>
      {formatMinor(amount, currency)}
      <span className="ccy">{currency}</span>
    </span>
  );
}
