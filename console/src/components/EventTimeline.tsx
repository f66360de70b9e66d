import type { ReactNode } from 'react';
import type { TimelineEntry } from '../api/types.ts';
import { formatDateTime, humanize } from '../lib/format.ts';
import { useSession } from '../session/session.tsx';

/** Actors arrive as `operator:op_…`, `api_key:key_…` or `system`. */
export function actorText(actor: unknown, me: { type: string; id: string; name: string }): string {
  if (actor === null || actor === undefined || actor === '') return 'system';
  if (actor === `${me.type}:${me.id}`) return `you (${me.name})`;
  if (typeof actor === 'string') return actor.replace(':', ' ');
  if (typeof actor === 'object') {
    const a = actor as { type?: unknown; name?: unknown; id?: unknown };
    const who = a.name ?? a.id;
    if (who !== undefined && who !== null) return a.type ? `${String(who)} (${String(a.type)})` : String(who);
  }
  return JSON.stringify(actor);
}

export type Tone = 'ok' | 'bad' | 'warn' | 'info';

/**
 * A card listing events newest first, each with its type, who and when; `tone` colours an
 * event by its type and `details` renders its data (pages know what their events carry).
 */
export function EventTimeline({ entries, titleId, tone, details }: { entries: TimelineEntry[]; titleId: string; tone: (type: string) => Tone; details: (entry: TimelineEntry) => ReactNode }) {
  const { me } = useSession();
  const newestFirst = [...entries].sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card-title">
        Timeline <span className="muted small">{entries.length}</span>
      </h2>
      {newestFirst.length === 0 ? (
        <p className="muted small">No events recorded.</p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {newestFirst.map((e) => (
            <li key={e.id} className={`timeline-item tone-${tone(e.type)}`} data-type={e.type}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-head">
                <strong className="timeline-type">{humanize(e.type)}</strong>
                <span className="muted small">by {actorText(e.actor, me)}</span>
                <time className="muted small timeline-time" dateTime={e.created_at}>
                  {formatDateTime(e.created_at)}
                </time>
              </div>
              {details(e)}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
