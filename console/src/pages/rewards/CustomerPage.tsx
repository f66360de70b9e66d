import { Breadcrumbs } from '../../components/DetailFrame.tsx';
import { useCallback, useState, type FormEvent } from 'react';
import { ApiError, withQuery } from '../../api/client.ts';
import { getCustomerPoints, getRewardCustomer } from '../../api/rewards.ts';
import type { LedgerKind, RewardCustomer, RewardPoints } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatAgo, formatDateTime, formatDateTimeShort, humanize } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { formatPoints } from './format.ts';
import './rewards.css';
import { Pager } from '../../components/Pager.tsx';

const ID = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/** Opens a customer's page by id. */
export function CustomerLookup({ initial = '' }: { initial?: string }) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  function submit(event: FormEvent) {
    event.preventDefault();
    const id = value.trim();
    if (!ID.test(id)) {
      setProblem('A customer id is letters, digits and . _ : @ - (at most 64).');
      return;
    }
    setProblem(null);
    navigate(`/rewards/customers/${encodeURIComponent(id)}`);
  }
  return (
    <form className="filters" role="search" aria-label="Find a customer" onSubmit={submit}>
      <label className="filter filter-grow">
        <span>Customer id</span>
        <input value={value} onChange={(e) => setValue(e.target.value)} placeholder="e.g. cus_1001" aria-invalid={Boolean(problem)} />
      </label>
      <div className="filter-actions">
        <button type="submit" className="btn btn-primary">
          Open
        </button>
      </div>
      {problem && <div className="field-error lookup-error">{problem}</div>}
    </form>
  );
}

/** `/rewards/customers`: the lookup box alone. */
export function CustomersLookupPage() {
  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Reward customers</h1>
          <p className="page-sub">Kessai’s local copy of a customer’s card status and loyalty stage, with their points balance and ledger.</p>
        </div>
      </header>
      <CustomerLookup />
    </div>
  );
}

function AsOf({ iso }: { iso: string | null }) {
  if (!iso) return null;
  return (
    <span className="muted small" title={formatDateTime(iso)}>
      {' '}
      as of {formatDateTime(iso)} ({formatAgo(iso)})
    </span>
  );
}

function CopyCard({ customer }: { customer: RewardCustomer }) {
  return (
    <section className="card" aria-labelledby="copy-title" data-testid="customer-copy">
      <h2 id="copy-title" className="card-title">
        Local copy <span className="muted small">version {customer.version}</span>
      </h2>
      <dl className="kv">
        <dt>Card status</dt>
        <dd data-field="card_status">
          {customer.card_status === null ? <span className="muted">not known yet</span> : <strong>{customer.card_status}</strong>}
          <AsOf iso={customer.card_status_as_of} />
        </dd>
        <dt>Stage</dt>
        <dd data-field="stage">
          {customer.stage === null ? <span className="muted">not known yet</span> : <strong>{customer.stage}</strong>}
          <AsOf iso={customer.stage_as_of} />
        </dd>
        <dt>First seen</dt>
        <dd>{formatDateTime(customer.created_at)}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(customer.updated_at)}</dd>
      </dl>
      <p className="muted small">
        Card status comes from the card system, stage from the loyalty service; each value changes only for an update newer than its “as of”.
      </p>
    </section>
  );
}

const KIND_TONE: Record<LedgerKind, string> = { earned: 'info', granted: 'ok', reversed: 'warn', expired: 'muted' };
const KIND_SIGN: Record<LedgerKind, string> = { earned: '', granted: '+', reversed: '−', expired: '−' };

