import { KessaiError } from '../../errors/index.ts';
import { currencyExponent } from '../../money/index.ts';
import { TEXT_ENCODINGS, type TextEncodingName } from './decode.ts';
import { SETTLEMENT_RECORD_KINDS, type SettlementRecordKind } from './settlement-line.ts';

export const GENERIC_FIELDS = [
  'channelTransactionId',
  'merchantOrderId',
  'merchantReference',
  'originalTransactionId',
  'kind',
  'transactionTime',
  'postDate',
  'transactionAmount',
  'transactionCurrency',
  'settlementAmount',
  'settlementCurrency',
  'fxRate',
  'acquirerFee',
  'interchangeFee',
  'schemeFee',
  'otherFee',
  'threeDSFee',
  'netAmount',
  'debitCredit',
  'cardBrand',
  'paymentMethod',
  'region',
  'status',
  'description',
] as const;
export type GenericField = (typeof GENERIC_FIELDS)[number];

export const DATE_FORMATS = ['YYYY-MM-DD', 'YYYY/MM/DD', 'YYYYMMDD', 'DD/MM/YYYY', 'MM/DD/YYYY', 'DD.MM.YYYY'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/**
 * A saved mapping for a channel without a parser of its own: which header holds which field,
 * and how the file writes dates, amounts and signs.
 */
export interface GenericColumnMapping {
  /** The channel's name: lines come out as channel `generic:<name>`. */
  name: string;
  format?: 'csv' | 'xlsx';
  delimiter?: ',' | ';' | '\t' | '|';
  encoding?: TextEncodingName | 'auto';
  /** Lines before the header that are not data (a title, a period line). */
  skipLines?: number;
  /** Lines starting with this are comments wherever they are (e.g. `#`). */
  commentPrefix?: string;
  /** Field → header name as printed. */
  columns: Partial<Record<GenericField, string>>;
  /** The currency of every amount when the file has no currency column. */
  currency?: string;
  /** `decimal`: major units (`12.34`); `minor_units`: integers (`1234`). */
  amountFormat: 'decimal' | 'minor_units';
  decimalSeparator?: '.' | ',';
  /** `signed`: amounts carry their sign; `debit_credit`: unsigned, the `debitCredit` column says. */
  signConvention: 'signed' | 'debit_credit';
  /** Values of the `debitCredit` column that mean money out (compared case-insensitively). */
  debitValues?: string[];
  /** How fees are printed: `positive_is_charge` (default) or `negative_is_charge` (cash-flow sign). */
  feeSign?: 'positive_is_charge' | 'negative_is_charge';
  dateFormat: DateFormat;
  /** The zone the file's times are in, e.g. `+09:00`, when it states none. */
  timeZoneOffset?: string;
  /** Values of the `kind` column → kinds (compared case-insensitively). */
  kindValues?: Record<string, SettlementRecordKind>;
}

function refuse(field: string, message: string): never {
  throw new KessaiError('KS_ERR_SETTLEMENT_MAPPING_INVALID', message, { field });
}

/** Checks a mapping before any file is read with it. */
export function validateMapping(mapping: GenericColumnMapping): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(mapping.name ?? '')) refuse('name', 'name must be 1–40 lower-case letters, digits, _ or -');
  const columns = mapping.columns ?? {};
  for (const [field, header] of Object.entries(columns)) {
    if (!(GENERIC_FIELDS as readonly string[]).includes(field)) refuse(`columns.${field}`, `unknown field ${field}`);
    if (typeof header !== 'string' || header.trim() === '') refuse(`columns.${field}`, `columns.${field} must name a header`);
  }
  if (!columns.transactionAmount && !columns.settlementAmount) refuse('columns.settlementAmount', 'map settlementAmount or transactionAmount');
  if (!columns.channelTransactionId && !columns.merchantOrderId) refuse('columns.channelTransactionId', 'map channelTransactionId or merchantOrderId: lines must be matchable');
  if (!columns.postDate && !columns.transactionTime) refuse('columns.postDate', 'map postDate or transactionTime');
  const hasCurrencyColumn = columns.settlementCurrency || columns.transactionCurrency;
  if (!hasCurrencyColumn && !mapping.currency) refuse('currency', 'map a currency column or give a fixed currency');
  if (mapping.currency && currencyExponent(mapping.currency) === undefined) refuse('currency', `unknown ISO 4217 currency ${mapping.currency}`);
  if (!['decimal', 'minor_units'].includes(mapping.amountFormat)) refuse('amountFormat', 'amountFormat is decimal or minor_units');
  if (!['signed', 'debit_credit'].includes(mapping.signConvention)) refuse('signConvention', 'signConvention is signed or debit_credit');
  if (mapping.signConvention === 'debit_credit' && (!columns.debitCredit || !mapping.debitValues?.length)) {
    refuse('debitValues', 'debit_credit needs columns.debitCredit and debitValues');
  }
  if (!(DATE_FORMATS as readonly string[]).includes(mapping.dateFormat)) refuse('dateFormat', `dateFormat is one of ${DATE_FORMATS.join(', ')}`);
  if (mapping.timeZoneOffset !== undefined && !/^(Z|[+-]\d{2}:\d{2})$/.test(mapping.timeZoneOffset)) refuse('timeZoneOffset', 'timeZoneOffset is Z or ±HH:MM');
  if (mapping.encoding !== undefined && mapping.encoding !== 'auto' && !TEXT_ENCODINGS.includes(mapping.encoding)) refuse('encoding', `encoding is auto or one of ${TEXT_ENCODINGS.join(', ')}`);
  if (mapping.delimiter !== undefined && ![',', ';', '\t', '|'].includes(mapping.delimiter)) refuse('delimiter', 'delimiter is , ; tab or |');
  if (mapping.decimalSeparator !== undefined && !['.', ','].includes(mapping.decimalSeparator)) refuse('decimalSeparator', 'decimalSeparator is . or ,');
  if (mapping.skipLines !== undefined && (!Number.isInteger(mapping.skipLines) || mapping.skipLines < 0)) refuse('skipLines', 'skipLines is a whole number');
  for (const [value, kind] of Object.entries(mapping.kindValues ?? {})) {
    if (!(SETTLEMENT_RECORD_KINDS as readonly string[]).includes(kind)) refuse(`kindValues.${value}`, `unknown kind ${kind}`);
  }
}
