import { ERROR_CATALOG, type ErrorCode } from './catalog.ts';

export interface ErrorDetails {
  /** JSON path of the offending field, e.g. `amount` or `lines[2].sku`. */
  field?: string;
  /** For files: 1-based line and column. */
  line?: number;
  column?: number;
  /** Anything else a client can act on (decline code, the payment after a decline…). */
  [key: string]: unknown;
}

/** An error with a stable code from the catalog. Thrown by use cases, rendered by the HTTP layer. */
export class KessaiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message?: string, details: ErrorDetails = {}) {
    super(message ?? ERROR_CATALOG[code].title);
    this.name = 'KessaiError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = details;
  }
}

export function isKessaiError(err: unknown): err is KessaiError {
  return err instanceof KessaiError;
}
