/**
 * The rule for the local copy of a customer: each attribute (card status from the card system,
 * stage from the loyalty service) carries the time its value was true at, and takes a new value
 * only from an update that is strictly newer. So updates may arrive late, twice, or out of order,
 * and the copy still ends with the newest value of each. Pure, shared by the API and the CLI import.
 */

export const CUSTOMER_FIELDS = ['card_status', 'stage'] as const;
export type CustomerField = (typeof CUSTOMER_FIELDS)[number];

export interface CustomerState {
  cardStatus: number | null;
  cardStatusAsOf: Date | null;
  stage: number | null;
  stageAsOf: Date | null;
}

export interface CustomerUpdate {
  cardStatus?: number;
  stage?: number;
  /** When the sender's values were true (not when they were sent). */
  asOf: Date;
}

export interface CustomerUpdateDecision {
  next: CustomerState;
  applied: CustomerField[];
  /** Sent, but older than (or as old as) what is held: not applied. */
  ignored: CustomerField[];
}

const newer = (asOf: Date, held: Date | null) => held === null || asOf.getTime() > held.getTime();

export function decideCustomerUpdate(current: CustomerState | null, update: CustomerUpdate): CustomerUpdateDecision {
  const next: CustomerState = current ? { ...current } : { cardStatus: null, cardStatusAsOf: null, stage: null, stageAsOf: null };
  const applied: CustomerField[] = [];
  const ignored: CustomerField[] = [];
  if (update.cardStatus !== undefined) {
    if (newer(update.asOf, next.cardStatusAsOf)) {
      next.cardStatus = update.cardStatus;
      next.cardStatusAsOf = update.asOf;
      applied.push('card_status');
    } else ignored.push('card_status');
  }
  if (update.stage !== undefined) {
    if (newer(update.asOf, next.stageAsOf)) {
      next.stage = update.stage;
      next.stageAsOf = update.asOf;
      applied.push('stage');
    } else ignored.push('stage');
  }
  return { next, applied, ignored };
}
