import { useEffect, useState, type FormEvent } from 'react';
import { PAYMENT_STATUSES } from '../../api/types.ts';
import type { PaymentFilters } from '../../api/payments.ts';
import { humanize } from '../../lib/format.ts';

const PROVIDERS = ['sandbox', 'stripe'];

interface Props {
  filters: PaymentFilters;
  onChange(next: PaymentFilters): void;
}

/** Status, provider, attention and order filters; each change becomes the page URL. */
export function PaymentFilterBar({ filters, onChange }: Props) {
  const [orderId, setOrderId] = useState(filters.order_id ?? '');
  useEffect(() => setOrderId(filters.order_id ?? ''), [filters.order_id]);

  const set = (patch: Partial<PaymentFilters>) => onChange({ ...filters, ...patch });
  const providers = filters.provider && !PROVIDERS.includes(filters.provider) ? [...PROVIDERS, filters.provider] : PROVIDERS;
  const active = Boolean(filters.status || filters.provider || filters.order_id || filters.needs_attention);

  function submit(event: FormEvent) {
    event.preventDefault();
    set({ order_id: orderId.trim() });
  }

  return (
    <form className="filters" onSubmit={submit} role="search" aria-label="Filter payments">
      <label className="filter">
        <span>Status</span>
        <select name="status" value={filters.status ?? ''} onChange={(e) => set({ status: e.target.value })}>
          <option value="">Any status</option>
          {PAYMENT_STATUSES.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Provider</span>
        <select name="provider" value={filters.provider ?? ''} onChange={(e) => set({ provider: e.target.value })}>
          <option value="">Any provider</option>
          {providers.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <label className="filter">
        <span>Attention</span>
        <select
          name="needs_attention"
          value={filters.needs_attention ?? ''}
          onChange={(e) => set({ needs_attention: e.target.value as PaymentFilters['needs_attention'] })}
        >
          <option value="">All payments</option>
          <option value="true">Needs attention</option>
          <option value="false">No attention needed</option>
        </select>
      </label>
      <label className="filter filter-grow">
        <span>Order ID</span>
        <input name="order_id" type="search" placeholder="Exact order ID, then Enter" value={orderId} onChange={(e) => setOrderId(e.target.value)} />
      </label>
      <div className="filter-actions">
        <button type="submit" className="btn">
          Apply
        </button>
        {active && (
          <button type="button" className="btn btn-ghost" onClick={() => onChange({})}>
            Clear filters
          </button>
        )}
      </div>
    </form>
  );
}
