import type { PaymentAction } from '../../api/payments.ts';
import type { Payment } from '../../api/types.ts';
import type { Permissions } from '../../session/session.tsx';

export interface ActionSpec {
  action: PaymentAction;
  label: string;
  /** none: no body; optional: empty means the full amount; required: must be entered. */
  amount: 'none' | 'optional' | 'required';
  danger: boolean;
}

export const ACTION_SPECS: Record<PaymentAction, ActionSpec> = {
  capture: { action: 'capture', label: 'Capture', amount: 'optional', danger: false },
  increment_authorization: { action: 'increment_authorization', label: 'Increment authorization', amount: 'required', danger: false },
  void: { action: 'void', label: 'Void', amount: 'none', danger: true },
  refund: { action: 'refund', label: 'Refund', amount: 'required', danger: true },
};

/**
 * The actions that make sense for this payment and this operator. The server is the authority
 * (state machine, provider capabilities, roles); this only keeps refused actions off screen.
 */
export function availableActions(p: Payment, permissions: Permissions): ActionSpec[] {
  if (!permissions.canWritePayments) return [];
  const out: ActionSpec[] = [];
  const uncaptured = p.status === 'authorized' && p.amount_captured === 0;
  if ((p.status === 'authorized' || p.status === 'partially_captured') && p.amount_capturable > 0) out.push(ACTION_SPECS.capture);
  if (uncaptured && p.capture_method === 'manual') out.push(ACTION_SPECS.increment_authorization);
  if (uncaptured) out.push(ACTION_SPECS.void);
  if (p.amount_refundable > 0) out.push(ACTION_SPECS.refund);
  return out;
}

/** Checks an entered amount against the payment before anything is sent. */
export function amountProblem(action: PaymentAction, minor: number, p: Payment): string | null {
  switch (action) {
    case 'capture':
      return minor > p.amount_capturable ? 'More than can be captured' : null;
    case 'refund':
      return minor > p.amount_refundable ? 'More than can be refunded' : null;
    case 'increment_authorization':
      return minor <= p.amount_authorized ? 'The new total must be more than the amount authorized now' : null;
    case 'void':
      return null;
  }
}

/**
 * What a capture without an amount takes: the amount still due on the order, within what is
 * capturable (the server's default). Authorized beyond the order total is not due.
 */
export function defaultCaptureAmount(p: Payment): number {
  const overAuthorized = p.amount_authorized - p.amount;
  return Math.max(0, p.amount_capturable - Math.max(0, overAuthorized));
}
