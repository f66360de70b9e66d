import { randomBytes } from 'node:crypto';
import { ApiError, allowOnly, bool, expandList, int, invalid, metadataOf, missing, parseSearchQuery, str, type Params } from './fake-stripe-params.ts';

/**
 * The in-memory half of the fake Stripe: PaymentIntents, charges and refunds with the state
 * rules of Stripe's API reference. The HTTP half (auth, idempotency, faults) is in
 * fake-stripe-server.ts. Amounts are JSON numbers here because they are on Stripe's wire; they
 * stay integers below Stripe's own 8-digit ceiling, so nothing is ever rounded.
 */

type Json = Record<string, unknown>;

interface TestCard {
  brand: string;
  last4: string;
  incremental: boolean;
  multicapture: boolean;
  decline?: { code: string; decline_code: string; message: string };
}

const declined = (decline_code: string, message: string, code = 'card_declined') => ({ code, decline_code, message });

/** Stripe's documented test PaymentMethods, plus two cards without the optional features. */
export const TEST_CARDS: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: 'visa', last4: '4242', incremental: true, multicapture: true },
  pm_card_mastercard: { brand: 'mastercard', last4: '4444', incremental: true, multicapture: true },
  pm_card_visa_no_incremental: { brand: 'visa', last4: '0010', incremental: false, multicapture: true },
  pm_card_visa_no_multicapture: { brand: 'visa', last4: '0028', incremental: true, multicapture: false },
  pm_card_chargeDeclined: { brand: 'visa', last4: '0002', incremental: false, multicapture: false, decline: declined('generic_decline', 'Your card was declined.') },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: 'visa', last4: '9995', incremental: false, multicapture: false,
    decline: declined('insufficient_funds', 'Your card has insufficient funds.'),
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: 'visa', last4: '0069', incremental: false, multicapture: false,
    decline: declined('expired_card', 'Your card has expired.', 'expired_card'),
  },
};

// Stripe's per-currency minimum charge amounts for the currencies tests use.
const MINIMUM: Readonly<Record<string, number>> = { jpy: 50, usd: 50, eur: 50, gbp: 30, cny: 400 };
const MAXIMUM = 99_999_999;
const CANCELABLE = ['requires_payment_method', 'requires_capture', 'requires_confirmation', 'requires_action', 'processing'];

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const now = () => Math.floor(Date.now() / 1000);

export interface FakeStripeApi {
  handle(method: string, path: string, params: Params): { status: number; body: Json };
  /** Test assertions: the stored object, as Stripe would render it now. */
  get(id: string): Json | undefined;
  paymentIntents(): Json[];
}

