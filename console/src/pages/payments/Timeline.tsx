import type { TimelineEntry } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { humanize } from '../../lib/format.ts';
import { EventTimeline, type Tone } from '../../components/EventTimeline.tsx';

// Shown elsewhere on the page (the event type says the kind; the header, the order).
const HIDDEN_KEYS = new Set(['currency', 'kind', 'order_id']);
const AMOUNT_KEYS = new Set(['previous']);

/** Minor-unit amounts in event data: `amount`, `amount_captured`, `previous`… */
function isAmountKey(key: string): boolean {
  return key.includes('amount') || AMOUNT_KEYS.has(key);
}

/** The entry's data as short key/value chips; amounts (keys containing "amount") as money. */
function DataChips({ data, currency }: { data: unknown; currency: string }) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return data === null || data === undefined ? null : <code className="small">{JSON.stringify(data)}</code>;
  }
  const entries = Object.entries(data as Record<string, unknown>).filter(([k, v]) => !HIDDEN_KEYS.has(k) && v !== null && v !== undefined);
  if (entries.length === 0) return null;
  return (
    <ul className="chips">
      {entries.map(([k, v]) => (
        <li key={k} className="chip">
          <span className="chip-key">{humanize(k)}</span>{' '}
          {isAmountKey(k) && (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))) ? (
            <Money amount={v} currency={currency} />
          ) : (
            <span className="chip-value">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function toneOf(type: string): Tone {
  if (/(declined|failed)$/.test(type)) return 'bad';
  if (/(unknown|repaired|attention)/.test(type)) return 'warn';
  if (/(captured|refunded|voided)$/.test(type)) return 'ok';
  return 'info';
}

/** What happened to the payment, newest first, with who did it. */
export function Timeline({ entries, currency }: { entries: TimelineEntry[]; currency: string }) {
  return <EventTimeline entries={entries} titleId="timeline-title" tone={toneOf} details={(e) => <DataChips data={e.data} currency={currency} />} />;
}
