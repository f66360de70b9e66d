import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { KessaiError } from '../errors/index.ts';
import { planCapture, type CaptureInput } from './capture-payment.ts';
import type { PaymentsContext } from './context.ts';
import { decideOrderChange, type OrderChangeKind } from './order-changes/decide-order-change.ts';
import { refundable } from './payment-view.ts';
import type { ProviderCapabilities, ProviderPaymentSnapshot, ProviderRefund } from './providers/provider.ts';
import { OPERATION_KINDS, PAYMENT_STATUSES, type OperationKind, type OperationParams, type OperationRow, type PaymentRow, type PaymentStatus } from './tables.ts';
import { STATUS_TRANSITIONS, transition, type Outcome } from './transition.ts';

/*
 * STATUS_TRANSITIONS is a hand-written list (docs/payments.md is checked against it). This file
 * derives the list from the code instead: it drives transition() through every operation kind
 * and every kind of provider answer, starting operations only where the use cases allow them,
 * and compares the status changes it sees with the list.
 */

const AT = new Date('2026-01-01T00:00:00Z');
const ALL_CAPABILITIES: ProviderCapabilities = {
  manualCapture: true,
  partialCapture: true,
  multipleCapture: true,
  incrementalAuthorization: true,
  void: true,
  refund: true,
  statusQuery: true,
};

function paymentRow(patch: Partial<PaymentRow>): PaymentRow {
  return {
    id: 'pay_test',
    order_id: 'ord_test',
    provider: 'sandbox',
    payment_method: 'pm_card_visa',
    currency: 'JPY',
    capture_method: 'manual',
    status: 'pending',
    amount: 1000n,
    amount_authorized: 0n,
    amount_captured: 0n,
    amount_refunded: 0n,
    amount_capturing: 0n,
    amount_refunding: 0n,
    provider_payment_id: null,
    in_flight_operation_id: null,
    decline_code: null,
    order_cancelled_at: null,
    delivered_at: null,
    capture_batch_id: null,
    needs_attention: false,
    attention_reason: null,
    metadata: {},
    created_at: AT,
    updated_at: AT,
    ...patch,
  };
}

function operationRow(patch: Partial<OperationRow> & Pick<OperationRow, 'kind' | 'amount'>): OperationRow {
  return {
    id: 'op_test',
    payment_id: 'pay_test',
    status: 'pending',
    provider_reference: 'pp_1',
    replaces_reference: null,
    params: {},
    decline_code: null,
    failure_code: null,
    error: null,
    attempts: 0,
    next_attempt_at: AT,
    created_at: AT,
    updated_at: AT,
    completed_at: null,
    ...patch,
  };
}

function snapshot(status: ProviderPaymentSnapshot['status'], authorized: bigint, captured: bigint, id = 'pp_1'): ProviderPaymentSnapshot {
  return { providerPaymentId: id, status, currency: 'JPY', amountAuthorized: authorized, amountCaptured: captured, amountRefunded: 0n, rawStatus: `raw_${status}`, ...(status === 'declined' ? { declineCode: 'do_not_honor' } : {}) };
}

const refundAnswer = (status: ProviderRefund['status'], amount: bigint): ProviderRefund => ({ refundId: 're_1', status, amount, rawStatus: `raw_${status}` });

