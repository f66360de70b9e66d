/** Who is calling: an API key (machines) or an operator (people, through the console). */
export interface Principal {
  type: 'api_key' | 'operator';
  id: string;
  name: string;
  scopes: ReadonlySet<string>;
  role?: 'viewer' | 'operator' | 'admin';
  /** For operator sessions: the CSRF token mutating requests must echo. */
  csrfToken?: string;
}

export const SCOPES = [
  'payments:read',
  'payments:write',
  'orders:write',
  'catalog:read',
  'catalog:write',
  'checkout:write',
  'webhooks:manage',
  'sandbox:read',
  'rewards:read',
  'rewards:write',
  'reconciliation:read',
  'reconciliation:write',
  'admin',
] as const;
export type Scope = (typeof SCOPES)[number];

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has(scope) || principal.scopes.has('admin');
}
