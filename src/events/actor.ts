/** Who asked for a change: written on events and in the audit log. */
export interface Actor {
  type: 'api_key' | 'operator' | 'system' | 'cli';
  id: string | null;
  name: string | null;
  requestId?: string;
  ip?: string;
}

export const SYSTEM: Actor = { type: 'system', id: null, name: 'kessai' };

export function actorLabel(actor: Actor): string {
  return actor.type === 'system' ? 'system' : `${actor.type}:${actor.id ?? ''}`;
}
