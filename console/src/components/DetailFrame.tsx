import { ApiError } from '../api/client.ts';
import { Link } from '../lib/router.tsx';
import { ErrorBanner } from './ErrorBanner.tsx';

/** The trail from a detail page back to its list: `List / label`. */
export function Breadcrumbs({ to, list, label }: { to: string; list: string; label: string }) {
  return (
    <nav className="breadcrumbs" aria-label="Breadcrumb">
      <Link to={to}>{list}</Link>
      <span aria-hidden="true">/</span>
      <span className="mono">{label}</span>
    </nav>
  );
}

/**
 * What a detail page shows about its fetch: `missing` when the server says 404, otherwise the
 * error with a retry (also over data already shown, when a reload fails), and `loadingText` while
 * the first answer is on its way.
 */
export function LoadState({
  error,
  loading,
  hasData,
  reload,
  missing,
  loadingText,
}: {
  error: unknown;
  loading: boolean;
  hasData: boolean;
  reload: () => void;
  missing: string;
  loadingText: string;
}) {
  const notFound = error instanceof ApiError && error.status === 404;
  return (
    <>
      {notFound ? <div className="empty">{missing}</div> : <ErrorBanner error={error} onRetry={reload} />}
      {!hasData && loading && <div className="empty">{loadingText}</div>}
    </>
  );
}
