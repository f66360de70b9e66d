import type { CampaignDetail, CampaignVersion } from '../../api/types.ts';
import { formatDateTime } from '../../lib/format.ts';
import { changedFields } from './campaignForm.ts';
import { filterSummary, formatDay, formatPoints, ratesSummary } from './format.ts';

function VersionSummary({ v }: { v: CampaignVersion }) {
  const filters = filterSummary(v);
  return (
    <dl className="kv kv-compact small">
      <dt>Name</dt>
      <dd>{v.name}</dd>
      <dt>Period</dt>
      <dd>
        {formatDay(v.starts_at)} → {formatDay(v.ends_at)}
        {v.paused ? ' · paused' : ''}
      </dd>
      <dt>Filters</dt>
      <dd>{filters.length ? filters.join('; ') : 'none'}</dd>
      <dt>Rates</dt>
      <dd>{ratesSummary(v.stage_rates)}</dd>
      <dt>Rounding</dt>
      <dd>{v.rounding}</dd>
      <dt>Caps</dt>
      <dd>
        {v.caps.per_customer_month === null ? 'no monthly cap' : `${formatPoints(v.caps.per_customer_month)} per customer per month (${v.caps.timezone})`};{' '}
        {v.caps.budget === null ? 'no budget' : `budget ${formatPoints(v.caps.budget)}`}
      </dd>
      <dt>Funding</dt>
      <dd className="mono">{v.funding_party}</dd>
    </dl>
  );
}

/** Every version, newest first, with what it changed; grants record the version they used. */
export function VersionHistory({ campaign }: { campaign: CampaignDetail }) {
  const versions = [...campaign.versions].sort((a, b) => b.version - a.version);
  return (
    <section className="card" aria-labelledby="history-title">
      <h2 id="history-title" className="card-title">
        Versions <span className="muted small">{versions.length}</span>
      </h2>
      <ol className="versions" data-testid="versions">
        {versions.map((v, i) => {
          const previous = versions[i + 1];
          const changed = previous ? changedFields(previous, v) : [];
          return (
            <li key={v.version} data-version={v.version} className="version">
              <details>
                <summary>
                  <strong>v{v.version}</strong>
                  {v.version === campaign.version && <span className="badge badge-info">current</span>}
                  <span className="muted small">
                    {formatDateTime(v.created_at)}
                    {v.created_by ? ` · ${v.created_by}` : ''}
                  </span>
                </summary>
                <VersionSummary v={v} />
              </details>
              <div className="chips">
                {previous ? (
                  changed.map((f) => (
                    <span key={f} className="chip" data-changed={f}>
                      {f.replaceAll('_', ' ')}
                    </span>
                  ))
                ) : (
                  <span className="muted small">created</span>
                )}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
