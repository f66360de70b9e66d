import { Link } from '../lib/router.tsx';
import { HOME_PATH } from '../routes.tsx';

export function NotFoundPage() {
  return (
    <div className="page">
      <header className="page-header">
        <h1>Page not found</h1>
      </header>
      <p className="muted">
        Nothing lives at this address. <Link to={HOME_PATH}>Go to payments</Link>.
      </p>
    </div>
  );
}
