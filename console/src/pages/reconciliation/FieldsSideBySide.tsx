import type { Discrepancy } from '../../api/reconciliation.ts';
import { FEE_ITEMS } from '../../api/reconciliation.ts';
import { Money } from '../../components/Money.tsx';
import { humanize } from '../../lib/format.ts';

type Pair = { channel?: unknown; ours?: unknown; order?: unknown };
const asPair = (v: unknown): Pair => (v && typeof v === 'object' ? (v as Pair) : {});
const isAmount = (v: unknown): v is number | string => typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v));

/** One cell: an amount in its currency, any other value as text, and a correction if there is one. */
function Cell({ value, currency, corrected, differs }: { value: unknown; currency: string; corrected?: { amount: string; currency: string } | undefined; differs: boolean }) {
  return (
    <td className={differs ? 'num diff' : 'num'}>
      {value === null || value === undefined ? <span className="muted">—</span> : isAmount(value) && currency ? <Money amount={value} currency={currency} /> : String(value)}
      {corrected && (
        <div className="small" data-corrected="true">
          corrected: <Money amount={corrected.amount} currency={corrected.currency} />
        </div>
      )}
    </td>
  );
}

/** The compared fields of a discrepancy, channel and ours (and the order) next to each other. */
export function FieldsSideBySide({ d }: { d: Discrepancy }) {
  const f = d.fields;
  const currency = asPair(f.currency);
  const cCur = typeof currency.channel === 'string' && currency.channel !== '*' ? currency.channel : (d.currency ?? '');
  const oCur = typeof currency.ours === 'string' ? currency.ours : (d.currency ?? '');
  const fees = (f.fees && typeof f.fees === 'object' ? f.fees : {}) as Record<string, unknown>;
  const rows: Array<{ key: string; label: string; pair: Pair; money: boolean }> = [
    { key: 'amount', label: 'Amount', pair: asPair(f.amount), money: true },
    { key: 'currency', label: 'Currency', pair: currency, money: false },
    ...FEE_ITEMS.filter((i) => asPair(fees[i]).channel != null || asPair(fees[i]).ours != null || d.corrected?.[`channel.${i}`] || d.corrected?.[`ours.${i}`]).map((i) => ({
      key: i,
      label: `Fee: ${i === 'three_ds' ? '3DS' : humanize(i)}`,
      pair: asPair(fees[i]),
      money: true,
    })),
    ...Object.entries(f)
      .filter(([k, v]) => !['amount', 'currency', 'fees'].includes(k) && v !== null && typeof v === 'object' && Object.values(v).some((x) => x !== null))
      .map(([k, v]) => ({ key: k, label: humanize(k), pair: asPair(v), money: false })),
  ];
  // Single facts (the age in days…) are not sides of anything: listed below the table.
  const facts = Object.entries(f).filter(([k, v]) => !['amount', 'currency', 'fees'].includes(k) && v !== null && typeof v !== 'object');
  return (
    <div className="table-wrap">
      <table className="table table-compact side-by-side" data-testid="fields">
        <thead>
          <tr>
            <th>Field</th>
            <th className="num">Channel</th>
            <th className="num">Ours</th>
            <th className="num">Order</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ key, label, pair, money }) => {
            const differs = pair.channel != null && pair.ours != null && String(pair.channel) !== String(pair.ours);
            return (
              <tr key={key} data-field={key}>
                <td>{label}</td>
                <Cell value={pair.channel} currency={money ? cCur : ''} corrected={d.corrected?.[`channel.${key}`]} differs={differs} />
                <Cell value={pair.ours} currency={money ? oCur : ''} corrected={d.corrected?.[`ours.${key}`]} differs={differs} />
                <Cell value={pair.order} currency={money ? oCur : ''} differs={false} />
              </tr>
            );
          })}
        </tbody>
      </table>
      {facts.length > 0 && (
        <p className="muted small">
          {facts.map(([k, v]) => `${humanize(k)}: ${String(v)}`).join(' · ')}
        </p>
      )}
    </div>
  );
}
