import './fastify-types.ts';
export { installAuth, type Authenticator } from './auth.ts';
export { installOperatorAudit } from './audit.ts';
export { errorBody, errorResponseSchema, installErrorHandling } from './error-handler.ts';
export { installIdempotency } from './idempotency.ts';
export { createMetricsRegistry, installMetrics } from './metrics.ts';
export { installOpenApi } from './openapi.ts';
export { installValidation } from './validation.ts';
export { SCOPES, hasScope, isScope, type Principal, type Scope } from './principal.ts';
