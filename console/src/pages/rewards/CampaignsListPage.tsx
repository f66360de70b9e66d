import { withQuery } from '../../api/client.ts';
import { listCampaigns, type CampaignFilters } from '../../api/rewards.ts';
import { CAMPAIGN_STATUSES, type Campaign, type CampaignStatus } from '../../api/types.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { formatDateTime, formatDateTimeShort, humanize } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { usePermissions } from '../../session/session.tsx';
import { BudgetBar } from './BudgetBar.tsx';
import { CampaignStatusBadge } from './CampaignStatusBadge.tsx';
import { formatDay } from './format.ts';
import './rewards.css';
import { Pager } from '../../components/Pager.tsx';

function statusFrom(search: URLSearchParams): CampaignStatus | '' {
  const s = search.get('status');
  return s && (CAMPAIGN_STATUSES as readonly string[]).includes(s) ? (s as CampaignStatus) : '';
}

function CampaignsTable({ campaigns }: { campaigns: Campaign[] }) {
  return (
    <div className="table-wrap">
      <table className="table campaigns-table">
        <thead>
          <tr>
            <th>Campaign</th>
            <th>Status</th>
            <th>Period</th>
            <th className="num">Version</th>
            <th>Funding party</th>
            <th>Budget used (points)</th>
            <th>Changed</th>
          </tr>
        </thead>
        <tbody>
          {campaigns.map((c) => (
            <tr
              key={c.id}
              data-campaign-id={c.id}
              className="row-link"
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a') || window.getSelection()?.toString()) return;
                navigate(`/rewards/campaigns/${encodeURIComponent(c.id)}`);
              }}
            >
              <td>
                <Link to={`/rewards/campaigns/${encodeURIComponent(c.id)}`} data-field="name">
                  {c.name}
                </Link>
                <div className="mono muted small">{c.id}</div>
              </td>
              <td>
                <CampaignStatusBadge status={c.status} />
              </td>
              <td className="nowrap" title={`${formatDateTime(c.starts_at)} → ${formatDateTime(c.ends_at)} (end exclusive)`} data-field="period">
                {formatDay(c.starts_at)} → {formatDay(c.ends_at)}
              </td>
              <td className="num" data-field="version">
                v{c.version}
              </td>
              <td className="mono" data-field="funding_party">
                {c.funding_party}
              </td>
              <td className="budget-cell">
                <BudgetBar used={c.budget_used} budget={c.caps.budget} />
              </td>
              <td className="nowrap" title={`${formatDateTime(c.version_created_at)}${c.version_created_by ? ` by ${c.version_created_by}` : ''}`}>
                {formatDateTimeShort(c.version_created_at)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Points rebate campaigns as they stand (current versions), newest first. */
export function CampaignsListPage() {
  const { search } = useLocation();
  const status = statusFrom(search);
  const startingAfter = search.get('starting_after') ?? '';
  const filters: CampaignFilters = { status, starting_after: startingAfter };
  const { data, error, loading, reload } = useFetch(`campaigns:${search.toString()}`, (signal) => listCampaigns(filters, signal));
  const { canEditCampaigns } = usePermissions();
  const go = (next: { status: CampaignStatus | ''; starting_after?: string }) => navigate(withQuery('/rewards/campaigns', next));
  const onFirstPage = !startingAfter;

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Campaigns</h1>
          <p className="page-sub">Points rebate campaigns, newest first. Each save writes a new version; grants record the version they used.</p>
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={reload} disabled={loading}>
            Refresh
          </button>
          {canEditCampaigns && (
            <Link to="/rewards/campaigns/new" className="btn btn-primary">
              New campaign
            </Link>
          )}
        </div>
      </header>

      <form className="filters" role="search" aria-label="Filter campaigns" onSubmit={(e) => e.preventDefault()}>
        <label className="filter">
          <span>Status</span>
          <select name="status" value={status} onChange={(e) => go({ status: e.target.value as CampaignStatus | '' })}>
            <option value="">Any status</option>
            {CAMPAIGN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {humanize(s)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorBanner error={error} onRetry={reload} />

      {data && data.data.length > 0 && <CampaignsTable campaigns={data.data} />}
      {data && data.data.length === 0 && (
        <div className="empty">{!onFirstPage ? 'No more campaigns.' : status ? `No ${status} campaigns.` : 'No campaigns yet.'}</div>
      )}
      {!data && loading && <div className="empty">Loading campaigns…</div>}

      <Pager page={data} noun={['campaign', 'campaigns']} loading={loading} onFirstPage={onFirstPage} first={() => go({ status })} next={(cursor) => go({ status, starting_after: cursor })} />
    </div>
  );
}
