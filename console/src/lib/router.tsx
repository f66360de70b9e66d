/**
 * A small history router for the console. Paths inside the app are written without the base
 * (`/payments/pay_1`); the browser shows them under `/console/`.
 */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const BASE = import.meta.env.BASE_URL.replace(/\/$/, ''); // '/console'
const CHANGE = 'kessai:navigate';

export interface Location {
  /** Path inside the app, always starting with '/'. */
  path: string;
  search: URLSearchParams;
}

function appPath(pathname: string): string {
  const inner = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  return inner === '' ? '/' : inner;
}

/** The app path plus query as a string (the key the location snapshot is cached by). */
function currentHref(): string {
  return appPath(window.location.pathname) + window.location.search;
}

let cachedHref = '';
let cachedLocation: Location = { path: '/', search: new URLSearchParams() };

function snapshot(): Location {
  const href = currentHref();
  if (href !== cachedHref) {
    cachedHref = href;
    cachedLocation = { path: appPath(window.location.pathname), search: new URLSearchParams(window.location.search) };
  }
  return cachedLocation;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

export function useLocation(): Location {
  return useSyncExternalStore(subscribe, snapshot);
}

/** Full URL path for an app path (for hrefs). */
export function href(to: string): string {
  return BASE + (to.startsWith('/') ? to : `/${to}`);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = href(to);
  if (url === window.location.pathname + window.location.search) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo(0, 0);
}

/** Matches `/payments/:id` against a path; returns the parameters or null. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const part = p[i]!;
    const seg = s[i]!;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(seg);
    else if (part !== seg) return null;
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string; children: ReactNode };

/** An anchor that navigates inside the app; modified clicks (new tab, etc.) behave as links do. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  function handle(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  return (
    <a href={href(to)} onClick={handle} {...rest}>
      {children}
    </a>
  );
}
