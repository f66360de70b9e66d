import type { Kysely } from 'kysely';
import type { PoolClient } from '../../db/index.ts';
import { copyChunks, copyIn } from '../copy-in.ts';
import type { FeeFillScope, FeeRuleEngine } from '../fee-rules.ts';
import { computeFees, type FeeableLine } from './compute-fees.ts';
import { channelHasRules, rulesInForce, type FeeRuleTables } from './fee-rule-store.ts';
import { FEE_ITEMS, type FeeItem, type FeeRule } from './fee-rules.ts';

/** Engine item → the lines' column suffix (and the name kept in `fees_computed`). */
const COLUMN: Record<FeeItem, string> = { acquirer: 'acquirer', interchange: 'interchange', scheme: 'scheme', other: 'other', threeDS: 'three_ds' };
const FEE_COLUMNS = FEE_ITEMS.map((i) => `fee_${COLUMN[i]}`);
const PAGE = 20_000;

interface Candidate {
  id: bigint;
  post_date: string;
  amount: bigint | null;
  currency: string | null;
  kind: string | null;
  card_brand: string | null;
  region: string | null;
  payment_method: string | null;
  fee_rule_id: string | null;
  fees_computed: string[];
  settlement_amount?: bigint | null;
  settlement_currency?: string | null;
  net_amount?: bigint | null;
  [column: string]: unknown;
}

interface Change {
  id: bigint;
  fees: Array<string | null>;
  net: string | null;
  computed: string;
  ruleId: string | null;
}

/**
 * One member's fees after the rules: stated items stay; items nobody stated (or that a rule
 * computed before, which is recomputed with the rules now in force) take the rule's value. The
 * channel's net is filled likewise when its file gives none and the line settles in its own
 * currency (fees are priced on the transaction amount). Null when nothing changes.
 */
function refill(rules: readonly FeeRule[], channel: string, c: Candidate, withNet: boolean): Change | null {
  const stated = FEE_COLUMNS.map((col) => text(c[col]));
  const wasComputed = new Set(c.fees_computed);
  const amount = c.amount === null ? null : BigInt(c.amount);
  const line: FeeableLine = { channel, postDate: c.post_date, amount: amount ?? 0n, currency: c.currency ?? '', kind: c.kind, cardBrand: c.card_brand, region: c.region, paymentMethod: c.payment_method };
  const computed = amount === null || c.currency === null ? null : computeFees(rules, line);
  const computedNames: string[] = [];
  const fees = FEE_ITEMS.map((item, i) => {
    const col = COLUMN[item];
    const current = stated[i]!;
    if (current !== null && !wasComputed.has(col)) return current;
    const value = computed?.items[item] ?? null;
    if (value !== null) computedNames.push(col);
    return value === null ? null : value.toString();
  });
  const netBefore = text(c.net_amount);
  let net = netBefore;
  if (withNet && (net === null || wasComputed.has('net'))) {
    net = null;
    const known = fees.filter((f) => f !== null);
    if (computed !== null && c.settlement_amount != null && c.settlement_currency === c.currency) {
      const settled = BigInt(c.settlement_amount);
      const total = known.reduce((s, f) => s + BigInt(f!), 0n);
      net = (settled < 0n ? settled + total : settled - total).toString();
      computedNames.push('net');
    }
  }
  const ruleId = computedNames.length > 0 ? computed!.ruleId : null;
  const same =
    fees.every((f, i) => f === stated[i]) &&
    net === netBefore &&
    computedNames.join(',') === c.fees_computed.join(',') &&
    ruleId === c.fee_rule_id;
  return same ? null : { id: c.id, fees, net, computed: computedNames.join(','), ruleId };
}

/** int8 columns arrive as bigint (src/db/pool.ts): compared and written as text. */
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const STAGE_COLUMNS = ['id', ...FEE_COLUMNS, 'net', 'computed', 'rule_id'];

/**
 * The new values of the whole window, staged by COPY in a temporary table a page at a time and
 * written by one UPDATE: cheaper than a statement per page with its values bound as parameters.
 */
async function stage(client: PoolClient, changes: Change[]): Promise<void> {
  if (changes.length === 0) return;
  await copyIn(client, 'recon_fee_fill', STAGE_COLUMNS, copyChunks(changes, (c) => [c.id, ...c.fees, c.net, `{${c.computed}}`, c.ruleId]));
}

async function applyStaged(client: PoolClient, table: 'recon_channel_lines' | 'recon_our_transactions'): Promise<void> {
  const withNet = table === 'recon_channel_lines';
  await client.query(
    `UPDATE ${table} t
        SET ${FEE_COLUMNS.map((c) => `${c} = v.${c}`).join(', ')}, ${withNet ? 'net_amount = v.net,' : ''} fees_computed = v.computed, fee_rule_id = v.rule_id
       FROM recon_fee_fill v
      WHERE t.id = v.id`,
  );
}

