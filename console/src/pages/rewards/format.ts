/** Display helpers for the rewards pages. */
import type { CampaignContent } from '../../api/types.ts';
import { formatMinor } from '../../lib/money.ts';

/** Whole points with thousands separators. */
export function formatPoints(points: number | null | undefined): string {
  if (points === null || points === undefined) return '—';
  return formatMinor(points, 'JPY');
}

/** Share used, to one decimal: "12.5 %"; null without a budget. */
export function percentUsed(used: number, budget: number | null): number | null {
  if (budget === null || budget <= 0) return null;
  return Math.min(100, (used / budget) * 100);
}

export function formatPercent(p: number): string {
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)} %`;
}

/** `2026-11-01` in the browser's time zone. */
export function formatDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** "stage 10 → 1.0 %, 30 → 3.5 %". */
export function ratesSummary(rates: CampaignContent['stage_rates']): string {
  return rates.map((r) => `${r.min_stage} → ${r.rate_percent} %`).join(', ');
}

/** The filters of a version in words, one line each; empty when the campaign has no condition. */
export function filterSummary(c: CampaignContent): string[] {
  const lines: string[] = [];
  if (c.user_filters.card_status) lines.push(`card status ${c.user_filters.card_status.join(', ')}`);
  const pf = c.payment_filters;
  if (pf.marketplace) lines.push(pf.marketplace === 'inside' ? 'on our marketplace' : 'outside our marketplace');
  if (pf.merchants) lines.push(`${pf.merchants.invert ? 'every merchant except' : 'only merchants'} ${pf.merchants.master_ids.join(', ')}`);
  if (pf.payment_methods) lines.push(`paid by ${pf.payment_methods.join(', ')}`);
  if (pf.min_amount) lines.push(`at least ${formatMinor(pf.min_amount.amount, pf.min_amount.currency)} ${pf.min_amount.currency}`);
  return lines;
}
