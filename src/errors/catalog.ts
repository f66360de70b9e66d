/**
 * The one catalog of error codes. Every error Kessai answers with has a code here,
 * and every code has exactly one HTTP status. `catalog.test.ts` checks that the map
 * is exhaustive and that no code is used in `src/` without being listed.
 */
export const ERROR_CATALOG = {
  // Request shape and protocol
  KS_ERR_VALIDATION: { status: 400, title: 'The request is not valid' },
  KS_ERR_UNKNOWN_FIELD: { status: 400, title: 'The request has a field this endpoint does not accept' },
  KS_ERR_MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  KS_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body has an unsupported content type' },
  KS_ERR_PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  KS_ERR_NOT_FOUND: { status: 404, title: 'No such resource' },
  KS_ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  KS_ERR_RATE_LIMITED: { status: 429, title: 'Too many requests' },
  KS_ERR_INTERNAL: { status: 500, title: 'Internal error' },
  KS_ERR_NOT_READY: { status: 503, title: 'The service is not ready' },

  // Authentication and authorisation
  KS_ERR_UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  KS_ERR_INVALID_API_KEY: { status: 401, title: 'The API key is not valid' },
  KS_ERR_INVALID_CREDENTIALS: { status: 401, title: 'Wrong username or password' },
  KS_ERR_SESSION_EXPIRED: { status: 401, title: 'The session has expired' },
  KS_ERR_FORBIDDEN: { status: 403, title: 'Not allowed for this key or role' },
  KS_ERR_CSRF: { status: 403, title: 'Missing or wrong CSRF header' },

  // Idempotency
  KS_ERR_IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used with a different request' },
  KS_ERR_IDEMPOTENCY_KEY_IN_USE: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  KS_ERR_IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'The Idempotency-Key header is not valid' },

  // Money
  KS_ERR_CURRENCY_UNSUPPORTED: { status: 400, title: 'Unknown or unsupported ISO 4217 currency' },
  KS_ERR_AMOUNT_INVALID: { status: 400, title: 'The amount is not a valid amount in minor units' },
  KS_ERR_CURRENCY_MISMATCH: { status: 400, title: 'Amounts in different currencies cannot be combined' },

  // Payments
  KS_ERR_PAYMENT_NOT_FOUND: { status: 404, title: 'No such payment' },
  KS_ERR_PROVIDER_UNKNOWN: { status: 400, title: 'No such payment provider is configured' },
  KS_ERR_PROVIDER_UNSUPPORTED_OPERATION: { status: 422, title: 'The provider does not support this operation' },
  KS_ERR_PROVIDER_REJECTED: { status: 422, title: 'The payment provider refused the operation' },
  KS_ERR_PROVIDER_UNAVAILABLE: { status: 502, title: 'The payment provider could not be reached' },
  KS_ERR_PAYMENT_DECLINED: { status: 402, title: 'The payment was declined' },
  KS_ERR_PAYMENT_INVALID_STATE: { status: 409, title: 'The payment is not in a state that allows this operation' },
  KS_ERR_PAYMENT_OPERATION_IN_PROGRESS: { status: 409, title: 'Another operation on this payment is in progress' },
  KS_ERR_AMOUNT_EXCEEDS_CAPTURABLE: { status: 409, title: 'The amount is more than can be captured' },
  KS_ERR_AMOUNT_EXCEEDS_REFUNDABLE: { status: 409, title: 'The amount is more than can be refunded' },
  KS_ERR_AMOUNT_NOT_INCREASED: { status: 409, title: 'An incremental authorization must raise the authorized amount' },
  KS_ERR_ORDER_HAS_PAYMENT: { status: 409, title: 'This order already has a payment' },
  KS_ERR_ORDER_NOT_FOUND: { status: 404, title: 'No payment exists for this order' },
  KS_ERR_ORDER_CANCELLED: { status: 409, title: 'The order is cancelled' },
  KS_ERR_ORDER_CHANGE_INVALID: { status: 400, title: 'The order change is not valid' },
  KS_ERR_PAYMENT_METHOD_CHANGE: { status: 409, title: 'The payment method cannot change after the order is placed' },
  KS_ERR_STATE_REPAIR_INVALID: { status: 409, title: 'The repaired state would break an invariant' },

  // Catalog, carts and stock
  KS_ERR_PRODUCT_NOT_FOUND: { status: 404, title: 'No such product' },
  KS_ERR_PRODUCT_EXISTS: { status: 409, title: 'A product with this SKU exists' },
  KS_ERR_STOCK_CHANGED: { status: 409, title: 'The available stock is not the expected one' },
  KS_ERR_STOCK_NEGATIVE: { status: 409, title: 'The adjustment would make the available stock negative' },
  KS_ERR_OUT_OF_STOCK: { status: 409, title: 'Not enough stock' },
  KS_ERR_SHIPPING_RULE_NOT_FOUND: { status: 422, title: 'No shipping rule for this region and currency' },
  KS_ERR_SHIPPING_WEIGHT_EXCEEDED: { status: 422, title: 'The parcel is heavier than the shipping rule allows' },
  KS_ERR_CART_NOT_FOUND: { status: 404, title: 'No such cart' },
  KS_ERR_CART_DELETED: { status: 409, title: 'The cart is deleted and cannot change' },
  KS_ERR_CART_EMPTY: { status: 409, title: 'The cart has no lines' },
  KS_ERR_CART_RESERVED: { status: 409, title: 'The cart’s stock is reserved by a checkout' },
  KS_ERR_RESERVATION_NOT_FOUND: { status: 404, title: 'No such stock reservation' },
  KS_ERR_RESERVATION_CONFLICT: { status: 409, title: 'This reservation id was used for another cart' },
  KS_ERR_RESERVATION_INVALID_STATE: { status: 409, title: 'The stock reservation is not in a state that allows this' },

  // Checkout runs and orders
  KS_ERR_CART_REGION_MISSING: { status: 422, title: 'The cart has no shipping region' },
  KS_ERR_CHECKOUT_NOT_FOUND: { status: 404, title: 'No such checkout' },
  KS_ERR_CHECKOUT_IN_PROGRESS: { status: 409, title: 'The cart has a checkout under way with other details' },
  KS_ERR_CHECKOUT_NOT_RERUNNABLE: { status: 409, title: 'Only a checkout that needs attention can be re-run' },
  KS_ERR_CHECKOUT_STEP_FAILED: { status: 500, title: 'A checkout step failed after its retries' },
  KS_ERR_AUTHORIZATION_UNKNOWN: { status: 504, title: 'The provider has not said whether it authorized the payment' },
  KS_ERR_MAIL_NOT_FOUND: { status: 404, title: 'No such mail, or no copy of it is kept' },

  // Webhooks
  KS_ERR_WEBHOOK_SIGNATURE: { status: 400, title: 'The webhook signature is missing or wrong' },
  KS_ERR_WEBHOOK_ENDPOINT_NOT_FOUND: { status: 404, title: 'No such webhook endpoint' },
  KS_ERR_WEBHOOK_ENDPOINT_DISABLED: { status: 409, title: 'The webhook endpoint is disabled' },
  KS_ERR_WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, title: 'No such webhook delivery' },

  // Operators
  KS_ERR_OPERATOR_EXISTS: { status: 409, title: 'An operator with this username exists' },

  // Sandbox
  KS_ERR_SANDBOX_DISABLED: { status: 404, title: 'The sandbox provider is not enabled' },

  // Rewards
  KS_ERR_REWARD_CAMPAIGN_NOT_FOUND: { status: 404, title: 'No such rewards campaign' },
  KS_ERR_REWARD_CAMPAIGN_VERSION_REQUIRED: { status: 428, title: 'Say which campaign version you edited (expected_version or If-Match)' },
  KS_ERR_REWARD_CAMPAIGN_VERSION_CONFLICT: { status: 409, title: 'The campaign has a newer version than the one you edited' },
  KS_ERR_REWARD_BUDGET_BELOW_USED: { status: 409, title: 'The budget would be below the points already granted' },
  KS_ERR_REWARD_CUSTOMER_NOT_FOUND: { status: 404, title: 'No such customer in the rewards copy' },
  KS_ERR_REWARD_MERCHANT_NOT_FOUND: { status: 404, title: 'No such merchant master' },
  KS_ERR_REWARD_MERCHANT_ID_CONFLICT: { status: 409, title: 'A merchant id maps to another merchant master for an overlapping period' },
  KS_ERR_REWARD_EVENT_SIGNATURE_INVALID: { status: 401, title: 'The event’s signature is missing, malformed or does not match' },
  KS_ERR_REWARD_EVENT_STALE: { status: 401, title: 'The event’s signature timestamp is too far from now' },
  KS_ERR_REWARD_EVENTS_DISABLED: { status: 404, title: 'Receiving events is not configured (KESSAI_REWARDS_EVENTS_SECRET)' },

  // Settlement files
  KS_ERR_SETTLEMENT_FILE_MALFORMED: { status: 422, title: 'The settlement file is malformed' },
  KS_ERR_SETTLEMENT_FILE_UNRECOGNISED: { status: 422, title: 'The file is not a settlement file of this channel' },
  KS_ERR_SETTLEMENT_MAPPING_INVALID: { status: 400, title: 'The settlement column mapping is not valid' },
  KS_ERR_FEE_RULE_INVALID: { status: 400, title: 'The fee rule is not valid' },
  KS_ERR_FEE_RULE_NOT_FOUND: { status: 404, title: 'No such fee rule' },
  KS_ERR_FEE_RULE_NOT_CURRENT: { status: 409, title: 'The fee rule was replaced already' },
  KS_ERR_FX_RATES_MALFORMED: { status: 422, title: 'The FX rates file is malformed' },
  KS_ERR_FX_RATE_NOT_FOUND: { status: 404, title: 'No such FX rate' },
  KS_ERR_FX_SOURCE_UNAVAILABLE: { status: 502, title: 'The FX rates source did not answer with rates' },
  KS_ERR_DISCREPANCY_NOT_FOUND: { status: 404, title: 'No such discrepancy' },
  KS_ERR_DISCREPANCY_INVALID_STATE: { status: 409, title: 'The discrepancy’s state does not allow this action' },
  KS_ERR_EVIDENCE_INVALID: { status: 415, title: 'Evidence must be a JPEG or PNG image of at most 20 MB' },
  KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED: { status: 422, title: 'An amount correction needs evidence already attached to the discrepancy' },

  // Reconciliation
  KS_ERR_RECONCILIATION_FILE_DUPLICATE: { status: 409, title: 'This file was imported already' },
  KS_ERR_RECONCILIATION_FILE_NOT_FOUND: { status: 404, title: 'No such reconciliation file' },
  KS_ERR_RECONCILIATION_CHANNEL_INVALID: { status: 400, title: 'Unknown reconciliation channel' },
  KS_ERR_RECONCILIATION_MAPPING_NOT_FOUND: { status: 404, title: 'No saved column mapping of this name' },
  KS_ERR_RECONCILIATION_RUN_IN_PROGRESS: { status: 409, title: 'This channel and day are being reconciled by another run' },
  KS_ERR_RECONCILIATION_RUN_NOT_FOUND: { status: 404, title: 'No such reconciliation run' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export function statusOf(code: ErrorCode): number {
  return ERROR_CATALOG[code].status;
}
