import type { ReactNode } from 'react';
import { NavMenu } from './NavMenu.tsx';
import { useSession } from '../session/session.tsx';

/** The signed-in frame: navigation on the left, the page on the right. */
export function Shell({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            K
          </span>
          <span className="brand-name">Kessai</span>
          <span className="brand-sub">Operations</span>
        </div>
        <NavMenu />
        <div className="sidebar-footer">
          <div className="whoami" title={me.id}>
            <span className="whoami-name">{me.name}</span>
            <span className={`role role-${me.role ?? 'none'}`}>{me.role ?? me.type}</span>
          </div>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void logout()}>
            Log out
          </button>
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
