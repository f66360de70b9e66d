import { KessaiError } from '../errors/index.ts';
import { writeAudit } from '../events/index.ts';
import { blockedHost } from './address-policy.ts';
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from './context.ts';
import type { WebhooksTables } from './tables.ts';

export const MAX_URL_LENGTH = 2048;

/** An absolute http(s) URL, as the endpoint will store it; anything else is a field error. */
export function parseEndpointUrl(raw: string, { allowPrivateNetworks }: { allowPrivateNetworks: boolean }): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new KessaiError('KS_ERR_VALIDATION', 'url must be an absolute http:// or https:// URL', { field: 'url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KessaiError('KS_ERR_VALIDATION', `url must use http or https, not ${url.protocol.slice(0, -1)}`, { field: 'url' });
  }
  if (!url.hostname) throw new KessaiError('KS_ERR_VALIDATION', 'url must name a host', { field: 'url' });
  const refused = allowPrivateNetworks ? null : blockedHost(url.hostname);
  if (refused) throw new KessaiError('KS_ERR_VALIDATION', `url must point to a public address: ${refused} (KESSAI_WEBHOOK_ALLOW_PRIVATE=true allows private networks, for development)`, { field: 'url' });
  if (url.href.length > MAX_URL_LENGTH) throw new KessaiError('KS_ERR_VALIDATION', `url must be at most ${MAX_URL_LENGTH} characters`, { field: 'url' });
  return url.href;
}

export async function auditEndpointChange(
  db: Kysely<WebhooksTables> | Transaction<WebhooksTables>,
  actor: Actor,
  action: string,
  target: { type: 'webhook_endpoint' | 'webhook_delivery'; id: string },
  details: Record<string, unknown> = {},
): Promise<void> {
  await writeAudit(db, {
    actorType: actor.type,
    actorId: actor.id,
    actorName: actor.name,
    action,
    targetType: target.type,
    targetId: target.id,
    details,
    requestId: actor.requestId ?? null,
    ip: actor.ip ?? null,
  });
}
