import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from '../api/client.ts';
import type { LoginResponse, Me } from '../api/types.ts';

export type SessionState =
  | { kind: 'loading' }
  | { kind: 'signed_out'; notice?: string }
  | { kind: 'signed_in'; me: Me }
  | { kind: 'error'; message: string };

/** Restores the session on load (`GET /v1/auth/me`), and logs in and out. */
export function useSessionState() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });

  const restore = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      const me = await api<Me>('/v1/auth/me', { quiet401: true });
      setCsrfToken(me.csrf_token);
      setState({ kind: 'signed_in', me });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setState({ kind: 'signed_out' });
      else setState({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ kind: 'signed_out', notice: 'Your session has ended. Log in again to continue.' });
    });
    void restore();
    return () => setUnauthenticatedHandler(null);
  }, [restore]);

  const login = useCallback(async (username: string, password: string) => {
    const session = await api<LoginResponse>('/v1/auth/login', { method: 'POST', body: { username, password }, quiet401: true });
    setCsrfToken(session.csrf_token);
    // /me gives the scopes the role grants, the one source the console decides from.
    const me = await api<Me>('/v1/auth/me', { quiet401: true });
    setState({ kind: 'signed_in', me });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api('/v1/auth/logout', { method: 'POST', quiet401: true });
    } catch {
      // The session is gone either way for this tab; the server expires it too.
    }
    setCsrfToken(null);
    setState({ kind: 'signed_out', notice: 'You have logged out.' });
  }, []);

  return { state, login, logout, retry: restore };
}
