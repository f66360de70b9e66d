import type { FastifyInstance } from 'fastify';
import { parseMinorUnits } from '../../money/index.ts';
import type { CaptureBatch } from '../capture-batch.ts';
import type { PaymentsContext } from '../context.ts';
import { presentPayment } from '../payment-view.ts';
import { repairPayment } from '../repair-payment.ts';
import { syncPendingOperations } from '../sync-payments.ts';
import { PAYMENT_STATUSES, type PaymentStatus } from '../tables.ts';
import { newId } from '../../db/index.ts';
import { actorOf } from '../../http/index.ts';
import { amountSchema, errors, idParams, idempotencyHeader, paymentSchema } from './schemas.ts';

export async function adminRoutes(app: FastifyInstance, opts: { ctx: PaymentsContext; captureBatch: CaptureBatch }): Promise<void> {
  const { ctx } = opts;
  app.post<{
    Params: { id: string };
    Body: { status: PaymentStatus; amount_authorized?: number; amount_captured?: number; amount_refunded?: number; reason: string; close_open_operations?: boolean; clear_attention?: boolean };
  }>(
    '/v1/admin/payments/:id/repair',
    {
      config: { scope: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Repair a payment’s state by hand (audited)',
        description: 'For when the provider’s records show what ours do not. The money invariants are still enforced; the change is audited and on the timeline.',
        headers: idempotencyHeader,
        params: idParams,
        body: {
          type: 'object',
          required: ['status', 'reason'],
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...PAYMENT_STATUSES] },
            amount_authorized: amountSchema,
            amount_captured: amountSchema,
            amount_refunded: amountSchema,
            reason: { type: 'string', minLength: 5, maxLength: 2000 },
            close_open_operations: { type: 'boolean' },
            clear_attention: { type: 'boolean' },
          },
        },
        response: { 200: paymentSchema, ...errors },
      },
    },
    async (request) => {
      const b = request.body;
      const repaired = await repairPayment(
        ctx,
        request.params.id,
        {
          status: b.status,
          reason: b.reason,
          ...(b.amount_authorized !== undefined ? { amountAuthorized: parseMinorUnits(b.amount_authorized, 'amount_authorized') } : {}),
          ...(b.amount_captured !== undefined ? { amountCaptured: parseMinorUnits(b.amount_captured, 'amount_captured') } : {}),
          ...(b.amount_refunded !== undefined ? { amountRefunded: parseMinorUnits(b.amount_refunded, 'amount_refunded') } : {}),
          ...(b.close_open_operations !== undefined ? { closeOpenOperations: b.close_open_operations } : {}),
          ...(b.clear_attention !== undefined ? { clearAttention: b.clear_attention } : {}),
        },
        actorOf(request),
      );
      return presentPayment(repaired);
    },
  );

  app.post(
    '/v1/admin/payments/sync',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'Run the status sync (janitor) now', headers: idempotencyHeader } },
    async () => syncPendingOperations(ctx, { ignoreBackoff: true, limit: 1000 }),
  );

  app.post(
    '/v1/admin/capture_batches',
    { config: { scope: 'admin' }, schema: { tags: ['admin'], summary: 'Start a capture batch now; answers with its id', headers: idempotencyHeader } },
    async (_request, reply) => {
      const batchId = newId('capb');
      await opts.captureBatch.start(batchId);
      return reply.status(202).send({ id: batchId, status: 'started' });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/admin/capture_batches/:id',
    { config: { scope: 'payments:read' }, schema: { tags: ['admin'], summary: 'Progress of a capture batch', params: idParams } },
    async (request) => ({ id: request.params.id, ...(await opts.captureBatch.progress(request.params.id)) }),
  );
}
