import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { parseMinorUnits } from '../../money/index.ts';
import type { PaymentsContext } from '../context.ts';
import { markOrderDelivered } from '../mark-order-delivered.ts';
import { applyOrderChange } from '../order-changes/apply-order-change.ts';
import { ORDER_CHANGE_KINDS, type OrderChangeKind } from '../order-changes/decide-order-change.ts';
import { presentPayment } from '../payment-view.ts';
import { actorOf } from '../../http/index.ts';
import { amountSchema, errors, idempotencyHeader, orderParams, paymentSchema } from './schemas.ts';

const orderChangeSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    object: { type: 'string' },
    order_id: { type: 'string' },
    kind: { type: 'string' },
    decision: { type: 'string', enum: ['keep', 'reauthorize', 'authorize', 'void'] },
    rule: { type: 'string' },
    amount_before: { type: 'integer' },
    amount_after: { type: 'integer' },
    outcome: { type: 'string', enum: ['applied', 'rejected', 'pending'] },
    decline_code: { type: ['string', 'null'] },
    payment: paymentSchema,
  },
} as const;

export async function ordersRoutes(app: FastifyInstance, ctx: PaymentsContext): Promise<void> {
  app.post<{ Params: { order_id: string }; Body: { kind: OrderChangeKind; amount?: number; original_line_amount?: number; substitute_line_amount?: number } }>(
    '/v1/orders/:order_id/changes',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags: ['orders'],
        summary: 'Change a placed order; the decision table says what happens to the payment',
        description:
          'See docs/order-changes.md. `amount` is the new order total. A failed re-authorization rejects the change with 402 and a decline code, and changes nothing.',
        headers: idempotencyHeader,
        params: orderParams,
        body: {
          type: 'object',
          required: ['kind'],
          additionalProperties: false,
          properties: {
            kind: { type: 'string', enum: [...ORDER_CHANGE_KINDS] },
            amount: amountSchema,
            original_line_amount: amountSchema,
            substitute_line_amount: amountSchema,
          },
        },
        response: { 200: orderChangeSchema, 202: orderChangeSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      if (b.kind !== 'cancel' && b.amount === undefined) throw new KessaiError('KS_ERR_VALIDATION', 'amount (the new order total) is required', { field: 'amount' });
      const r = await applyOrderChange(
        ctx,
        request.params.order_id,
        {
          kind: b.kind,
          amount: b.amount === undefined ? 0n : parseMinorUnits(b.amount),
          ...(b.original_line_amount !== undefined ? { originalLineAmount: parseMinorUnits(b.original_line_amount, 'original_line_amount') } : {}),
          ...(b.substitute_line_amount !== undefined ? { substituteLineAmount: parseMinorUnits(b.substitute_line_amount, 'substitute_line_amount') } : {}),
        },
        actorOf(request),
      );
      const body = {
        id: r.changeId,
        object: 'order_change',
        order_id: request.params.order_id,
        kind: b.kind,
        decision: r.decision.decision,
        rule: r.decision.rule,
        amount_before: Number(r.amountBefore),
        amount_after: Number(r.decision.total),
        outcome: r.outcome,
        decline_code: r.declineCode,
        payment: presentPayment(r.payment),
      };
      if (r.outcome === 'rejected') {
        const declined = r.declineCode !== null;
        throw new KessaiError(declined ? 'KS_ERR_PAYMENT_DECLINED' : 'KS_ERR_PROVIDER_REJECTED', `The change was rejected: the ${r.decision.decision} failed (${r.declineCode ?? 'no code'}); the order stays as it was`, {
          decline_code: r.declineCode,
          order_change: body,
        });
      }
      return reply.status(r.outcome === 'pending' ? 202 : 200).send(body);
    },
  );

  app.post<{ Params: { order_id: string } }>(
    '/v1/orders/:order_id/delivered',
    {
      config: { scope: 'orders:write' },
      schema: {
        tags: ['orders'],
        summary: 'Record that the order was delivered; the capture batch will capture the amount due',
        headers: idempotencyHeader,
        params: orderParams,
        response: { 200: paymentSchema, ...errors },
      },
    },
    async (request) => presentPayment(await markOrderDelivered(ctx, request.params.order_id, actorOf(request))),
  );
}
