export { ERROR_CATALOG, statusOf, type ErrorCode } from './catalog.ts';
export { KessaiError, isKessaiError, type ErrorDetails } from './kessai-error.ts';