/** Every kind of answer a provider (or the status sync) can give for an operation. */
function answersFor(op: OperationRow, p: PaymentRow): Array<{ name: string; outcome: Outcome }> {
  const refused: Array<{ name: string; outcome: Outcome }> = [
    { name: 'declined', outcome: { outcome: 'declined', declineCode: 'insufficient_funds', message: 'declined' } },
    { name: 'failed', outcome: { outcome: 'failed', code: 'invalid_request', message: 'refused' } },
    { name: 'unknown', outcome: { outcome: 'unknown', message: 'timeout' } },
  ];
  const succeeded = (name: string, value: ProviderPaymentSnapshot | ProviderRefund) => ({ name: `succeeded (${name})`, outcome: { outcome: 'succeeded', value } as Outcome });
  switch (op.kind) {
    case 'authorize':
    case 'reauthorize': {
      // A provider captures at once only what it was asked to (run-operation.ts: reauthorize is manual).
      const automatic = op.kind === 'authorize' && p.capture_method === 'automatic';
      const id = p.provider_payment_id === 'pp_1' ? 'pp_2' : 'pp_1';
      return [
        succeeded(automatic ? 'captured' : 'authorized', snapshot(automatic ? 'captured' : 'authorized', op.amount, automatic ? op.amount : 0n, id)),
        succeeded('provider status pending', snapshot('pending', 0n, 0n, id)),
        succeeded('provider status declined', snapshot('declined', 0n, 0n, id)),
        ...refused,
      ];
    }
    case 'increment_authorization':
      return [succeeded('authorized', snapshot('authorized', op.amount, 0n)), succeeded('provider status pending', snapshot('pending', p.amount_authorized, 0n)), ...refused];
    case 'capture':
      return [succeeded('captured', snapshot('captured', p.amount_authorized, p.amount_captured + op.amount)), succeeded('provider status pending', snapshot('pending', p.amount_authorized, p.amount_captured)), ...refused];
    case 'void':
      return [succeeded('voided', snapshot('voided', p.amount_authorized, 0n, op.provider_reference ?? 'pp_1')), succeeded('provider status pending', snapshot('pending', p.amount_authorized, 0n)), ...refused];
    case 'refund':
      return [succeeded('refund succeeded', refundAnswer('succeeded', op.amount)), succeeded('refund pending', refundAnswer('pending', op.amount)), succeeded('refund failed', refundAnswer('failed', op.amount)), ...refused];
  }
}

/** Which status change a transition makes, if any (a successful operation that changes the payment counts, even when the status stays). */
function statusChange(from: PaymentStatus, t: ReturnType<typeof transition>): PaymentStatus | null {
  const to = t.payment.status ?? from;
  if (to !== from) return to;
  return t.operation.status === 'succeeded' && Object.keys(t.payment).length > 0 ? to : null;
}

const key = (from: string, to: string) => `${from} → ${to}`;

