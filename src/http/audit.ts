import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditEntry } from '../events/index.ts';
import { asArray, isMutatingMethod, isMutatingRoute } from './route-hooks.ts';

/**
 * Every successful mutating request by an operator goes to the audit log, with the route, its
 * target and the body (secrets redacted). Use cases that need a richer entry write their own.
 */
export function installOperatorAudit(app: FastifyInstance, write: (entry: AuditEntry) => Promise<void>): void {
  // On the routes that change state only (reads never write an audit row).
  app.addHook('onRoute', (route) => {
    if (isMutatingRoute(route)) route.onResponse = [...asArray(route.onResponse), audit];
  });
  async function audit(request: FastifyRequest, reply: FastifyReply) {
    const principal = request.principal;
    if (!principal || principal.type !== 'operator' || !isMutatingMethod(request.method) || reply.statusCode >= 400) return;
    const params = (request.params ?? {}) as Record<string, string>;
    const targetId = params.id ?? params.order_id ?? null;
    const body = redact(request.body);
    await write({
      actorType: 'operator',
      actorId: principal.id,
      actorName: principal.name,
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      targetType: targetId ? (request.routeOptions.url ?? '').split('/')[2] ?? null : null,
      targetId,
      details: { status: reply.statusCode, body },
      requestId: request.id,
      ip: request.ip,
    }).catch((err: unknown) => request.log.error({ err }, 'audit write failed'));
  }
}

function redact(body: unknown): unknown {
  if (body === null || typeof body !== 'object') return body ?? null;
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, /password|secret|token/i.test(k) ? '[redacted]' : v]),
  );
}
