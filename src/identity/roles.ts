import type { Scope } from '../http/principal.ts';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each operator role may do, as API scopes; enforced on the server for every request. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  viewer: ['payments:read', 'sandbox:read', 'catalog:read', 'rewards:read', 'reconciliation:read'],
  operator: ['payments:read', 'sandbox:read', 'catalog:read', 'rewards:read', 'reconciliation:read', 'payments:write', 'orders:write', 'checkout:write', 'reconciliation:write'],
  admin: ['payments:read', 'sandbox:read', 'catalog:read', 'rewards:read', 'reconciliation:read', 'payments:write', 'orders:write', 'checkout:write', 'catalog:write', 'rewards:write', 'reconciliation:write', 'webhooks:manage', 'admin'],
};
