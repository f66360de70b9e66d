import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { actorOf } from '../../http/index.ts';
import type { CheckoutWorkflow } from '../checkout-workflow.ts';
import { getCheckout, isCheckoutStatus, listCheckouts } from '../get-checkout.ts';
import { getOrder, getOrderMailFile, listOrders } from '../get-order.ts';
import { rerunCheckout } from '../rerun-checkout.ts';
import type { CheckoutRunContext } from '../run-context.ts';
import { startCheckout, waitForRun } from '../start-checkout.ts';
import { CHECKOUT_STATUSES, type CheckoutRequest } from '../tables.ts';
import { addressSchema, checkoutSchema, customerSchema, orderSchema } from './checkout-schemas.ts';
import { errors, idParams, idempotencyHeader, pageOf, pageQuery } from './schemas.ts';

const tags = ['checkout'];

/** 201 completed, 202 still running or waiting for an operator; a failed run is its error. */
async function answer(ctx: CheckoutRunContext, checkoutId: string) {
  await waitForRun(checkoutId, ctx.settings.waitMs);
  const view = await getCheckout(ctx, checkoutId);
  if (view.status === 'failed' && view.error) {
    throw new KessaiError(view.error.code as never, view.error.message, { ...(view.error.details ?? {}), checkout_id: view.id, failed_step: view.failed_step });
  }
  return { status: view.status === 'completed' ? 201 : 202, view };
}

export async function checkoutsRoutes(app: FastifyInstance, ctx: CheckoutRunContext, workflow: CheckoutWorkflow): Promise<void> {
  app.post<{ Params: { id: string }; Body: Omit<CheckoutRequest, 'provider' | 'capture_method'> & Partial<Pick<CheckoutRequest, 'provider' | 'capture_method'>> }>(
    '/v1/carts/:id/checkout',
    {
      config: { scope: 'checkout:write' },
      schema: {
        tags,
        summary: 'Check the cart out: reserve stock, price shipping, authorize the payment, place the order',
        description:
          'Starts a durable checkout run (`chk_…`), or returns the cart’s run already under way for the same request (a double click or a retry gives one run and one charge). ' +
          'Answers 201 when the order is placed, 202 while the run is still going or needs an operator (poll `GET /v1/checkouts/{id}`), and the run’s error (402 declined, 409 out of stock, …) when it failed and was compensated: stock released, payment cancelled, cart intact.',
        headers: idempotencyHeader,
        params: idParams,
        body: {
          type: 'object',
          required: ['customer', 'shipping_address', 'payment_method'],
          additionalProperties: false,
          properties: {
            customer: customerSchema,
            shipping_address: addressSchema,
            provider: { type: 'string', minLength: 1, maxLength: 50, default: 'sandbox' },
            payment_method: { type: 'string', minLength: 1, maxLength: 200 },
            capture_method: { type: 'string', enum: ['manual', 'automatic'], default: 'manual' },
          },
        },
        response: { 201: checkoutSchema, 202: checkoutSchema, ...errors },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const checkoutRequest: CheckoutRequest = {
        customer: b.customer,
        shipping_address: b.shipping_address,
        provider: b.provider ?? 'sandbox',
        payment_method: b.payment_method,
        capture_method: b.capture_method ?? 'manual',
      };
      const { row } = await startCheckout(ctx, workflow, request.params.id, checkoutRequest, actorOf(request));
      const { status, view } = await answer(ctx, row.id);
      return reply.status(status).send(view);
    },
  );

  app.get<{ Querystring: { status?: string; cart_id?: string; limit: number; starting_after?: string } }>(
    '/v1/checkouts',
    {
      config: { scope: 'catalog:read' },
      schema: {
        tags,
        summary: 'Checkout runs, newest first; `status=needs_attention` is the operators’ queue (oldest first)',
        querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: [...CHECKOUT_STATUSES] }, cart_id: { type: 'string', maxLength: 64 }, ...pageQuery } },
        response: { 200: pageOf(checkoutSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listCheckouts(ctx, {
        limit: q.limit,
        ...(q.status && isCheckoutStatus(q.status) ? { status: q.status } : {}),
        ...(q.cart_id ? { cartId: q.cart_id } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/checkouts/:id',
    { config: { scope: 'catalog:read' }, schema: { tags, summary: 'A checkout run: its status, every step with its outcome, and its timeline', params: idParams, response: { 200: checkoutSchema, ...errors } } },
    async (request) => getCheckout(ctx, request.params.id),
  );

  app.post<{ Params: { id: string }; Body: { note?: string } | undefined }>(
    '/v1/checkouts/:id/rerun',
    {
      config: { scope: 'checkout:write' },
      schema: {
        tags,
        summary: 'Re-run a checkout that needs attention from its failed step',
        description: 'For after the cause is fixed (mail server back, database repaired). Steps that finished are not repeated: one authorization, one order, one mail.',
        headers: idempotencyHeader,
        params: idParams,
        body: { type: ['object', 'null'], additionalProperties: false, properties: { note: { type: 'string', maxLength: 1000 } } },
        response: { 201: checkoutSchema, 202: checkoutSchema, ...errors },
      },
    },
    async (request, reply) => {
      await rerunCheckout(ctx, request.params.id, actorOf(request), request.body?.note ?? null);
      const { status, view } = await answer(ctx, request.params.id);
      return reply.status(status).send(view);
    },
  );

  app.get<{ Querystring: { limit: number; starting_after?: string } }>(
    '/v1/orders',
    {
      config: { scope: 'catalog:read' },
      schema: { tags: ['orders'], summary: 'Orders placed by checkouts, newest first', querystring: { type: 'object', additionalProperties: false, properties: { ...pageQuery } }, response: { 200: pageOf(orderSchema), ...errors } },
    },
    async (request) => listOrders(ctx, { limit: request.query.limit, ...(request.query.starting_after ? { startingAfter: request.query.starting_after } : {}) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/orders/:id',
    { config: { scope: 'catalog:read' }, schema: { tags: ['orders'], summary: 'An order with its lines, history, mails and payment', params: idParams, response: { 200: orderSchema, ...errors } } },
    async (request) => getOrder(ctx, request.params.id),
  );

  app.get<{ Params: { id: string; mail_id: string } }>(
    '/v1/orders/:id/mails/:mail_id/raw',
    {
      config: { scope: 'catalog:read' },
      schema: {
        tags: ['orders'],
        summary: 'A mail the order sent, as the `.eml` file written by the development transport',
        params: { type: 'object', required: ['id', 'mail_id'], properties: { id: { type: 'string', maxLength: 64 }, mail_id: { type: 'string', maxLength: 64 } } },
      },
    },
    async (request, reply) => {
      const file = await getOrderMailFile(ctx, request.params.id, request.params.mail_id);
      return reply.type('message/rfc822').header('content-disposition', `inline; filename="${request.params.mail_id}.eml"`).send(file);
    },
  );
}
