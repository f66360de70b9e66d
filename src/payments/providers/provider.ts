/**
 * The provider-neutral interface. Adapters are stateless translators: they map our requests to
 * a provider's API and its answers back, with an exhaustive status map. They never touch our
 * database and never throw for a decline: declines, failures and unknown outcomes are data.
 */

export interface ProviderCapabilities {
  /** Authorize now, capture later. */
  manualCapture: boolean;
  /** Capture less than the authorized amount. */
  partialCapture: boolean;
  /** Capture one authorization in several parts. */
  multipleCapture: boolean;
  /** Raise an existing authorization in place. */
  incrementalAuthorization: boolean;
  /** Cancel an uncaptured authorization. */
  void: boolean;
  refund: boolean;
  /** Ask the provider for the state of a payment (status sync). */
  statusQuery: boolean;
}

export type CaptureMethod = 'manual' | 'automatic';

/** A provider's view of one authorization/charge, normalised. */
export interface ProviderPaymentSnapshot {
  providerPaymentId: string;
  /** An unknown provider status maps to `pending`. */
  status: 'pending' | 'authorized' | 'captured' | 'voided' | 'declined';
  currency: string;
  amountAuthorized: bigint;
  amountCaptured: bigint;
  amountRefunded: bigint;
  declineCode?: string;
  /** The provider's own status string, for the timeline. */
  rawStatus: string;
}

export interface ProviderRefund {
  refundId: string;
  status: 'succeeded' | 'pending' | 'failed';
  amount: bigint;
  rawStatus: string;
}

export type ProviderOutcome<T> =
  /** The provider did it. */
  | { outcome: 'succeeded'; value: T }
  /** The card/issuer said no (insufficient funds, limit…): nothing was done. */
  | { outcome: 'declined'; declineCode: string; message: string }
  /** The provider refused the request (invalid, unsupported, wrong state): nothing was done. */
  | { outcome: 'failed'; code: string; message: string }
  /**
   * No answer (timeout, connection lost, 5xx): it may or may not have happened. The caller
   * keeps the operation open and resolves it later with the same idempotency key.
   */
  | { outcome: 'unknown'; message: string };

export interface AuthorizeRequest {
  /** Stable per operation: a retry with the same key must never act twice. */
  idempotencyKey: string;
  /** Our payment id, stored at the provider (metadata) for look-ups and reconciliation. */
  reference: string;
  orderId: string;
  amount: bigint;
  currency: string;
  paymentMethod: string;
  captureMethod: CaptureMethod;
}

export interface IncrementAuthorizationRequest {
  idempotencyKey: string;
  providerPaymentId: string;
  /** The new authorized total (not the difference). */
  amount: bigint;
  currency: string;
}

export interface CaptureRequest {
  idempotencyKey: string;
  providerPaymentId: string;
  amount: bigint;
  currency: string;
  /** Last capture: the provider releases whatever stays uncaptured. */
  final: boolean;
}

export interface VoidRequest {
  idempotencyKey: string;
  providerPaymentId: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  providerPaymentId: string;
  amount: bigint;
  currency: string;
}

export interface FindAuthorizationRequest {
  /** The idempotency key the authorization was sent with. */
  idempotencyKey: string;
  /** Our payment id. */
  reference: string;
  /** When we know it (e.g. from an earlier answer). */
  providerPaymentId?: string;
}

export interface IncomingWebhook {
  /** The provider's event id, for de-duplication. */
  eventId: string;
  type: string;
  /** Our payment id if the event names one (from metadata). */
  reference?: string;
  providerPaymentId?: string;
}

export interface PaymentProvider {
  readonly name: string;
  readonly capabilities: ProviderCapabilities;
  authorize(req: AuthorizeRequest): Promise<ProviderOutcome<ProviderPaymentSnapshot>>;
  incrementAuthorization(req: IncrementAuthorizationRequest): Promise<ProviderOutcome<ProviderPaymentSnapshot>>;
  capture(req: CaptureRequest): Promise<ProviderOutcome<ProviderPaymentSnapshot>>;
  void(req: VoidRequest): Promise<ProviderOutcome<ProviderPaymentSnapshot>>;
  refund(req: RefundRequest): Promise<ProviderOutcome<ProviderRefund>>;
  /** Status query: the authorization made with this key, or null if the provider has none. */
  findAuthorization(req: FindAuthorizationRequest): Promise<ProviderOutcome<ProviderPaymentSnapshot | null>>;
  /**
   * Verifies and parses an incoming webhook. Throws `KessaiError('KS_ERR_WEBHOOK_SIGNATURE')`
   * when the signature is missing or wrong. Optional: not every provider sends webhooks.
   */
  parseWebhook?(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): IncomingWebhook;
}

export class UnsupportedOperation extends Error {}