export function createFakeStripeApi(options: { searchLagMs?: number } = {}): FakeStripeApi {
  const intents = new Map<string, Json>();
  const charges = new Map<string, Json>();
  const refunds = new Map<string, Json>();
  const createdAt = new Map<string, number>();

  const intentOf = (id: string) => intents.get(id) ?? (() => { throw missing('payment_intent', id); })();
  const chargeOf = (pi: Json) => charges.get(String(pi.latest_charge)) as Json; // every confirmed PaymentIntent has one
  const render = (pi: Json, expand: string[], prefix = '') =>
    expand.includes(`${prefix}latest_charge`) && pi.latest_charge ? { ...pi, latest_charge: { ...chargeOf(pi) } } : { ...pi };
  const ok = (body: Json) => ({ status: 200, body: structuredClone(body) });

  function createIntent(params: Params) {
    allowOnly(params, ['amount', 'currency', 'payment_method', 'payment_method_types', 'allowed_payment_method_types', 'confirm', 'capture_method', 'metadata', 'payment_method_options', 'expand', 'description']);
    const amount = int(params, 'amount', true)!;
    const currency = str(params, 'currency', true)!.toLowerCase();
    if (!/^[a-z]{3}$/.test(currency)) throw invalid(`Invalid currency: ${currency}.`, 'parameter_invalid_string', 'currency', false);
    if (amount > MAXIMUM) throw invalid(`Amount must be no more than ${MAXIMUM}`, 'amount_too_large', 'amount', false);
    // ISK is zero-decimal in practice but two-decimal on the API: whole krónur only.
    if (currency === 'isk' && amount % 100 !== 0) throw invalid('Invalid amount. Currency ISK has become effectively zero-decimal and charged amounts must be evenly divisible by 100.', 'invalid_charge_amount_no_decimal_compatible', 'amount', false);
    if (amount < (MINIMUM[currency] ?? 1)) throw invalid(`Amount must be at least ${MINIMUM[currency] ?? 1} ${currency}`, 'amount_too_small', 'amount', false);
    const captureMethod = str(params, 'capture_method') ?? 'automatic_async';
    if (!['automatic', 'automatic_async', 'manual'].includes(captureMethod)) throw invalid(`Invalid capture_method: ${captureMethod}`, 'parameter_invalid_string', 'capture_method', false);
    const cardOptions = ((params.payment_method_options as Params | undefined)?.card ?? {}) as Params;
    allowOnly(cardOptions, ['request_incremental_authorization', 'request_multicapture']);
    for (const [name, value] of Object.entries(cardOptions)) {
      if (value !== 'if_available' && value !== 'never') throw invalid(`Invalid ${name}: ${String(value)}`, 'parameter_invalid_string', `payment_method_options[card][${name}]`, false);
      if (value === 'if_available' && captureMethod !== 'manual') {
        throw invalid(`${name} can only be used with capture_method=manual.`, 'payment_intent_invalid_parameter', `payment_method_options[card][${name}]`, false);
      }
    }
    const pmId = str(params, 'payment_method');
    const card = pmId === undefined ? undefined : TEST_CARDS[pmId];
    if (pmId !== undefined && !card) throw invalid(`No such PaymentMethod: '${pmId}'`, 'resource_missing', 'payment_method', false);
    const types = (params.allowed_payment_method_types ?? params.payment_method_types ?? ['card']) as string[];
    const pi: Json = {
      id: newId('pi'), object: 'payment_intent', amount, amount_capturable: 0, amount_received: 0,
      allowed_payment_method_types: types, payment_method_types: types, capture_method: captureMethod, confirmation_method: 'automatic',
      canceled_at: null, cancellation_reason: null, client_secret: `secret_${randomBytes(8).toString('hex')}`,
      created: now(), currency, description: str(params, 'description') ?? null, last_payment_error: null, latest_charge: null,
      livemode: false, metadata: metadataOf(params), next_action: null, payment_method: pmId ?? null,
      payment_method_options: { card: { request_incremental_authorization: cardOptions.request_incremental_authorization ?? 'never', request_multicapture: cardOptions.request_multicapture ?? 'never' } },
      status: pmId ? 'requires_confirmation' : 'requires_payment_method',
    };
    intents.set(String(pi.id), pi);
    createdAt.set(String(pi.id), Date.now());
    if (bool(params, 'confirm') && card) return confirm(pi, card, expandList(params));
    return ok(render(pi, expandList(params)));
  }

  function confirm(pi: Json, card: TestCard, expand: string[]) {
    const manual = pi.capture_method === 'manual';
    const options = (pi.payment_method_options as { card: Params }).card;
    const available = (requested: unknown, supported: boolean) => (manual && requested === 'if_available' && supported ? 'available' : 'unavailable');
    const charge: Json = {
      id: newId('ch'), object: 'charge', amount: pi.amount, amount_captured: 0, amount_refunded: 0, captured: false, refunded: false,
      currency: pi.currency, payment_intent: pi.id, payment_method: pi.payment_method, metadata: { ...(pi.metadata as Json) },
      created: now(), livemode: false, paid: !card.decline, status: card.decline ? 'failed' : 'succeeded',
      failure_code: card.decline?.code ?? null, failure_message: card.decline?.message ?? null,
      outcome: card.decline
        ? { type: 'issuer_declined', network_status: 'declined_by_network', reason: card.decline.decline_code, seller_message: 'The bank returned the decline code.' }
        : { type: 'authorized', network_status: 'approved_by_network', reason: null, seller_message: 'Payment complete.' },
      payment_method_details: {
        type: 'card',
        card: {
          brand: card.brand, last4: card.last4,
          incremental_authorization: { status: available(options.request_incremental_authorization, card.incremental) },
          multicapture: { status: available(options.request_multicapture, card.multicapture) },
        },
      },
    };
    charges.set(String(charge.id), charge);
    pi.latest_charge = charge.id;
    if (card.decline) {
      const error = { type: 'card_error', ...card.decline, charge: charge.id, payment_method: { id: pi.payment_method, object: 'payment_method', type: 'card' } };
      Object.assign(pi, { status: 'requires_payment_method', last_payment_error: error });
      throw new ApiError(402, { ...error, payment_intent: render(pi, expand) });
    }
    if (manual) {
      Object.assign(pi, { status: 'requires_capture', amount_capturable: pi.amount });
    } else {
      Object.assign(pi, { status: 'succeeded', amount_received: pi.amount });
      Object.assign(charge, { captured: true, amount_captured: pi.amount });
    }
    return ok(render(pi, expand));
  }

  function capture(pi: Json, params: Params) {
    allowOnly(params, ['amount_to_capture', 'final_capture', 'expand', 'metadata']);
    if (pi.status !== 'requires_capture') {
      throw invalid(`This PaymentIntent could not be captured because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, 'payment_intent_unexpected_state');
    }
    const capturable = Number(pi.amount_capturable);
    const amount = int(params, 'amount_to_capture') ?? capturable;
    const final = bool(params, 'final_capture') ?? true;
    const charge = chargeOf(pi);
    if (amount <= 0) throw invalid('amount_to_capture must be positive.', 'parameter_invalid_integer', 'amount_to_capture', false);
    if (amount > capturable) throw invalid(`The amount to capture (${amount}) is greater than the amount capturable (${capturable}).`, 'amount_too_large', 'amount_to_capture');
    if (!final && (charge.payment_method_details as { card: { multicapture: Json } }).card.multicapture.status !== 'available') {
      throw invalid('final_capture=false requires multicapture to be available on this PaymentIntent.', 'payment_intent_invalid_parameter', 'final_capture');
    }
    pi.amount_received = Number(pi.amount_received) + amount;
    Object.assign(charge, { captured: true, amount_captured: Number(charge.amount_captured) + amount });
    const rest = capturable - amount;
    // The last capture (or one that leaves nothing) releases whatever is left of the hold.
    Object.assign(pi, final || rest === 0 ? { status: 'succeeded', amount_capturable: 0 } : { amount_capturable: rest });
    return ok(render(pi, expandList(params)));
  }

  function cancel(pi: Json, params: Params) {
    allowOnly(params, ['cancellation_reason', 'expand']);
    if (!CANCELABLE.includes(String(pi.status))) {
      throw invalid(`You cannot cancel this PaymentIntent because it has a status of ${String(pi.status)}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`, 'payment_intent_unexpected_state');
    }
    // After partial multicaptures, cancelling releases the rest and the captured part stands.
    const status = Number(pi.amount_received) > 0 ? 'succeeded' : 'canceled';
    Object.assign(pi, { status, amount_capturable: 0, canceled_at: now(), cancellation_reason: str(params, 'cancellation_reason') ?? null });
    return ok(render(pi, expandList(params)));
  }

  function increment(pi: Json, params: Params) {
    allowOnly(params, ['amount', 'expand', 'description', 'metadata']);
    const amount = int(params, 'amount', true)!;
    if (pi.status !== 'requires_capture') {
      throw invalid(`This PaymentIntent's amount could not be updated because it has a status of ${String(pi.status)}.`, 'payment_intent_unexpected_state');
    }
    const charge = chargeOf(pi);
    if ((charge.payment_method_details as { card: { incremental_authorization: Json } }).card.incremental_authorization.status !== 'available') {
      throw invalid('Incremental authorization is not available for this PaymentIntent.', 'payment_intent_invalid_parameter', 'amount');
    }
    if (amount <= Number(pi.amount)) throw invalid(`The new amount (${amount}) must be greater than the currently authorized amount (${String(pi.amount)}).`, 'amount_too_small', 'amount');
    if (amount > MAXIMUM) throw invalid(`Amount must be no more than ${MAXIMUM}`, 'amount_too_large', 'amount');
    const captured = Number(pi.amount_received);
    Object.assign(pi, { amount, amount_capturable: amount - captured });
    charge.amount = amount;
    return ok(render(pi, expandList(params)));
  }

  function createRefund(params: Params) {
    allowOnly(params, ['payment_intent', 'charge', 'amount', 'reason', 'metadata', 'expand']);
    const piId = str(params, 'payment_intent');
    const chargeId = str(params, 'charge');
    if (!piId && !chargeId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.', 'parameter_missing', 'payment_intent', false);
    const charge = chargeId ? charges.get(chargeId) : chargeOf(intentOf(piId!));
    if (!charge) throw chargeId ? missing('charge', chargeId) : invalid('This PaymentIntent does not have a successful charge to refund.', 'charge_not_refundable', 'payment_intent');
    const captured = Number(charge.amount_captured);
    const remaining = captured - Number(charge.amount_refunded);
    if (captured === 0) throw invalid(`This PaymentIntent does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
    if (remaining === 0) throw invalid(`Charge ${String(charge.id)} has already been refunded.`, 'charge_already_refunded');
    const amount = int(params, 'amount') ?? remaining;
    if (amount <= 0) throw invalid('Refund amount must be positive.', 'parameter_invalid_integer', 'amount', false);
    if (amount > remaining) throw invalid(`Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, 'amount_too_large', 'amount');
    const refund: Json = {
      id: newId('re'), object: 'refund', amount, charge: charge.id, payment_intent: charge.payment_intent, currency: charge.currency,
      status: 'succeeded', reason: str(params, 'reason') ?? null, metadata: metadataOf(params), created: now(),
    };
    refunds.set(String(refund.id), refund);
    const refunded = Number(charge.amount_refunded) + amount;
    Object.assign(charge, { amount_refunded: refunded, refunded: refunded === captured });
    return ok(refund);
  }

  function search(params: Params) {
    allowOnly(params, ['query', 'limit', 'page', 'expand']);
    const clauses = parseSearchQuery(str(params, 'query', true)!);
    const limit = Math.min(int(params, 'limit') ?? 10, 100);
    const visibleBefore = Date.now() - (options.searchLagMs ?? 0);
    const data = [...intents.values()]
      .filter((pi) => (createdAt.get(String(pi.id)) ?? 0) <= visibleBefore)
      .filter((pi) => clauses.every(({ field, value }) => fieldOf(pi, field) === value))
      .reverse()
      .slice(0, limit)
      .map((pi) => render(pi, expandList(params), 'data.'));
    return ok({ object: 'search_result', data, has_more: false, next_page: null, url: '/v1/payment_intents/search' });
  }

  return {
    handle(method, path, params) {
      try {
        const [version, resource, id, action, extra] = path.split('/').slice(1);
        if (version !== 'v1' || extra !== undefined || resource === undefined) throw unrecognized(method, path);
        if (resource === 'payment_intents') {
          if (method === 'POST' && !id) return createIntent(params);
          if (method === 'GET' && id === 'search' && !action) return search(params);
          if (!id) throw unrecognized(method, path);
          const pi = intentOf(id);
          if (method === 'GET' && !action) {
            allowOnly(params, ['expand', 'client_secret']);
            return ok(render(pi, expandList(params)));
          }
          if (method === 'POST' && action === 'capture') return capture(pi, params);
          if (method === 'POST' && action === 'cancel') return cancel(pi, params);
          if (method === 'POST' && action === 'increment_authorization') return increment(pi, params);
        }
        if (resource === 'refunds' && method === 'POST' && !id) return createRefund(params);
        if (resource === 'refunds' && method === 'GET' && id && !action) return ok(refunds.get(id) ?? (() => { throw missing('refund', id); })());
        if (resource === 'charges' && method === 'GET' && id && !action) return ok(charges.get(id) ?? (() => { throw missing('charge', id); })());
        throw unrecognized(method, path);
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError(500, { type: 'api_error', message: `fake Stripe bug: ${String(err)}` }, false);
      }
    },
    get: (id) => structuredClone(intents.get(id) ?? charges.get(id) ?? refunds.get(id)),
    paymentIntents: () => [...intents.values()].map((pi) => structuredClone(pi)),
  };
}

function unrecognized(method: string, path: string): ApiError {
  return new ApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` }, false);
}

function fieldOf(pi: Json, field: string): unknown {
  if (field.startsWith('metadata.')) return (pi.metadata as Json)[field.slice('metadata.'.length)];
  return pi[field];
}
