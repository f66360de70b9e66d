import { KessaiError } from '../errors/index.ts';
import { EXTERNAL_ID_PATTERN, LIMITS } from './context.ts';
import type { CustomerImportRow } from './import-customers.ts';

const COLUMNS = ['customer_id', 'card_status', 'stage', 'as_of'] as const;
const ID = new RegExp(EXTERNAL_ID_PATTERN);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `customer_id,card_status,stage,as_of` (a header line first, columns in any order; an
 * empty card_status or stage means "not sent"). Plain comma-separated values: the fields are ids,
 * integers and timestamps, so no quoting is needed or accepted. Errors name the line and column.
 */
export function parseCustomersCsv(text: string): CustomerImportRow[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').replace(/^\uFEFF/, '').split(',').map((h) => h.trim());
  const index = Object.fromEntries(COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>;
  for (const c of ['customer_id', 'as_of'] as const) {
    if (index[c] < 0) throw new KessaiError('KS_ERR_VALIDATION', `The header has no ${c} column`, { field: c, line: 1 });
  }
  const rows: CustomerImportRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',').map((c) => c.trim());
    const cell = (c: (typeof COLUMNS)[number]) => (index[c] < 0 ? '' : (cells[index[c]] ?? ''));
    const fail = (c: (typeof COLUMNS)[number], why: string) =>
      new KessaiError('KS_ERR_VALIDATION', `line ${i + 1}, ${c}: ${why}`, { field: c, line: i + 1, column: index[c] + 1 });
    const integer = (c: 'card_status' | 'stage', max: number): number | undefined => {
      const v = cell(c);
      if (v === '') return undefined;
      if (!/^\d{1,9}$/.test(v) || Number(v) > max) throw fail(c, `an integer from 0 to ${max}, not ${JSON.stringify(v)}`);
      return Number(v);
    };
    const customerId = cell('customer_id');
    if (!ID.test(customerId)) throw fail('customer_id', `not a customer id: ${JSON.stringify(customerId)}`);
    const asOfText = cell('as_of');
    const asOf = new Date(asOfText);
    if (!ISO_TIME.test(asOfText) || Number.isNaN(asOf.getTime())) throw fail('as_of', `an ISO 8601 time with its offset, not ${JSON.stringify(asOfText)}`);
    const cardStatus = integer('card_status', LIMITS.maxCardStatus);
    const stage = integer('stage', LIMITS.maxStage);
    if (cardStatus === undefined && stage === undefined) throw fail('card_status', 'card_status or stage (or both) is needed');
    rows.push({ customerId, asOf, ...(cardStatus !== undefined ? { cardStatus } : {}), ...(stage !== undefined ? { stage } : {}) });
  }
  return rows;
}
