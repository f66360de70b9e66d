import type { TimelineEntry } from '../../api/types.ts';
import { Money } from '../../components/Money.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';
import { useSession } from '../../session/session.tsx';

/** Actors arrive as `operator:op_…`, `api_key:key_…` or `system`. */
function actorText(actor: unknown, me: { type: string; id: string; name: string }): string {
  if (actor === null || actor === undefined) return 'system';
  if (actor === `${me.type}:${me.id}`) return `you (${me.name})`;
  if (typeof actor === 'string') return actor.replace(':', ' ');
  if (typeof actor === 'object') {
    const a = actor as { type?: unknown; name?: unknown; id?: unknown };
    const who = a.name ?? a.id;
    if (who !== undefined && who !== null) return a.type ? `${String(who)} (${String(a.type)})` : String(who);
  }
  return JSON.stringify(actor);
}

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

function toneOf(type: string): 'ok' | 'bad' | 'warn' | 'info' {
  if (/(declined|failed)$/.test(type)) return 'bad';
  if (/(unknown|repaired|attention)/.test(type)) return 'warn';
  if (/(captured|refunded|voided)$/.test(type)) return 'ok';
  return 'info';
}

/** What happened to the payment, newest first, with who did it. */
export function Timeline({ entries, currency }: { entries: TimelineEntry[]; currency: string }) {
  const { me } = useSession();
  const newestFirst = [...entries].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title" className="card-title">
        Timeline <span className="muted small">{entries.length}</span>
      </h2>
      {newestFirst.length === 0 ? (
        <p className="muted small">No events recorded.</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {newestFirst.map((e) => (
            <li key={e.id} className={`timeline-item tone-${toneOf(e.type)}`} data-type={e.type}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-head">
                <strong className="timeline-type">{humanize(e.type)}</strong>
                <span className="muted small">by {actorText(e.actor, me)}</span>
                <time className="muted small timeline-time" dateTime={e.created_at}>
                  {formatDateTime(e.created_at)}
                </time>
              </div>
              <DataChips data={e.data} currency={currency} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
