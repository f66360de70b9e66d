import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import type { RewardsContext } from '../context.ts';
import { parseInboundEvent } from '../grants/inbound.ts';
import { ingestEvent } from '../grants/ingest.ts';
import { EVENTS_SIGNATURE_HEADER, verifyEventSignature } from '../grants/signature.ts';
import { errors } from './schemas.ts';

export interface EventsSettings {
  /** Unset: the route answers 404 KS_ERR_REWARD_EVENTS_DISABLED. */
  secret: string | undefined;
  toleranceSeconds: number;
}

/**
 * `POST /v1/events`: settlement and refund events from outside. Public (no API key): the body is
 * authenticated by its HMAC signature over the exact bytes received, checked before anything is
 * parsed; a stale timestamp is refused like a bad signature (a captured request cannot be
 * replayed later). Answered once the event is applied: repeating it is harmless.
 */
export async function eventsRoutes(app: FastifyInstance, ctx: RewardsContext, settings: EventsSettings): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post<{ Body: Buffer }>(
    '/v1/events',
    {
      config: { public: true },
      schema: {
        tags: ['rewards'],
        summary: 'Receive a payment.settled or payment.refunded event (HMAC-signed)',
        description:
          `Header \`${EVENTS_SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">\` with the shared secret ` +
          '(KESSAI_REWARDS_EVENTS_SECRET). Body: `{"id", "type": "payment.settled" | "payment.refunded", "data": {…}}` (docs/rewards.md#event-sources). ' +
          'Each event may be sent any number of times, in any order.',
        response: {
          200: {
            type: 'object',
            properties: {
              object: { type: 'string', enum: ['reward_event_receipt'] },
              event_id: { type: 'string' },
              type: { type: 'string' },
              outcome: { type: 'string', enum: ['processed', 'duplicate', 'reversed', 'held'] },
              points: { type: 'integer' },
              grants: { type: 'integer' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      if (!settings.secret) throw new KessaiError('KS_ERR_REWARD_EVENTS_DISABLED', 'This Kessai does not receive events (KESSAI_REWARDS_EVENTS_SECRET is not set)');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers[EVENTS_SIGNATURE_HEADER];
      verifyEventSignature(settings.secret, body, Array.isArray(header) ? header[0] : header, settings.toleranceSeconds);
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        throw new KessaiError('KS_ERR_MALFORMED_JSON', 'The body is not JSON');
      }
      const event = parseInboundEvent(json, 'http');
      const r = await ingestEvent(ctx, event);
      return { object: 'reward_event_receipt', event_id: event.eventId, type: r.type, outcome: r.outcome, points: Number(r.points), grants: r.grants };
    },
  );
}
