import { useState } from 'react';
import { getOrderMailText, orderMailRawPath } from '../../api/checkout.ts';
import type { OrderMail } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatDateTime, humanize } from '../../lib/format.ts';

type Shown = { mailId: string; state: 'loading' } | { mailId: string; state: 'text'; text: string } | { mailId: string; state: 'error'; error: unknown };

/** The order's mails; a mail whose `.eml` is kept can be read here as sent. */
export function MailsCard({ orderId, mails }: { orderId: string; mails: OrderMail[] }) {
  const [shown, setShown] = useState<Shown | null>(null);

  async function show(mail: OrderMail) {
    if (shown?.mailId === mail.id && shown.state !== 'error') {
      setShown(null);
      return;
    }
    setShown({ mailId: mail.id, state: 'loading' });
    try {
      const text = await getOrderMailText(orderId, mail.id);
      setShown({ mailId: mail.id, state: 'text', text });
    } catch (error) {
      setShown({ mailId: mail.id, state: 'error', error });
    }
  }

  return (
    <section className="card" aria-labelledby="mails-title">
      <h2 id="mails-title" className="card-title">
        Mails <span className="muted small">{mails.length}</span>
      </h2>
      {mails.length === 0 ? (
        <p className="muted small">No mail sent yet.</p>
      ) : (
        <ul className="mails" data-testid="mails">
          {mails.map((m) => (
            <li key={m.id} className="mail" data-mail-id={m.id}>
              <div className="mail-head">
                <div>
                  <strong className="mail-subject">{m.subject}</strong>
                  <div className="muted small">
                    {humanize(m.kind)} to {m.recipient} · {formatDateTime(m.sent_at)} · via {m.transport}
                  </div>
                  <div className="mono small muted" title="Message-ID">
                    {m.message_id}
                  </div>
                </div>
                <div className="mail-actions">
                  {m.has_file ? (
                    <>
                      <button type="button" className="btn btn-small" onClick={() => void show(m)} aria-expanded={shown?.mailId === m.id && shown.state === 'text'}>
                        {shown?.mailId === m.id && shown.state === 'text' ? 'Hide .eml' : 'Show .eml'}
                      </button>
                      <a className="btn btn-small btn-ghost" href={orderMailRawPath(orderId, m.id)} target="_blank" rel="noreferrer">
                        Open raw
                      </a>
                    </>
                  ) : (
                    <span className="muted small" data-testid="no-copy">
                      No copy of this mail is kept
                    </span>
                  )}
                </div>
              </div>
              {shown?.mailId === m.id && shown.state === 'loading' && <p className="muted small">Loading the message…</p>}
              {shown?.mailId === m.id && shown.state === 'error' && <ErrorBanner error={shown.error} onRetry={() => void show(m)} />}
              {shown?.mailId === m.id && shown.state === 'text' && (
                <pre className="eml" data-testid="eml" aria-label={`Message ${m.message_id} as sent`}>
                  {shown.text}
                </pre>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
