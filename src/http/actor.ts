import type { FastifyRequest } from 'fastify';
import type { Actor } from '../events/actor.ts';

/** The caller of a request as the actor of what it changes. */
export function actorOf(request: FastifyRequest): Actor & { requestId: string; ip: string } {
  const p = request.principal;
  return { type: p?.type ?? 'system', id: p?.id ?? null, name: p?.name ?? null, requestId: request.id, ip: request.ip };
}
