import type { TimelineEntry } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { humanize } from '../../lib/format.ts';
import { EventTimeline, type Tone } from '../../components/EventTimeline.tsx';

// Shown elsewhere on the page.
const HIDDEN_KEYS = new Set(['currency', 'cart_id']);
const AMOUNT_KEYS = new Set(['total', 'subtotal', 'shipping_fee', 'amount']);

function valueText(key: string, value: unknown): string {
  if (Array.isArray(value) && value.every((l) => l && typeof l === 'object' && 'sku' in l)) {
    return value.map((l: { sku: unknown; quantity?: unknown }) => `${String(l.sku)} × ${String(l.quantity ?? '?')}`).join(', ');
  }
  if (value && typeof value === 'object' && 'code' in value) {
    const e = value as { code: unknown; message?: unknown };
    return `${String(e.code)}${e.message ? `: ${String(e.message)}` : ''}`;
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return key === 'compensated' ? (value ? 'yes' : 'no') : String(value);
}

/** An error's `details`, less what the event already says (`step`…); null when nothing is left. */
function newDetails(details: unknown, data: Record<string, unknown>): unknown {
  if (!details || typeof details !== 'object' || Array.isArray(details)) return details;
  const rest = Object.entries(details as Record<string, unknown>).filter(([k, v]) => JSON.stringify(data[k]) !== JSON.stringify(v));
  return rest.length === 0 ? null : Object.fromEntries(rest);
}

function DataChips({ data, currency }: { data: unknown; currency: string }) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  const entries = Object.entries(record)
    .map(([k, v]): [string, unknown] => [k, k === 'details' ? newDetails(v, record) : v])
    .filter(([k, v]) => !HIDDEN_KEYS.has(k) && v !== null && v !== undefined && v !== '');
  if (entries.length === 0) return null;
  return (
    <ul className="chips">
      {entries.map(([k, v]) => (
        <li key={k} className={k === 'note' ? 'chip chip-note' : 'chip'}>
          <span className="chip-key">{humanize(k)}</span>{' '}
          {AMOUNT_KEYS.has(k) && (typeof v === 'number' || (typeof v === 'string' && /^-?\d+$/.test(v))) ? <Money amount={v} currency={currency} /> : <span className="chip-value">{valueText(k, v)}</span>}
        </li>
      ))}
    </ul>
  );
}

function toneOf(type: string): Tone {
  if (/(failed)$/.test(type)) return 'bad';
  if (/(attention|rerun)/.test(type)) return 'warn';
  if (/(completed|committed)$/.test(type)) return 'ok';
  return 'info';
}

/** What happened to the run (stock, attention, re-runs, completion), newest first, with who. */
export function RunTimeline({ entries, currency }: { entries: TimelineEntry[]; currency: string }) {
  return <EventTimeline entries={entries} titleId="run-timeline-title" tone={toneOf} details={(e) => <DataChips data={e.data} currency={currency} />} />;
}
