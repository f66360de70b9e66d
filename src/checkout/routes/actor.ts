import type { FastifyRequest } from 'fastify';
import type { Actor } from '../context.ts';

export function actorOf(request: FastifyRequest): Actor {
  const p = request.principal;
  return { type: p?.type ?? 'system', id: p?.id ?? null, name: p?.name ?? null };
}
