import { useState } from 'react';
import { newIdempotencyKey, withQuery } from '../../api/client.ts';
import { actOnDiscrepancies, DISCREPANCY_REASONS, DISCREPANCY_STATES, listDiscrepancies, type DiscrepancyAction, type DiscrepancyFilters } from '../../api/reconciliation.ts';
import { ErrorBanner } from '../../components/ErrorBanner.tsx';
import { Money } from '../../components/Money.tsx';
import { Pager } from '../../components/Pager.tsx';
import { humanize } from '../../lib/format.ts';
import { navigate, useLocation } from '../../lib/router.tsx';
import { useFetch } from '../../lib/useFetch.ts';
import { DiscrepancyDialog } from './DiscrepancyDialog.tsx';
import { ChannelFilter, FilterSelect, ReconBadge, useCanHandle } from './format.tsx';
import './recon.css';

const FILTER_KEYS = ['channel', 'state', 'reason', 'from', 'to', 'run_id'] as const;

/**
 * Discrepancies with filters (channel, state, reason, post dates, run), a selection for bulk
 * actions (all or none, the server checks every row), and the handling dialog (`?open=ID`).
 */
export function DiscrepanciesPage() {
  const { search } = useLocation();
  const filters: DiscrepancyFilters = Object.fromEntries(FILTER_KEYS.map((k) => [k, search.get(k) ?? ''])) as DiscrepancyFilters;
  const startingAfter = search.get('starting_after') ?? '';
  const openId = search.get('open');
  const canHandle = useCanHandle();
  const list = useFetch(`discrepancies:${FILTER_KEYS.map((k) => search.get(k)).join('|')}:${startingAfter}`, (signal) => listDiscrepancies({ ...filters, starting_after: startingAfter }, signal));
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkAction, setBulkAction] = useState<DiscrepancyAction>('resolve');
  const [bulkReason, setBulkReason] = useState('');
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkError, setBulkError] = useState<unknown>(null);
  const [bulkDone, setBulkDone] = useState<string | null>(null);

  const go = (next: Record<string, string | null>) => navigate(withQuery('/reconciliation/discrepancies', { ...filters, starting_after: startingAfter, open: openId, ...next }));
  const rows = list.data?.data ?? [];
  const open = openId ? rows.find((r) => r.id === openId) : undefined;
  const allSelected = rows.length > 0 && rows.every((r) => selected.includes(r.id));

  async function bulk() {
    setBulkBusy(true);
    setBulkError(null);
    setBulkDone(null);
    try {
      const { changed } = await actOnDiscrepancies(selected, bulkAction, bulkReason.trim(), newIdempotencyKey());
      setBulkDone(`${humanize(bulkAction)}: ${changed.length} discrepanc${changed.length === 1 ? 'y' : 'ies'} changed.`);
      setSelected([]);
      setBulkReason('');
    } catch (err) {
      setBulkError(err);
    } finally {
      setBulkBusy(false);
      list.reload();
    }
  }

  return (
    <div className="page">
      <header className="page-header">
        <div>
          <h1>Discrepancies</h1>
          <p className="page-sub">Differences between a channel’s settlement and our books, oldest first. Open one to handle it.</p>
        </div>
        <button type="button" className="btn" onClick={list.reload} disabled={list.loading}>
          Refresh
        </button>
      </header>

      <form
        className="filters"
        role="search"
        aria-label="Filter discrepancies"
        key={search.toString()}
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          go({ ...Object.fromEntries(FILTER_KEYS.map((k) => [k, String(form.get(k) ?? '').trim()])), starting_after: '', open: null });
        }}
      >
        <ChannelFilter value={filters.channel ?? ''} />
        <FilterSelect label="State" name="state" values={DISCREPANCY_STATES} value={filters.state ?? ''} />
        <FilterSelect label="Reason" name="reason" values={DISCREPANCY_REASONS} value={filters.reason ?? ''} />
        <label className="filter">
          <span>From</span>
          <input type="date" name="from" defaultValue={filters.from} />
        </label>
        <label className="filter">
          <span>To</span>
          <input type="date" name="to" defaultValue={filters.to} />
        </label>
        <input type="hidden" name="run_id" defaultValue={filters.run_id} />
        <div className="filter-actions">
          <button type="submit" className="btn">
            Apply
          </button>
        </div>
      </form>
      <ErrorBanner error={list.error} onRetry={list.reload} />

      {canHandle && selected.length > 0 && (
        <div className="bulk-bar" role="region" aria-label="Bulk action">
          <strong>{selected.length} selected</strong>
          <select aria-label="Bulk action" value={bulkAction} onChange={(e) => setBulkAction(e.target.value as DiscrepancyAction)}>
            {(['start', 'resolve', 'reopen', 'note'] as const).map((a) => (
              <option key={a} value={a}>
                {humanize(a)}
              </option>
            ))}
          </select>
          <input type="text" aria-label="Bulk reason" placeholder="Reason (required except to start)" value={bulkReason} onChange={(e) => setBulkReason(e.target.value)} />
          <button type="button" className="btn btn-primary" disabled={bulkBusy || (bulkAction !== 'start' && !bulkReason.trim())} onClick={() => void bulk()}>
            Apply to all selected
          </button>
        </div>
      )}
      <ErrorBanner error={bulkError} />
      {bulkDone && (
        <p className="small" role="status">
          {bulkDone}
        </p>
      )}

      {rows.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="discrepancies-table">
            <thead>
              <tr>
                {canHandle && (
                  <th>
                    <input type="checkbox" aria-label="Select all on this page" checked={allSelected} onChange={(e) => setSelected(e.target.checked ? rows.map((r) => r.id) : [])} />
                  </th>
                )}
                <th>Discrepancy</th>
                <th>Channel · day</th>
                <th>Reasons</th>
                <th className="num">Channel</th>
                <th className="num">Ours</th>
                <th>State</th>
                <th>Operator</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id} data-discrepancy-id={d.id}>
                  {canHandle && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${d.id}`}
                        checked={selected.includes(d.id)}
                        onChange={(e) => setSelected(e.target.checked ? [...selected, d.id] : selected.filter((x) => x !== d.id))}
                      />
                    </td>
                  )}
                  <td>
                    <button type="button" className="btn btn-ghost btn-small mono" onClick={() => go({ open: d.id })}>
                      {d.id}
                    </button>
                  </td>
                  <td className="nowrap">
                    {d.channel} · {d.post_date}
                  </td>
                  <td>
                    <div className="reason-chips">
                      {d.reasons.map((r) => (
                        <code key={r}>{r}</code>
                      ))}
                    </div>
                  </td>
                  <td className="num">{d.currency ? <Money amount={d.channel_amount} currency={d.currency} /> : '—'}</td>
                  <td className="num">{d.currency ? <Money amount={d.our_amount} currency={d.currency} /> : '—'}</td>
                  <td>
                    <ReconBadge value={d.state} />
                  </td>
                  <td className="small">{d.operator ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && rows.length === 0 && <div className="empty">{startingAfter ? 'No more discrepancies.' : 'No discrepancies match this filter.'}</div>}
      {!list.data && list.loading && <div className="empty">Loading discrepancies…</div>}
      <Pager
        page={list.data}
        noun={['discrepancy', 'discrepancies']}
        loading={list.loading}
        onFirstPage={!startingAfter}
        firstLabel="⇤ First"
        first={() => go({ starting_after: '', open: null })}
        next={(cursor) => go({ starting_after: cursor, open: null })}
      />
      {open && <DiscrepancyDialog key={open.id} d={open} onClose={() => go({ open: null })} onChanged={list.reload} />}
    </div>
  );
}