describe('transition(): every status × operation kind × answer', () => {
  // A representative payment for each status; an operation reserves its amount first, as reserveOperation does.
  // Here every kind is tried from every status (whether or not a use case would start it there):
  // these are the rules of the answers themselves. Which status changes really happen is below.
  const rows: Record<PaymentStatus, Partial<PaymentRow>> = {
    requires_authorization: { amount: 0n },
    pending: {},
    authorized: { amount_authorized: 1000n, provider_payment_id: 'pp_1' },
    partially_captured: { amount_authorized: 1000n, amount_captured: 400n, amount_refunded: 100n, provider_payment_id: 'pp_1' },
    captured: { amount_authorized: 1000n, amount_captured: 1000n, provider_payment_id: 'pp_1' },
    partially_refunded: { amount_authorized: 1000n, amount_captured: 1000n, amount_refunded: 300n, provider_payment_id: 'pp_1' },
    refunded: { amount_authorized: 1000n, amount_captured: 1000n, amount_refunded: 1000n, provider_payment_id: 'pp_1' },
    voided: { amount_authorized: 1000n, provider_payment_id: 'pp_1' },
    declined: { decline_code: 'insufficient_funds' },
  };
  const variants: Array<Pick<OperationRow, 'kind' | 'amount'> & Partial<OperationRow>> = [
    { kind: 'authorize', amount: 1000n },
    { kind: 'authorize', amount: 1200n, params: { order_amount: 1200, order_change_id: 'och_1' } },
    { kind: 'reauthorize', amount: 1500n, replaces_reference: 'pp_1', params: { order_amount: 1500, order_change_id: 'och_1' } },
    { kind: 'increment_authorization', amount: 1500n, params: { order_amount: 1500 } },
    { kind: 'capture', amount: 100n, params: { final: false } },
    { kind: 'capture', amount: 100n, params: { final: true } },
    { kind: 'void', amount: 1000n },
    { kind: 'void', amount: 1000n, params: { order_amount: 0, order_change_id: 'och_1', cancels_order: true } },
    { kind: 'void', amount: 0n, replaces_reference: 'pp_0', provider_reference: 'pp_0' },
    { kind: 'refund', amount: 100n },
  ];

  test('the variants cover every operation kind', () => {
    assert.deepEqual(new Set(variants.map((v) => v.kind)), new Set(OPERATION_KINDS));
  });

  for (const status of PAYMENT_STATUSES) {
    for (const variant of variants) {
      const op = operationRow(variant);
      const p = paymentRow({
        status,
        ...rows[status],
        ...(op.kind === 'capture' ? { amount_capturing: op.amount } : {}),
        ...(op.kind === 'refund' ? { amount_refunding: op.amount } : {}),
        in_flight_operation_id: op.kind === 'refund' || op.replaces_reference && op.kind === 'void' ? null : op.id,
      });
      for (const { name, outcome } of answersFor(op, p)) {
        test(`${status}: ${op.kind}${op.params.order_change_id ? ' (order change)' : ''}${op.replaces_reference ? ' (replaced)' : ''}${op.params.final === false ? ' (not final)' : ''} ${name}`, () => {
          const t = transition(op, p, outcome);
          assert.ok(t.events.length > 0, 'every answer is on the timeline');
          if (t.payment.status !== undefined) assert.ok(PAYMENT_STATUSES.includes(t.payment.status as PaymentStatus));
          const release = op.kind === 'capture' ? { amount_capturing: 0n } : op.kind === 'refund' ? { amount_refunding: 0n } : {};
          if (t.operation.status === 'unknown') {
            // No answer changes nothing: the reservation and the in-flight marker stay for the janitor.
            assert.equal(t.final, false);
            assert.deepEqual(t.payment, {});
            return;
          }
          assert.equal(t.final, true);
          if (t.operation.status === 'failed') {
            // A refusal releases the reservation; only a payment's first authorization becomes `declined`.
            const initial = op.kind === 'authorize' && status === 'pending' && op.params.order_change_id === undefined;
            assert.equal(t.payment.status, initial ? 'declined' : undefined);
            for (const [field, value] of Object.entries(release)) assert.equal(t.payment[field as keyof typeof release], value);
            return;
          }
          assert.equal(t.operation.status, 'succeeded');
          for (const [field, value] of Object.entries(release)) assert.equal(t.payment[field as keyof typeof release], value);
          if (op.kind === 'capture') assert.equal(t.payment.amount_captured, p.amount_captured + op.amount);
          if (op.kind === 'refund') assert.equal(t.payment.amount_refunded, p.amount_refunded + op.amount);
          if (op.params.order_amount !== undefined && !op.replaces_reference) assert.equal(t.payment.amount, BigInt(op.params.order_amount));
        });
      }
    }
  }
});

/*
 * Which status changes can happen: a model of the use cases. A state is a payment plus the
 * operations reserved on it and not yet settled. From a state, any use case may start an
 * operation where its guard allows (the guards below mirror capture-payment.ts, void-payment.ts,
 * refund-payment.ts, increment-authorization.ts and apply-order-change.ts; planCapture and
 * decideOrderChange are the real ones), and any open operation may be settled with any answer
 * through the real transition(). Starting and settling are separate steps, so refunds settling
 * between a capture's reservation and its answer, or the janitor settling long after, are all
 * explored. Amounts are kept small so the state space is finite.
 */
interface OpenOperation {
  row: OperationRow;
  exclusive: boolean;
}
interface State {
  p: PaymentRow;
  ops: OpenOperation[];
}
interface Edge {
  from: PaymentStatus;
  to: PaymentStatus;
  by: 'transition' | 'order-change';
  how: string;
}

const MAX_TOTAL = 2000n;
/** More operations open at once add nothing new to what can happen, only states. */
const MAX_OPEN = 3;
const CHANGEABLE = new Set<PaymentStatus>(['requires_authorization', 'authorized', 'voided']);
const REFUNDABLE = new Set<PaymentStatus>(['partially_captured', 'captured', 'partially_refunded']);
const ctx = { providers: { get: () => ({ name: 'sandbox', capabilities: ALL_CAPABILITIES }) } } as unknown as PaymentsContext;

