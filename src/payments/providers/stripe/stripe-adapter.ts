import Stripe from 'stripe';
import { KessaiError } from '../../../errors/index.ts';
import type {
  IncomingWebhook,
  PaymentProvider,
  ProviderCapabilities,
  ProviderOutcome,
  ProviderPaymentSnapshot,
} from '../provider.ts';
import { outcomeOfError, toRefund, toSnapshot, toStripeAmount } from './stripe-mapping.ts';

export interface StripeProviderOptions {
  apiKey: string;
  /** Where the API lives, e.g. `http://127.0.0.1:12345` for a local fake. Default: Stripe. */
  apiBase?: string;
  webhookSecret?: string;
  timeoutMs?: number;
}

// Below the SDK's 80 s: a checkout waits on this, and an unanswered call is settled later by the
// janitor anyway (same idempotency key), so holding the customer longer buys nothing.
const DEFAULT_TIMEOUT_MS = 30_000;

const CAPABILITIES: ProviderCapabilities = Object.freeze({
  manualCapture: true,
  partialCapture: true,
  multipleCapture: true,
  incrementalAuthorization: true,
  void: true,
  refund: true,
  statusQuery: true,
});

/** Metadata keys we write on every PaymentIntent; search and webhooks read them back. */
export const METADATA = Object.freeze({
  reference: 'kessai_reference',
  orderId: 'kessai_order_id',
  idempotencyKey: 'kessai_idempotency_key',
});

// Every PaymentIntent answer carries its charge, so one round trip gives the refunded amount.
// A fresh array per call: nothing shared at module level that a caller could mutate.
const expandCharge = (): string[] => ['latest_charge'];

function createClient(options: StripeProviderOptions): Stripe {
  const base = new URL(options.apiBase ?? 'https://api.stripe.com');
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new TypeError(`unsupported Stripe apiBase ${options.apiBase}`);
  const protocol = base.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(options.apiKey, {
    host: base.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: base.port || (protocol === 'http' ? 80 : 443),
    protocol,
    // Our janitor retries with the same idempotency key; SDK retries would only hide outages.
    // (The SDK still retries a reset connection once; it reuses our key, so that is safe.)
    maxNetworkRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: 'kessai' },
  });
}

/**
 * Runs one Stripe call. `send` errors become outcomes by kind; `read` errors mean Stripe acted
 * but we cannot tell how, which is `unknown` rather than a guess.
 */
async function call<R, T>(send: () => Promise<R>, read: (response: R) => T | Promise<T>): Promise<ProviderOutcome<T>> {
  let response: R;
  try {
    response = await send();
  } catch (err) {
    return outcomeOfError(err);
  }
  try {
    return { outcome: 'succeeded', value: await read(response) };
  } catch (err) {
    const failure = outcomeOfError(err);
    return failure.outcome === 'unknown' ? failure : { outcome: 'unknown', message: `Stripe acted, but its answer could not be read: ${failure.message}` };
  }
}

/** Stripe's search syntax: values are quoted, and quotes inside them are backslash-escaped. */
function searchLiteral(value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') return (value as { id: string }).id;
  return undefined;
}

function webhookOf(event: Stripe.Event): IncomingWebhook {
  const object = event.data.object as unknown as Record<string, unknown>;
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const reference = metadata?.[METADATA.reference];
  // A PaymentIntent names itself; its charges, refunds and disputes name it in `payment_intent`.
  const providerPaymentId = object.object === 'payment_intent' ? idOf(object.id) : idOf(object.payment_intent);
  return {
    eventId: event.id,
    type: event.type,
    ...(typeof reference === 'string' ? { reference } : {}),
    ...(providerPaymentId ? { providerPaymentId } : {}),
  };
}

