import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { parseMinorUnits } from '../../money/index.ts';
import { capturePayment } from '../capture-payment.ts';
import type { PaymentsContext } from '../context.ts';
import { createPayment } from '../create-payment.ts';
import { getPaymentDetails, isPaymentStatus, listPayments } from '../get-payment.ts';
import { incrementAuthorization } from '../increment-authorization.ts';
import { presentPayment } from '../payment-view.ts';
import { refundPayment } from '../refund-payment.ts';
import type { OperationResult } from '../run-operation.ts';
import { voidPayment } from '../void-payment.ts';
import { PAYMENT_STATUSES } from '../tables.ts';
import { actorOf } from '../../http/index.ts';
import { amountSchema, errors, idParams, idempotencyHeader, paymentDetailSchema, paymentSchema, positiveAmountSchema } from './schemas.ts';

/** 202 when the provider's answer is not known yet (the janitor will settle it). */
const statusOf = (r: OperationResult, ok = 200) => (r.operation.status === 'succeeded' || r.operation.status === 'failed' ? ok : 202);

export async function paymentsRoutes(app: FastifyInstance, ctx: PaymentsContext): Promise<void> {
  app.post<{
    Body: { order_id: string; amount: number; currency: string; provider: string; payment_method: string; capture_method?: 'manual' | 'automatic'; metadata?: Record<string, string> };
  }>(
    '/v1/payments',
    {
      config: { scope: 'payments:write' },
      schema: {
        tags: ['payments'],
        summary: 'Create an order’s payment and authorize it',
        description:
          'Authorizes the amount at the provider (and captures it at once for `capture_method: automatic`). A decline answers 402 with the declined payment. ' +
          'An amount of 0 takes no authorization (`requires_authorization`). When the provider does not answer, the payment is `pending` (HTTP 202) until the status sync settles it.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['order_id', 'amount', 'currency', 'provider', 'payment_method'],
          additionalProperties: false,
          properties: {
            order_id: { type: 'string', minLength: 1, maxLength: 200 },
            amount: amountSchema,
            currency: { type: 'string', pattern: '^[A-Z]{3}$' },
            provider: { type: 'string', minLength: 1, maxLength: 50 },
            payment_method: { type: 'string', minLength: 1, maxLength: 200 },
            capture_method: { type: 'string', enum: ['manual', 'automatic'], default: 'manual' },
            metadata: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 500 } },
          },
        },
        response: { 201: paymentSchema, 202: paymentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const result = await createPayment(
        ctx,
        {
          orderId: b.order_id,
          amount: parseMinorUnits(b.amount),
          currency: b.currency,
          provider: b.provider,
          paymentMethod: b.payment_method,
          captureMethod: b.capture_method ?? 'manual',
          ...(b.metadata ? { metadata: b.metadata } : {}),
        },
        actorOf(request),
      );
      const status = result.operation ? statusOf(result as OperationResult, 201) : 201;
      return reply.status(status).send(presentPayment(result.payment));
    },
  );

  app.get<{ Querystring: { status?: string; provider?: string; order_id?: string; currency?: string; needs_attention?: boolean; created_from?: string; created_to?: string; limit: number; starting_after?: string; ending_before?: string } }>(
    '/v1/payments',
    {
      config: { scope: 'payments:read' },
      schema: {
        tags: ['payments'],
        summary: 'List payments, newest first, with filters and cursor pagination',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            status: { type: 'string', enum: [...PAYMENT_STATUSES] },
            provider: { type: 'string' },
            order_id: { type: 'string' },
            currency: { type: 'string' },
            needs_attention: { type: 'boolean' },
            created_from: { type: 'string', format: 'date-time' },
            created_to: { type: 'string', format: 'date-time' },
            limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
            starting_after: { type: 'string', maxLength: 64, description: 'Older payments: the next_cursor of the page before' },
            ending_before: { type: 'string', maxLength: 64, description: 'Newer payments: the prev_cursor of the page after (not with starting_after)' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: { data: { type: 'array', items: paymentSchema }, has_more: { type: 'boolean' }, next_cursor: { type: ['string', 'null'] }, prev_cursor: { type: ['string', 'null'] } },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const q = request.query;
      if (q.starting_after && q.ending_before) throw new KessaiError('KS_ERR_VALIDATION', 'starting_after and ending_before go in opposite directions: give one', { field: 'ending_before' });
      return listPayments(ctx, {
        ...(q.status && isPaymentStatus(q.status) ? { status: q.status } : {}),
        ...(q.provider ? { provider: q.provider } : {}),
        ...(q.order_id ? { orderId: q.order_id } : {}),
        ...(q.currency ? { currency: q.currency } : {}),
        ...(q.needs_attention !== undefined ? { needsAttention: q.needs_attention } : {}),
        ...(q.created_from ? { createdFrom: new Date(q.created_from) } : {}),
        ...(q.created_to ? { createdTo: new Date(q.created_to) } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
        ...(q.ending_before ? { endingBefore: q.ending_before } : {}),
        limit: q.limit,
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/payments/:id',
    {
      config: { scope: 'payments:read' },
      schema: { tags: ['payments'], summary: 'A payment with its timeline and provider operations', params: idParams, response: { 200: paymentDetailSchema, ...errors } },
    },
    async (request) => getPaymentDetails(ctx, request.params.id),
  );

  const action = { config: { scope: 'payments:write' as const } };

  app.post<{ Params: { id: string }; Body: { amount: number } }>(
    '/v1/payments/:id/increment_authorization',
    {
      ...action,
      schema: {
        tags: ['payments'],
        summary: 'Raise the authorization to a new total (in place)',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount: { ...positiveAmountSchema, description: 'The new authorized total' } } },
        response: { 200: paymentSchema, 202: paymentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const r = await incrementAuthorization(ctx, request.params.id, parseMinorUnits(request.body.amount), actorOf(request));
      return reply.status(statusOf(r)).send(presentPayment(r.payment));
    },
  );

  app.post<{ Params: { id: string }; Body: { amount?: number; final?: boolean } | undefined }>(
    '/v1/payments/:id/capture',
    {
      ...action,
      schema: {
        tags: ['payments'],
        summary: 'Capture the amount due, or a given amount',
        description: 'Without `amount`, captures what the order owes now (within the authorization). `final: false` keeps the rest open for another capture.',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { amount: positiveAmountSchema, final: { type: 'boolean' } } },
        response: { 200: paymentSchema, 202: paymentSchema, ...errors },
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const r = await capturePayment(
        ctx,
        request.params.id,
        { ...(body.amount !== undefined ? { amount: parseMinorUnits(body.amount) } : {}), ...(body.final !== undefined ? { final: body.final } : {}) },
        actorOf(request),
      );
      return reply.status(statusOf(r)).send(presentPayment(r.payment));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/v1/payments/:id/void',
    {
      ...action,
      schema: { tags: ['payments'], summary: 'Cancel the authorization', headers: idempotencyHeader, params: idParams, response: { 200: paymentSchema, 202: paymentSchema, ...errors } },
    },
    async (request, reply) => {
      const r = await voidPayment(ctx, request.params.id, actorOf(request));
      return reply.status(statusOf(r)).send(presentPayment(r.payment));
    },
  );

  app.post<{ Params: { id: string }; Body: { amount: number } }>(
    '/v1/payments/:id/refunds',
    {
      ...action,
      schema: {
        tags: ['payments'],
        summary: 'Refund part or all of what was captured',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: 'object', required: ['amount'], additionalProperties: false, properties: { amount: positiveAmountSchema } },
        response: {
          201: { type: 'object', properties: { id: { type: 'string' }, object: { type: 'string' }, amount: { type: 'integer' }, status: { type: 'string' }, provider_reference: { type: ['string', 'null'] }, payment: paymentSchema } },
          202: { type: 'object', properties: { id: { type: 'string' }, object: { type: 'string' }, amount: { type: 'integer' }, status: { type: 'string' }, provider_reference: { type: ['string', 'null'] }, payment: paymentSchema } },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const r = await refundPayment(ctx, request.params.id, parseMinorUnits(request.body.amount, 'amount', { allowZero: false }), actorOf(request));
      return reply.status(statusOf(r, 201)).send({
        id: r.operation.id,
        object: 'refund',
        amount: Number(r.operation.amount),
        status: r.operation.status === 'succeeded' ? 'succeeded' : 'pending',
        provider_reference: r.operation.provider_reference,
        payment: presentPayment(r.payment),
      });
    },
  );
}
