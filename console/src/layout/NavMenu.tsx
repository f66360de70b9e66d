import { Link, useLocation } from '../lib/router.tsx';
import { NAV_SECTIONS, ROUTES } from '../routes.tsx';
import { usePermissions } from '../session/session.tsx';

export function NavMenu() {
  const { path } = useLocation();
  const permissions = usePermissions();
  const entries = ROUTES.filter((r) => r.nav && (r.nav.visible?.(permissions) ?? true));

  return (
    <nav className="nav" aria-label="Main">
      {NAV_SECTIONS.map((section) => {
        const items = entries.filter((r) => r.nav!.section === section);
        if (items.length === 0) return null;
        return (
          <div className="nav-section" key={section}>
            <div className="nav-section-title">{section}</div>
            <ul>
              {items.map((route) => {
                const prefix = route.nav!.activePrefix ?? route.path;
                const active = path === prefix || path.startsWith(`${prefix}/`);
                return (
                  <li key={route.path}>
                    <Link to={route.path} className={active ? 'nav-link active' : 'nav-link'} aria-current={active ? 'page' : undefined}>
                      {route.nav!.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
