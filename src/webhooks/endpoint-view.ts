import type { EndpointRow } from './tables.ts';

export interface EndpointView {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  event_types: string[];
  description: string;
  enabled: boolean;
  created_at: string;
  updated_at: string;
  /** Only in the answers to creation and rotation. */
  secret?: string;
}

export function presentEndpoint(row: EndpointRow, options: { withSecret?: boolean } = {}): EndpointView {
  return {
    id: row.id,
    object: 'webhook_endpoint',
    url: row.url,
    event_types: row.event_types,
    description: row.description,
    enabled: row.enabled,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    ...(options.withSecret ? { secret: row.secret } : {}),
  };
}
