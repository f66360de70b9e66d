import { createContext, useContext, type ReactNode } from 'react';
import type { Me } from '../api/types.ts';

export interface Session {
  me: Me;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ value, children }: { value: Session; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** The signed-in operator; only used below the signed-in shell. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

/**
 * What the signed-in operator may do. The server decides (every request is checked); the
 * console only avoids offering what would be refused.
 */
export interface Permissions {
  canWritePayments: boolean;
  /** Re-run a checkout that needs attention (scope `checkout:write`: operators and admins). */
  canRerunCheckouts: boolean;
  /** Create campaigns and save new versions (scope `rewards:write`: admins). */
  canEditCampaigns: boolean;
  isAdmin: boolean;
}

export function permissionsOf(me: Me): Permissions {
  const scopes = new Set(me.scopes);
  const isAdmin = scopes.has('admin') || me.role === 'admin';
  return {
    canWritePayments: isAdmin || scopes.has('payments:write'),
    canRerunCheckouts: isAdmin || scopes.has('checkout:write'),
    canEditCampaigns: isAdmin || scopes.has('rewards:write'),
    isAdmin,
  };
}

export function usePermissions(): Permissions {
  return permissionsOf(useSession().me);
}