const PAYMENT_FIELDS = ['status', 'capture_method', 'amount', 'amount_authorized', 'amount_captured', 'amount_refunded', 'amount_capturing', 'amount_refunding', 'provider_payment_id', 'in_flight_operation_id', 'needs_attention'] as const;

function describeOperation(o: OpenOperation): string {
  const r = o.row;
  const params = `${r.params.final ?? ''}/${r.params.order_amount ?? ''}/${r.params.order_change_id ?? ''}/${r.params.cancels_order ?? ''}`;
  return `${r.kind}:${r.amount}:${params}:${r.replaces_reference}:${r.provider_reference}:${o.exclusive}`;
}

/** Open operations are told apart by what they do, not by id or by whether they were checked before. */
function canonical(s: State): State {
  const sorted = s.ops.map((o) => [describeOperation(o), o] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const ids = new Map(sorted.map(([, o], i) => [o.row.id, `op_${i + 1}`]));
  return {
    p: { ...s.p, in_flight_operation_id: s.p.in_flight_operation_id === null ? null : (ids.get(s.p.in_flight_operation_id) ?? 'op_gone') },
    ops: sorted.map(([, o]) => ({ ...o, row: { ...o.row, id: ids.get(o.row.id)!, status: 'pending' } })),
  };
}

/** The key of a canonical state. */
function stateKey(s: State): string {
  const payment = PAYMENT_FIELDS.map((f) => String(s.p[f])).join('|');
  return `${payment}|${s.p.order_cancelled_at !== null}|${s.ops.map(describeOperation).join(',')}`;
}

function freeOpId(s: State): string {
  for (let i = 1; ; i++) if (!s.ops.some((o) => o.row.id === `op_${i}`)) return `op_${i}`;
}

function start(s: State, r: { kind: OperationKind; amount: bigint; exclusive: boolean; patch?: Partial<PaymentRow>; params?: OperationParams; replaces?: string | null; reference?: string | null }): State {
  const id = freeOpId(s);
  const row = operationRow({ id, kind: r.kind, amount: r.amount, params: r.params ?? {}, replaces_reference: r.replaces ?? null, provider_reference: r.reference ?? s.p.provider_payment_id });
  return { p: { ...s.p, ...r.patch, ...(r.exclusive ? { in_flight_operation_id: id } : {}) }, ops: [...s.ops, { row, exclusive: r.exclusive }] };
}

/** Everything a use case may start from this state. */
function starts(s: State): Array<{ how: string; next: State; edge?: Edge }> {
  const p = s.p;
  const out: Array<{ how: string; next: State; edge?: Edge }> = [];
  const busy = p.in_flight_operation_id !== null;
  const full = s.ops.length >= MAX_OPEN;

  // Capture (API and capture batch): planCapture decides.
  const captureInputs: CaptureInput[] = [{}, { amount: 300n, final: false }];
  for (const input of busy || full ? [] : captureInputs) {
    try {
      const r = planCapture(ctx, p, input);
      out.push({ how: 'capture', next: start(s, { kind: 'capture', amount: r.amount, exclusive: true, ...(r.patch ? { patch: r.patch as Partial<PaymentRow> } : {}), ...(r.params ? { params: r.params } : {}) }) });
    } catch (err) {
      if (!(err instanceof KessaiError)) throw err;
    }
  }
  // Void (void-payment.ts).
  if (!busy && !full && p.status === 'authorized' && p.amount_captured === 0n) {
    out.push({ how: 'void', next: start(s, { kind: 'void', amount: p.amount_authorized, exclusive: true }) });
  }
  // Refunds (refund-payment.ts): not exclusive, several may be open at once.
  if (!full && REFUNDABLE.has(p.status)) {
    for (const amount of new Set([300n, refundable(p)])) {
      if (amount > 0n && amount <= refundable(p)) out.push({ how: 'refund', next: start(s, { kind: 'refund', amount, exclusive: false, patch: { amount_refunding: p.amount_refunding + amount } }) });
    }
  }
  // Incremental authorization through the API (increment-authorization.ts).
  const raised = p.amount_authorized + 500n;
  if (!busy && !full && p.status === 'authorized' && p.amount_captured === 0n && raised <= MAX_TOTAL) {
    out.push({ how: 'increment', next: start(s, { kind: 'increment_authorization', amount: raised, exclusive: true, params: { order_amount: Number(raised) } }) });
  }
  // Order changes (apply-order-change.ts).
  if (!busy && !full && p.order_cancelled_at === null && CHANGEABLE.has(p.status)) {
    const holds = p.status === 'authorized';
    const changes: Array<{ kind: OrderChangeKind; amount: bigint }> = [
      ...[0n, 500n, 1000n, 1500n].map((amount) => ({ kind: 'items' as const, amount })),
      { kind: 'cancel', amount: 0n },
    ];
    for (const change of changes) {
      const d = decideOrderChange({ kind: change.kind, currentTotal: p.amount, newTotal: change.amount, authorized: holds ? p.amount_authorized : 0n });
      const params = { order_amount: Number(d.total), order_change_id: 'och_1' };
      const how = `order change ${change.kind} ${change.amount} → ${d.decision}`;
      if (d.decision === 'keep' || (d.decision === 'void' && !holds)) {
        const status = d.decision === 'void' ? 'voided' : p.status;
        const next = { p: { ...p, amount: d.total, status, ...(change.kind === 'cancel' ? { order_cancelled_at: AT } : {}) }, ops: s.ops };
        out.push({ how, next, ...(status !== p.status ? { edge: { from: p.status, to: status, by: 'order-change' as const, how } } : {}) });
      } else if (d.decision === 'void') {
        out.push({ how, next: start(s, { kind: 'void', amount: p.amount_authorized, exclusive: true, params: { ...params, cancels_order: change.kind === 'cancel' } }) });
      } else if (d.decision === 'authorize') {
        out.push({ how, next: start(s, { kind: 'authorize', amount: d.total, exclusive: true, params }) });
      } else {
        // With incremental authorization, or (provider without it, or the increment refused) a new authorization.
        out.push({ how: `${how} (increment)`, next: start(s, { kind: 'increment_authorization', amount: d.total, exclusive: true, params }) });
        out.push({ how: `${how} (new authorization)`, next: start(s, { kind: 'reauthorize', amount: d.total, exclusive: true, params, replaces: p.provider_payment_id }) });
      }
    }
  }
  return out;
}

/** Every way an open operation can be settled, by the request that made it or by the janitor. */
function settles(s: State): Array<{ how: string; next: State; edge?: Edge }> {
  const out: Array<{ how: string; next: State; edge?: Edge }> = [];
  for (const open of s.ops) {
    const op = open.row;
    for (const { name, outcome } of answersFor(op, s.p)) {
      const t = transition(op, s.p, outcome);
      const releases = t.final && s.p.in_flight_operation_id === op.id;
      const p: PaymentRow = { ...s.p, ...(t.payment as Partial<PaymentRow>), ...(releases ? { in_flight_operation_id: null } : {}) };
      if (p.order_cancelled_at !== null) p.order_cancelled_at = AT;
      const ops = t.final ? s.ops.filter((o) => o !== open) : s.ops.map((o) => (o === open ? { ...o, row: { ...o.row, status: t.operation.status } } : o));
      let next: State = { p, ops };
      // apply-order-change.ts releases the authorization a successful re-authorization replaced.
      if (op.kind === 'reauthorize' && t.operation.status === 'succeeded' && op.replaces_reference) {
        next = start(next, { kind: 'void', amount: 0n, exclusive: false, replaces: op.replaces_reference, reference: op.replaces_reference });
      }
      const how = `${op.kind}${op.replaces_reference && op.kind === 'void' ? ' (replaced)' : ''} ${name}`;
      const to = statusChange(s.p.status, t);
      out.push({ how, next, ...(to ? { edge: { from: s.p.status, to, by: 'transition' as const, how } } : {}) });
    }
  }
  return out;
}

function violations(p: PaymentRow): string[] {
  const v: string[] = [];
  for (const f of ['amount', 'amount_authorized', 'amount_captured', 'amount_refunded', 'amount_capturing', 'amount_refunding'] as const) if (p[f] < 0n) v.push(`${f} < 0`);
  if (p.amount_captured + p.amount_capturing > p.amount_authorized) v.push('captured_within_authorized');
  if (p.amount_refunded + p.amount_refunding > p.amount_captured) v.push('refunded_within_captured');
  return v;
}

function explore(): { edges: Map<string, Edge>; states: number; broken: string[]; seen: Set<PaymentStatus> } {
  const initial: State[] = [];
  for (const capture_method of ['manual', 'automatic'] as const) {
    // create-payment.ts: an amount above 0 is authorized at once; 0 waits in requires_authorization.
    const created = { p: paymentRow({ capture_method, status: 'pending', amount: 1000n }), ops: [] };
    initial.push(start(created, { kind: 'authorize', amount: 1000n, exclusive: true }));
    initial.push({ p: paymentRow({ capture_method, status: 'requires_authorization', amount: 0n }), ops: [] });
  }
  const visited = new Set<string>();
  const queue: State[] = [];
  const visit = (s: State) => {
    const c = canonical(s);
    const k = stateKey(c);
    if (visited.has(k)) return;
    visited.add(k);
    queue.push(c);
  };
  initial.forEach(visit);
  /** One example of each status change, by who makes it. */
  const edges = new Map<string, Edge>();
  const broken: string[] = [];
  const seen = new Set<PaymentStatus>();
  while (queue.length > 0) {
    const s = queue.pop()!;
    seen.add(s.p.status);
    for (const step of [...starts(s), ...settles(s)]) {
      const v = violations(step.next.p);
      if (v.length > 0) broken.push(`${step.how} from ${stateKey(s)}: ${v.join(', ')}`);
      if (step.edge) {
        const k = `${step.edge.by} ${key(step.edge.from, step.edge.to)}`;
        if (!edges.has(k)) edges.set(k, step.edge);
      }
      visit(step.next);
    }
    assert.ok(visited.size < 500_000, 'the model should stay finite');
  }
  return { edges, states: visited.size, broken, seen };
}

describe('STATUS_TRANSITIONS is what the code does', () => {
  const result = explore();
  const listed = (by: Edge['by']) => new Set(STATUS_TRANSITIONS.filter((t) => (t.by ?? 'transition') === by).map((t) => key(t.from, t.to)));
  const found = (by: Edge['by']) => new Set([...result.edges.values()].filter((e) => e.by === by).map((e) => key(e.from, e.to)));
  const explain = (by: Edge['by'], missing: string[]) =>
    missing.map((m) => `${m} (e.g. ${result.edges.get(`${by} ${m}`)?.how ?? '?'})`).join('\n  ');

  test('the model explores a meaningful number of states', () => {
    assert.ok(result.states > 100, `${result.states} states`);
  });

  test('transition(): every status change it makes is listed, and every listed one happens', () => {
    const code = found('transition');
    const list = listed('transition');
    const unlisted = [...code].filter((k) => !list.has(k)).sort();
    const neverMade = [...list].filter((k) => !code.has(k)).sort();
    assert.deepEqual(unlisted, [], `made by transition() but missing from STATUS_TRANSITIONS:\n  ${explain('transition', unlisted)}`);
    assert.deepEqual(neverMade, [], 'listed in STATUS_TRANSITIONS but never made by transition()');
  });

  test("the order-change use case's own status changes are listed with by: 'order-change'", () => {
    const code = found('order-change');
    const list = listed('order-change');
    assert.deepEqual([...code].sort(), [...list].sort(), explain('order-change', [...code].filter((k) => !list.has(k))));
  });

  test('every status is reachable', () => {
    assert.deepEqual(PAYMENT_STATUSES.filter((s) => !result.seen.has(s)), []);
  });

  test('the money invariants (the CHECK constraints) hold in every reachable state', () => {
    assert.deepEqual(result.broken.slice(0, 5), []);
  });

  test('declined and refunded are final: nothing starts from them', () => {
    for (const status of ['declined', 'refunded'] as const) {
      const s: State = { p: paymentRow({ status, amount_authorized: 1000n, amount_captured: status === 'refunded' ? 1000n : 0n, amount_refunded: status === 'refunded' ? 1000n : 0n }), ops: [] };
      assert.deepEqual(starts(s).map((x) => x.how), []);
    }
  });
});