/** Reads the candidates through a cursor a page at a time (memory: one page, whatever the window's size). */
async function refillAll(client: PoolClient, cursor: string, select: string, params: unknown[], table: 'recon_channel_lines' | 'recon_our_transactions', apply: (c: Candidate) => Change | null): Promise<number> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS recon_fee_fill (id bigint PRIMARY KEY, ${FEE_COLUMNS.map((c) => `${c} bigint`).join(', ')}, net bigint, computed text[], rule_id text) ON COMMIT DROP`,
  );
  await client.query('TRUNCATE recon_fee_fill');
  await client.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${select}`, params);
  let changed = 0;
  for (;;) {
    const page = await client.query<Candidate>(`FETCH ${PAGE} FROM ${cursor}`);
    const changes = page.rows.map(apply).filter((c): c is Change => c !== null);
    await stage(client, changes);
    changed += changes.length;
    if (page.rows.length < PAGE) break;
  }
  await client.query(`CLOSE ${cursor}`);
  if (changed > 0) {
    await client.query('ANALYZE recon_fee_fill');
    await applyStaged(client, table);
  }
  return changed;
}

const needsFees = (alias: string) => `(${FEE_COLUMNS.map((c) => `${alias}.${c} IS NULL`).join(' OR ')} OR ${alias}.fees_computed <> '{}')`;

/**
 * The fee-rule engine over the stored rules (docs/fee-rules.md): the members of the window still
 * to match whose fee items are not all stated are read a page at a time, priced in this process
 * with `computeFees` (exact decimals, the rule's rounding), and written back a page per UPDATE.
 * Our transactions are priced like the channel would price them: by their amount, currency and
 * class, with the card brand, region and method of the channel line they share an id (else an
 * order) with, since our books do not record those. A channel that never had a rule costs one
 * indexed look-up.
 */
export function databaseFeeRules(db: Kysely<FeeRuleTables>): FeeRuleEngine {
  return {
    async fillMissingFees(client: PoolClient, scope: FeeFillScope): Promise<number> {
      if (!(await channelHasRules(db, scope.channel))) return 0;
      const from = scope.ours.from < scope.lines.from ? scope.ours.from : scope.lines.from;
      const to = scope.ours.to > scope.lines.to ? scope.ours.to : scope.lines.to;
      const rules = await rulesInForce(db, scope.channel, from, to);
      const lines = await refillAll(
        client,
        'recon_fee_lines',
        `SELECT l.id, l.post_date::text AS post_date, l.transaction_amount AS amount, l.transaction_currency AS currency, l.kind, l.card_brand, l.region,
                l.payment_method, l.fee_rule_id, l.fees_computed, l.settlement_amount, l.settlement_currency, l.net_amount, ${FEE_COLUMNS.map((c) => `l.${c}`).join(', ')}
           FROM recon_channel_lines l
          WHERE l.channel = $1 AND l.post_date BETWEEN $2::date AND $3::date AND l.match_class IS NOT NULL AND ${needsFees('l')}
            AND NOT EXISTS (SELECT 1 FROM recon_final f WHERE f.side = 'l' AND f.member = l.id)`,
        [scope.channel, scope.lines.from, scope.lines.to],
        'recon_channel_lines',
        (c) => refill(rules, scope.channel, c, true),
      );
      const ours = await refillAll(
        client,
        'recon_fee_ours',
        `WITH attrs AS (
           SELECT DISTINCT ON (match_class, channel_transaction_id) match_class, channel_transaction_id AS ref, merchant_order_id AS order_ref, card_brand, region, payment_method
             FROM recon_channel_lines
            WHERE channel = $1 AND post_date BETWEEN $2::date AND $3::date AND match_class IS NOT NULL
              AND (card_brand IS NOT NULL OR region IS NOT NULL OR payment_method IS NOT NULL)
            ORDER BY match_class, channel_transaction_id, id
         ),
         by_order AS (SELECT DISTINCT ON (match_class, order_ref) * FROM attrs WHERE order_ref IS NOT NULL ORDER BY match_class, order_ref, ref)
         SELECT o.id, o.post_date::text AS post_date, o.amount, o.currency, o.match_class AS kind,
                coalesce(a.card_brand, b.card_brand) AS card_brand, coalesce(a.region, b.region) AS region, coalesce(a.payment_method, b.payment_method) AS payment_method,
                o.fee_rule_id, o.fees_computed, ${FEE_COLUMNS.map((c) => `o.${c}`).join(', ')}
           FROM recon_our_transactions o
           LEFT JOIN attrs a ON a.match_class = o.match_class AND a.ref = o.channel_ref
           LEFT JOIN by_order b ON a.ref IS NULL AND b.match_class = o.match_class AND b.order_ref = o.order_id
          WHERE o.channel = $1 AND o.post_date BETWEEN $4::date AND $5::date AND ${needsFees('o')}
            AND NOT EXISTS (SELECT 1 FROM recon_final f WHERE f.side = 'o' AND f.member = o.id)`,
        [scope.channel, from, to, scope.ours.from, scope.ours.to],
        'recon_our_transactions',
        (c) => refill(rules, scope.channel, c, false),
      );
      return lines + ours;
    },
  };
}
