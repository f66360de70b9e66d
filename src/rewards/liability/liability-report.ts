import { sql } from 'kysely';
import { decimalToString, multiplyDecimal, normalizeDecimal, parseDecimal } from '../../money/index.ts';
import type { RewardsContext } from '../context.ts';

/** The six figures of a roll-forward, in points. */
export interface RollForward {
  opening: bigint;
  earned: bigint;
  granted: bigint;
  reversed: bigint;
  expired: bigint;
  closing: bigint;
}

export interface LiabilityLine {
  campaignId: string;
  campaignName: string;
  fundingParty: string;
  points: RollForward;
}

export interface LiabilityReport {
  from: Date;
  to: Date;
  pointValueYen: string;
  lines: LiabilityLine[];
  byFundingParty: Array<{ fundingParty: string; points: RollForward }>;
  total: RollForward;
}

const FIGURES = ['opening', 'earned', 'granted', 'reversed', 'expired', 'closing'] as const;

function zero(): RollForward {
  return { opening: 0n, earned: 0n, granted: 0n, reversed: 0n, expired: 0n, closing: 0n };
}

function add(a: RollForward, b: RollForward): void {
  for (const f of FIGURES) a[f] += b[f];
}

/**
 * The points liability for [from, to), per campaign and funding party, from the ledger alone:
 * every figure is a sum of `reward_ledger_entries` rows by kind and `occurred_at`.
 *
 * The liability is what is owed for points earned and not reversed or expired: points granted
 * and still on customers' balances, plus a provision for points earned but not granted yet. So
 *
 *   opening = earned − reversed − expired, before `from`
 *   closing = opening + earned − reversed − expired, in the period
 *
 * and `granted` moves points from the provision to the balances without changing the total. In
 * this design a payment's settlement (its final capture) is when points are both earned and
 * granted (one `earned` and one `granted` row each), so earned = granted in every period and
 * the provision is always 0; the columns are kept so that a source earning before settlement fits.
 */
export async function liabilityReport(ctx: RewardsContext, from: Date, to: Date, pointValueYen: string): Promise<LiabilityReport> {
  const { rows } = await sql<{
    campaign_id: string;
    funding_party: string;
    campaign_name: string | null;
    kind: 'earned' | 'granted' | 'reversed' | 'expired';
    before: bigint;
    within: bigint;
  }>`
    SELECT l.campaign_id, l.funding_party, v.name AS campaign_name, l.kind,
      coalesce(sum(l.points) FILTER (WHERE l.occurred_at < ${from}), 0)::bigint AS before,
      coalesce(sum(l.points) FILTER (WHERE l.occurred_at >= ${from}), 0)::bigint AS within
    FROM reward_ledger_entries l
    JOIN reward_campaigns c ON c.id = l.campaign_id
    JOIN reward_campaign_versions v ON v.campaign_id = c.id AND v.version = c.current_version
    WHERE l.occurred_at < ${to}
    GROUP BY l.campaign_id, l.funding_party, v.name, l.kind
    ORDER BY l.campaign_id, l.funding_party`.execute(ctx.db);

  const lines = new Map<string, LiabilityLine & { before: Record<string, bigint> }>();
  for (const r of rows) {
    const key = `${r.campaign_id}\u0000${r.funding_party}`;
    let line = lines.get(key);
    if (!line) {
      line = { campaignId: r.campaign_id, campaignName: r.campaign_name ?? '', fundingParty: r.funding_party, points: zero(), before: {} };
      lines.set(key, line);
    }
    line.points[r.kind] += BigInt(r.within);
    line.before[r.kind] = BigInt(r.before);
  }
  const total = zero();
  const parties = new Map<string, RollForward>();
  const out: LiabilityLine[] = [];
  for (const line of lines.values()) {
    const b = (k: string) => line.before[k] ?? 0n;
    const p = line.points;
    p.opening = b('earned') - b('reversed') - b('expired');
    p.closing = p.opening + p.earned - p.reversed - p.expired;
    add(total, p);
    let party = parties.get(line.fundingParty);
    if (!party) parties.set(line.fundingParty, (party = zero()));
    add(party, p);
    out.push({ campaignId: line.campaignId, campaignName: line.campaignName, fundingParty: line.fundingParty, points: p });
  }
  const byFundingParty = [...parties.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([fundingParty, points]) => ({ fundingParty, points }));
  return { from, to, pointValueYen, lines: out, byFundingParty, total };
}

/** Points × the point value, exactly (a decimal string; no rounding is needed or done). */
export function yenOf(points: bigint, pointValueYen: string): string {
  return decimalToString(normalizeDecimal(multiplyDecimal({ coefficient: points, scale: 0 }, parseDecimal(pointValueYen))));
}

function present(points: RollForward, value: string) {
  const p: Record<string, number> = {};
  const y: Record<string, string> = {};
  for (const f of FIGURES) {
    p[f] = Number(points[f]);
    y[f] = yenOf(points[f], value);
  }
  return { points: p, yen: y };
}

export function presentLiability(r: LiabilityReport) {
  return {
    object: 'reward_liability' as const,
    from: r.from.toISOString(),
    to: r.to.toISOString(),
    point_value_yen: r.pointValueYen,
    lines: r.lines.map((l) => ({ campaign_id: l.campaignId, campaign_name: l.campaignName, funding_party: l.fundingParty, ...present(l.points, r.pointValueYen) })),
    by_funding_party: r.byFundingParty.map((p) => ({ funding_party: p.fundingParty, ...present(p.points, r.pointValueYen) })),
    total: present(r.total, r.pointValueYen),
  };
}

export const LIABILITY_FIGURES = FIGURES;
