import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client.ts';

interface Props {
  onLogin(username: string, password: string): Promise<void>;
  notice?: string;
}

export function LoginPage({ onLogin, notice }: Props) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onLogin(username.trim(), password);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'Wrong username or password.' : err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  }

  return (
    <div className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
        <div className="brand brand-login">
          <span className="brand-mark" aria-hidden="true">
            K
          </span>
          <span className="brand-name">Kessai</span>
        </div>
        <h1 id="login-title">Log in to the operations console</h1>
        {notice && !error && <p className="notice">{notice}</p>}
        {error && (
          <p className="alert alert-error" role="alert">
            {error}
          </p>
        )}
        <label className="field">
          <span>Username</span>
          <input name="username" autoComplete="username" autoFocus required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </div>
  );
}
