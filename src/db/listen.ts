import pg from 'pg';
import type { Logger } from 'pino';

export interface ListenOptions {
  databaseUrl: string;
  channel: string;
  applicationName: string;
  logger: Logger;
  /** For log lines: what stops working while the connection is down. */
  what: string;
  onNotification(payload: string | undefined): void;
  /** After every (re)connection, once LISTEN is in place: catch up on what was missed meanwhile. */
  onConnected(): void | Promise<void>;
  /** First pause before re-opening a lost connection; doubled each time up to `maxDelayMs`. */
  delayMs: number;
  maxDelayMs?: number;
  /** Whether the first connection's failure rejects `listen` (otherwise it is retried like later ones). */
  failFirst?: boolean;
}

export interface Listener {
  /** Whether the LISTEN connection is up. */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * LISTENs on a dedicated connection (not one of the pool's). A lost connection is re-opened
 * after a pause that doubles up to a limit; after each (re)connection `onConnected` runs, so
 * whatever was notified while nobody listened is caught up. Resolves once the first attempt is
 * over (connected, or failed and retrying unless `failFirst`).
 */
export async function listen(options: ListenOptions): Promise<Listener> {
  const { logger } = options;
  let client: pg.Client | null = null;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;
  let delay = options.delayMs;
  let connecting: Promise<void> = Promise.resolve();

  const reconnectLater = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = null;
      connecting = connect().catch(() => {});
    }, delay);
    timer.unref();
    delay = Math.min(delay * 2, options.maxDelayMs ?? delay);
  };

  async function connect(): Promise<void> {
    const c = new pg.Client({ connectionString: options.databaseUrl, application_name: options.applicationName });
    c.on('notification', (msg) => {
      if (msg.channel === options.channel) options.onNotification(msg.payload);
    });
    c.on('error', (err) => logger.warn({ err }, `${options.what}: connection failed; retrying`));
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      reconnectLater();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${options.channel}`);
    } catch (err) {
      await c.end().catch(() => {});
      if (closed) return;
      logger.warn({ err }, `${options.what}: could not LISTEN; retrying`);
      reconnectLater();
      throw err;
    }
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
    delay = options.delayMs;
    await options.onConnected();
  }

  const first = connect();
  if (options.failFirst) {
    try {
      await first;
    } catch (err) {
      closed = true;
      if (timer) clearTimeout(timer);
      throw err;
    }
  } else {
    connecting = first.catch(() => {});
    await connecting;
  }
  return {
    get listening() {
      return client !== null;
    },
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