export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = createClient(options);

  async function snapshotOf(pi: Stripe.PaymentIntent): Promise<ProviderPaymentSnapshot> {
    const charge = typeof pi.latest_charge === 'string' ? await stripe.charges.retrieve(pi.latest_charge) : pi.latest_charge;
    return toSnapshot(pi, charge);
  }

  return {
    name: 'stripe',
    capabilities: CAPABILITIES,

    authorize: (req) =>
      call(() => {
        const manual = req.captureMethod === 'manual';
        return stripe.paymentIntents.create(
          {
            amount: toStripeAmount(req.amount, req.currency),
            currency: req.currency.toLowerCase(),
            payment_method: req.paymentMethod,
            allowed_payment_method_types: ['card'],
            confirm: true,
            capture_method: req.captureMethod,
            metadata: {
              [METADATA.reference]: req.reference,
              [METADATA.orderId]: req.orderId,
              [METADATA.idempotencyKey]: req.idempotencyKey,
            },
            // Both features only exist for manual capture; asking for them otherwise is an error.
            ...(manual
              ? { payment_method_options: { card: { request_incremental_authorization: 'if_available', request_multicapture: 'if_available' } } as const }
              : {}),
            expand: expandCharge(),
          },
          { idempotencyKey: req.idempotencyKey },
        );
      }, snapshotOf),

    incrementAuthorization: (req) =>
      call(
        () =>
          stripe.paymentIntents.incrementAuthorization(
            req.providerPaymentId,
            { amount: toStripeAmount(req.amount, req.currency), expand: expandCharge() },
            { idempotencyKey: req.idempotencyKey },
          ),
        snapshotOf,
      ),

    capture: (req) =>
      call(
        () =>
          stripe.paymentIntents.capture(
            req.providerPaymentId,
            { amount_to_capture: toStripeAmount(req.amount, req.currency), final_capture: req.final, expand: expandCharge() },
            { idempotencyKey: req.idempotencyKey },
          ),
        snapshotOf,
      ),

    void: (req) =>
      call(() => stripe.paymentIntents.cancel(req.providerPaymentId, { expand: expandCharge() }, { idempotencyKey: req.idempotencyKey }), snapshotOf),

    refund: (req) =>
      call(
        () =>
          stripe.refunds.create(
            { payment_intent: req.providerPaymentId, amount: toStripeAmount(req.amount, req.currency) },
            { idempotencyKey: req.idempotencyKey },
          ),
        toRefund,
      ),

    async findAuthorization(req) {
      if (req.providerPaymentId) {
        const found = await call(
          () => stripe.paymentIntents.retrieve(req.providerPaymentId!, { expand: expandCharge() }),
          async (pi) => ({ reference: pi.metadata[METADATA.reference], snapshot: await snapshotOf(pi) }),
        );
        // "No such payment_intent" is the answer to the question, not a failure to ask it.
        if (found.outcome === 'failed' && found.code === 'resource_missing') return { outcome: 'succeeded', value: null };
        if (found.outcome !== 'succeeded') return found;
        const { reference, snapshot } = found.value;
        if (reference !== req.reference) {
          return { outcome: 'failed', code: 'reference_mismatch', message: `${snapshot.providerPaymentId} belongs to ${reference}, not ${req.reference}` };
        }
        return { outcome: 'succeeded', value: snapshot };
      }
      // Search by our reference, then pick the attempt made with this key: one payment can have
      // several PaymentIntents (re-authorization), and only the key says which one was meant.
      // Stripe's search index lags writes by up to about a minute, so an empty answer right
      // after a lost response is not proof of absence; callers back off before asking.
      const query = `metadata[${searchLiteral(METADATA.reference)}]:${searchLiteral(req.reference)}`;
      return call(
        () => stripe.paymentIntents.search({ query, limit: 100, expand: ['data.latest_charge'] }),
        async (result) => {
          const match = result.data.find((pi) => pi.metadata[METADATA.idempotencyKey] === req.idempotencyKey);
          return match ? snapshotOf(match) : null;
        },
      );
    },

    parseWebhook(rawBody, headers) {
      const signature = headerValue(headers, 'stripe-signature');
      if (!options.webhookSecret) throw new KessaiError('KS_ERR_WEBHOOK_SIGNATURE', 'No Stripe webhook secret is configured');
      if (!signature) throw new KessaiError('KS_ERR_WEBHOOK_SIGNATURE', 'The Stripe-Signature header is missing');
      let event: Stripe.Event;
      try {
        // Default tolerance (300 s): an old, replayed delivery is rejected like a forged one.
        event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
      } catch (err) {
        throw new KessaiError('KS_ERR_WEBHOOK_SIGNATURE', 'The Stripe webhook signature is wrong', {
          reason: err instanceof Error ? err.message : String(err),
        });
      }
      return webhookOf(event);
    },
  };
}
