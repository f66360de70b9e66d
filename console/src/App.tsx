import { useEffect } from 'react';
import { LoginPage } from './pages/LoginPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { Shell } from './layout/Shell.tsx';
import { matchPath, navigate, useLocation } from './lib/router.tsx';
import { HOME_PATH, ROUTES } from './routes.tsx';
import { SessionProvider } from './session/session.tsx';
import { useSessionState } from './session/useSessionState.ts';

export function App() {
  const { state, login, logout, retry } = useSessionState();
  const location = useLocation();

  useEffect(() => {
    if (location.path === '/') navigate(HOME_PATH, { replace: true });
  }, [location.path]);

  useEffect(() => {
    document.title = state.kind === 'signed_out' ? 'Log in · Kessai' : 'Kessai console';
  }, [state.kind]);

  if (state.kind === 'loading') return <div className="boot">Loading…</div>;
  if (state.kind === 'error') {
    return (
      <div className="boot">
        <p>The console could not reach the Kessai server: {state.message}</p>
        <button type="button" className="btn" onClick={() => void retry()}>
          Retry
        </button>
      </div>
    );
  }
  // Deep links survive the login page: the URL is kept, and the page renders after login.
  if (state.kind === 'signed_out') return <LoginPage onLogin={login} {...(state.notice ? { notice: state.notice } : {})} />;

  let page = null;
  for (const route of ROUTES) {
    const params = matchPath(route.path, location.path);
    if (params) {
      page = route.render(params);
      break;
    }
  }

  return (
    <SessionProvider value={{ me: state.me, logout }}>
      <Shell>{page ?? <NotFoundPage />}</Shell>
    </SessionProvider>
  );
}
