/**
 * The sandbox's test payment methods. Each is a card with a funding type and a behaviour; the
 * simulator keeps the books per card so tests can assert what a customer was charged.
 */
export interface SandboxCard {
  paymentMethod: string;
  funding: 'credit' | 'debit';
  description: string;
  declineCode?: string;
  /** The first response to each request is lost after the provider acted on it. */
  losesResponses?: boolean;
  incrementalAuthorization: boolean;
  /** Most the card will have held/charged at once, in minor units. */
  limit?: bigint;
}

const CARDS: SandboxCard[] = [
  { paymentMethod: 'pm_card_visa', funding: 'credit', description: 'Credit card that approves everything', incrementalAuthorization: true },
  { paymentMethod: 'pm_card_mastercard', funding: 'credit', description: 'Another approving credit card', incrementalAuthorization: true },
  {
    paymentMethod: 'pm_card_debit',
    funding: 'debit',
    description: 'Debit card: the authorized amount leaves the balance at once; void or a smaller capture gives the rest back',
    incrementalAuthorization: true,
  },
  { paymentMethod: 'pm_card_declined', funding: 'credit', description: 'Declined: insufficient funds', declineCode: 'insufficient_funds', incrementalAuthorization: true },
  {
    paymentMethod: 'pm_card_timeout',
    funding: 'credit',
    description: 'The provider succeeds but the first response to each request is lost',
    losesResponses: true,
    incrementalAuthorization: true,
  },
  { paymentMethod: 'pm_card_no_incremental', funding: 'credit', description: 'The provider cannot raise an authorization on this card', incrementalAuthorization: false },
  {
    paymentMethod: 'pm_card_limit_20000',
    funding: 'credit',
    description: 'Declines whatever would take the amount held on the card above 20,000 minor units',
    incrementalAuthorization: true,
    limit: 20_000n,
  },
];

const BY_METHOD = new Map(CARDS.map((c) => [c.paymentMethod, c]));

export function sandboxCard(paymentMethod: string): SandboxCard | undefined {
  return BY_METHOD.get(paymentMethod);
}

export function sandboxCards(): readonly SandboxCard[] {
  return CARDS;
}