function PointsCard({ points }: { points: RewardPoints }) {
  const kinds: LedgerKind[] = ['earned', 'granted', 'reversed', 'expired'];
  return (
    <section className="card" aria-labelledby="points-title" data-testid="customer-points">
      <h2 id="points-title" className="card-title">
        Points
      </h2>
      <dl className="amounts amounts-5">
        <div className="amount-cell" data-field="balance">
          <dt>Balance</dt>
          <dd>{formatPoints(points.balance)}</dd>
        </div>
        {kinds.map((k) => (
          <div className="amount-cell" key={k} data-field={`total-${k}`}>
            <dt>{humanize(k)}</dt>
            <dd>{formatPoints(points.totals[k])}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">Balance = granted − reversed − expired. Earned: estimated on captured payments not settled yet, not in the balance.</p>
    </section>
  );
}

function LedgerTable({ points }: { points: RewardPoints }) {
  if (points.ledger.data.length === 0) return <div className="empty">No ledger entries yet.</div>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="ledger">
        <thead>
          <tr>
            <th>When</th>
            <th>Kind</th>
            <th className="num">Points</th>
            <th>Campaign</th>
            <th>Funding party</th>
            <th>Reference</th>
          </tr>
        </thead>
        <tbody>
          {points.ledger.data.map((e) => (
            <tr key={e.id} data-entry-id={e.id} data-kind={e.kind}>
              <td className="nowrap" title={formatDateTime(e.occurred_at)}>
                {formatDateTimeShort(e.occurred_at)}
              </td>
              <td>
                <span className={`badge badge-${KIND_TONE[e.kind]}`}>{humanize(e.kind)}</span>
              </td>
              <td className="num">
                {KIND_SIGN[e.kind]}
                {formatPoints(e.points)}
              </td>
              <td>
                <Link to={`/rewards/campaigns/${encodeURIComponent(e.campaign_id)}`} className="mono">
                  {e.campaign_id}
                </Link>
              </td>
              <td className="mono">{e.funding_party}</td>
              <td className="mono small">
                {e.reference}
                {e.grant_id && <div className="muted">{e.grant_id}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** `/rewards/customers/:id`: the local copy, the balance and the ledger (newest first, paged by `?starting_after=`). */
export function CustomerPage({ id }: { id: string }) {
  const { search } = useLocation();
  const startingAfter = search.get('starting_after') ?? undefined;
  const loadCustomer = useCallback((signal: AbortSignal) => getRewardCustomer(id, signal), [id]);
  const loadPoints = useCallback((signal: AbortSignal) => getCustomerPoints(id, startingAfter, signal), [id, startingAfter]);
  const customer = useFetch(`reward-customer:${id}`, loadCustomer);
  const points = useFetch(`reward-points:${id}:${startingAfter ?? ''}`, loadPoints);
  const notFound = customer.error instanceof ApiError && customer.error.status === 404;
  const base = `/rewards/customers/${encodeURIComponent(id)}`;

  return (
    <div className="page">
      <Breadcrumbs to="/rewards/customers" list="Customers" label={id} />
      <CustomerLookup key={id} initial={id} />
      <header className="page-header">
        <h1>
          Customer <span className="mono">{id}</span>
        </h1>
        <button
          type="button"
          className="btn"
          onClick={() => {
            customer.reload();
            points.reload();
          }}
          disabled={customer.loading || points.loading}
        >
          Refresh
        </button>
      </header>
      {notFound ? (
        <div className="empty" data-testid="customer-not-found">
          Kessai has no copy of customer {id}: the card system and the loyalty service have sent nothing for it, and it has no points.
        </div>
      ) : (
        <ErrorBanner error={customer.error} onRetry={customer.reload} />
      )}
      {!notFound && <ErrorBanner error={points.error} onRetry={points.reload} />}
      {(customer.data || points.data) && !notFound && (
        <div className="customer-grid">
          <div className="payment-main">
            {points.data && <PointsCard points={points.data} />}
            <section aria-labelledby="ledger-title">
              <h2 id="ledger-title" className="section-title">
                Ledger <span className="muted small">newest first</span>
              </h2>
              {points.data && <LedgerTable points={points.data} />}
              <Pager page={points.data?.ledger} noun={['entry', 'entries']} label="Ledger pages" nextLabel="Older →" onFirstPage={!startingAfter} first={() => navigate(base)} next={(cursor) => navigate(withQuery(base, { starting_after: cursor }))} />
            </section>
          </div>
          <div className="payment-side">{customer.data && <CopyCard customer={customer.data} />}</div>
        </div>
      )}
      {!customer.data && !points.data && (customer.loading || points.loading) && <div className="empty">Loading customer…</div>}
    </div>
  );
}
