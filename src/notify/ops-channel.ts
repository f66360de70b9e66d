import type { Logger } from 'pino';

export interface OpsNotice {
  /** One line for the channel (Slack's `text`). */
  text: string;
  /** Label → value pairs shown under it. */
  fields: Record<string, string>;
}

export interface OpsChannel {
  /** Throws when the webhook refuses or cannot be reached, so a durable step can retry it. */
  notify(notice: OpsNotice): Promise<{ delivered: boolean }>;
}

/**
 * The operations channel: a Slack-compatible incoming webhook (a JSON POST with `text`, and
 * `blocks` for Slack itself; Mattermost and others read `text`). Without a URL the notice is
 * only logged, and `delivered` is false.
 */
export function createOpsChannel(options: { webhookUrl: string | undefined; logger: Logger; timeoutMs?: number }): OpsChannel {
  return {
    async notify(notice) {
      const lines = Object.entries(notice.fields).map(([k, v]) => `*${k}:* ${v}`);
      options.logger.warn({ notice: notice.fields }, notice.text);
      if (!options.webhookUrl) return { delivered: false };
      const body = {
        text: [notice.text, ...lines].join('\n'),
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: notice.text } },
          { type: 'section', fields: lines.map((text) => ({ type: 'mrkdwn', text })) },
        ],
      };
      const res = await fetch(options.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new Error(`operations webhook answered ${res.status}`);
      return { delivered: true };
    },
  };
}
