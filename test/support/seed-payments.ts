import type pg from 'pg';

/**
 * Writes `count` authorized, delivered sandbox payments straight into both books (ours and the
 * sandbox provider's), consistently, for capture-batch tests and benchmarks. Amounts vary.
 */
export async function seedDeliveredPayments(pool: pg.Pool, count: number, prefix = 'seed'): Promise<void> {
  const step = 50_000;
  for (let from = 1; from <= count; from += step) {
    const to = Math.min(count, from + step - 1);
    await pool.query(
      `INSERT INTO sandbox_charges (id, payment_method, currency, capture_method, status, amount_authorized, reference)
       SELECT 'sbch_${prefix}_' || lpad(g::text, 9, '0'), 'pm_card_visa', 'JPY', 'manual', 'authorized', 1000 + (g % 9000), 'pay_${prefix}_' || lpad(g::text, 9, '0')
         FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
    await pool.query(
      `INSERT INTO payments (id, order_id, provider, payment_method, currency, capture_method, status, amount, amount_authorized, provider_payment_id, delivered_at)
       SELECT 'pay_${prefix}_' || lpad(g::text, 9, '0'), 'order_${prefix}_' || g, 'sandbox', 'pm_card_visa', 'JPY', 'manual', 'authorized',
              1000 + (g % 9000), 1000 + (g % 9000), 'sbch_${prefix}_' || lpad(g::text, 9, '0'), now()
         FROM generate_series($1::int, $2::int) g`,
      [from, to],
    );
  }
}

/** Checks both books agree and nothing was captured twice. Returns counts for assertions. */
export async function captureAudit(pool: pg.Pool, prefix = 'seed') {
  const { rows } = await pool.query<{ payments: number; captured: number; double_captures: number; mismatched: number; open_ops: number }>(
    `SELECT
       (SELECT count(*)::int FROM payments WHERE id LIKE 'pay_${prefix}_%') AS payments,
       (SELECT count(*)::int FROM payments WHERE id LIKE 'pay_${prefix}_%' AND status = 'captured') AS captured,
       (SELECT count(*)::int FROM (SELECT charge_id FROM sandbox_requests WHERE operation = 'capture' AND charge_id LIKE 'sbch_${prefix}_%'
                                   GROUP BY charge_id HAVING count(*) > 1) d) AS double_captures,
       (SELECT count(*)::int FROM payments p JOIN sandbox_charges c ON c.id = p.provider_payment_id
         WHERE p.id LIKE 'pay_${prefix}_%' AND (c.amount_captured <> p.amount_captured)) AS mismatched,
       (SELECT count(*)::int FROM payment_operations o JOIN payments p ON p.id = o.payment_id
         WHERE p.id LIKE 'pay_${prefix}_%' AND o.status IN ('pending', 'unknown')) AS open_ops`,
  );
  return rows[0]!;
}
