import { listen } from '../db/index.ts';
import type { Logger } from 'pino';

/** Notified (by a trigger) when events are written, and when a delivery is retried by hand. */
export const WAKE_CHANNEL = 'kessai_webhooks';
const RECONNECT_MS = 5000;

export interface WakeUps {
  close(): Promise<void>;
}

/**
 * Calls `onWake` for every notification, and after every (re)connection (whatever was written
 * while nobody listened is found then rather than at the next poll). While the connection is
 * down, the worker's polling still finds the work, only later.
 */
export function listenForWakeUps(databaseUrl: string, onWake: () => void, logger: Logger): WakeUps {
  const listener = listen({
    databaseUrl,
    channel: WAKE_CHANNEL,
    applicationName: 'kessai-webhooks',
    logger,
    what: 'webhook wake-ups (polling meanwhile)',
    onNotification: () => onWake(),
    onConnected: onWake,
    delayMs: RECONNECT_MS,
  });
  return {
    async close() {
      await (await listener).close();
    },
  };
}
