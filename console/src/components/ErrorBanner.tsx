import { ApiError } from '../api/client.ts';

/** An API error as operators need it: the message, the code, and the request id for support. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="alert alert-error" role="alert">
      <div>
        <strong>{message}</strong>
        {error instanceof ApiError && (
          <div className="alert-meta">
            <code>{error.code}</code>
            {error.field && <span> · field {error.field}</span>}
            {error.requestId && <span> · request {error.requestId}</span>}
          </div>
        )}
      </div>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}
