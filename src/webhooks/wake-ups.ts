import pg from 'pg';
import type { Logger } from 'pino';

/** Notified (by a trigger) when events are written, and when a delivery is retried by hand. */
export const WAKE_CHANNEL = 'kessai_webhooks';
const RECONNECT_MS = 5000;

export interface WakeUps {
  close(): Promise<void>;
}

/**
 * LISTENs on its own connection (not one of the pool's) and calls `onWake` for every
 * notification. A lost connection is re-opened after a pause; meanwhile the worker's polling
 * still finds the work, only later.
 */
export function listenForWakeUps(databaseUrl: string, onWake: () => void, logger: Logger): WakeUps {
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  const reconnectLater = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connecting = connect();
    }, RECONNECT_MS);
    timer.unref();
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'kessai-webhooks' });
    c.on('notification', () => onWake());
    c.on('error', (err) => logger.warn({ err }, 'webhook wake-up connection failed; polling until it is back'));
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      reconnectLater();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${WAKE_CHANNEL}`);
    } catch (err) {
      await c.end().catch(() => {});
      if (!closed) {
        logger.warn({ err }, 'could not LISTEN for webhook wake-ups; polling until it works');
        reconnectLater();
      }
      return;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    // Whatever was written while nobody listened is found now rather than at the next poll.
    onWake();
  }

  connecting = connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      await connecting;
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
