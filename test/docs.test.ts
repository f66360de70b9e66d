// Keeps docs/ true to the code: the state diagram, the decision table, error codes, endpoints,
// sandbox cards and links are read from the Markdown and checked against the source. No database.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOG } from '../src/errors/index.ts';
import { ORDER_CHANGE_RULES, PAYMENT_STATUSES, STATUS_TRANSITIONS, decideOrderChange } from '../src/payments/index.ts';
import { sandboxCards } from '../src/sandbox/index.ts';
import { REWARD_REASONS } from '../src/rewards/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const docFiles = () => [...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`), ...(existsSync(join(ROOT, 'README.md')) ? ['README.md'] : [])];

/** Fenced code blocks, with their info string. */
function codeBlocks(markdown: string): Array<{ lang: string; body: string }> {
  return [...markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!.trim(), body: m[2]! }));
}
const withoutCode = (markdown: string) => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** Markdown tables: header cells and rows of cells (inline code marks removed). */
function tables(markdown: string): Array<{ header: string[]; rows: string[][] }> {
  const out: Array<{ header: string[]; rows: string[][] }> = [];
  const lines = withoutCode(markdown).split('\n');
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/`/g, ''));
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.trim().startsWith('|') || !/^\s*\|\s*:?-{3,}/.test(lines[i + 1]!)) continue;
    const header = cells(lines[i]!);
    const rows: string[][] = [];
    for (i += 2; i < lines.length && lines[i]!.trim().startsWith('|'); i++) rows.push(cells(lines[i]!));
    out.push({ header, rows });
  }
  return out;
}

describe('docs/payments.md', () => {
  const doc = read('docs/payments.md');
  const diagrams = codeBlocks(doc).filter((b) => b.lang === 'mermaid' && b.body.trimStart().startsWith('stateDiagram-v2'));

  function edges(): Array<{ from: string; to: string; label: string }> {
    assert.equal(diagrams.length, 1, 'one stateDiagram-v2 block');
    const out: Array<{ from: string; to: string; label: string }> = [];
    for (const line of diagrams[0]!.body.split('\n')) {
      const m = /^\s*(\S+)\s*-->\s*(\S+?)\s*(?::\s*(.*))?$/.exec(line);
      if (m) out.push({ from: m[1]!, to: m[2]!, label: (m[3] ?? '').trim() });
    }
    return out;
  }

  test('the state diagram has exactly the transitions of STATUS_TRANSITIONS', () => {
    const pair = (from: string, to: string) => `${from} → ${to}`;
    const drawn = new Set(edges().filter((e) => e.from !== '[*]' && e.to !== '[*]').map((e) => pair(e.from, e.to)));
    const code = new Set(STATUS_TRANSITIONS.map((t) => pair(t.from, t.to)));
    assert.deepEqual([...code].filter((p) => !drawn.has(p)).sort(), [], 'in STATUS_TRANSITIONS but not drawn');
    assert.deepEqual([...drawn].filter((p) => !code.has(p)).sort(), [], 'drawn but not in STATUS_TRANSITIONS');
  });

  test('every edge of the diagram is labelled, and every state in it is a payment status', () => {
    for (const e of edges()) {
      assert.ok(e.label.length > 0, `${e.from} --> ${e.to} has a label`);
      for (const s of [e.from, e.to]) if (s !== '[*]') assert.ok((PAYMENT_STATUSES as readonly string[]).includes(s), `${s} is a status`);
    }
  });

  test('every payment status is in the diagram and explained in the status table', () => {
    const inDiagram = new Set(edges().flatMap((e) => [e.from, e.to]));
    const statusTable = tables(doc).find((t) => t.header[0] === 'status' && t.header.includes('meaning'));
    assert.ok(statusTable, 'a status table');
    const explained = statusTable.rows.map((r) => r[0]);
    for (const status of PAYMENT_STATUSES) {
      assert.ok(inDiagram.has(status), `${status} is in the diagram`);
      assert.ok(explained.includes(status), `${status} is explained`);
    }
    assert.deepEqual(explained.filter((s) => !(PAYMENT_STATUSES as readonly string[]).includes(s!)), [], 'no status that does not exist');
  });

  test('the sandbox card table lists exactly the sandbox cards, with their funding and incremental support', () => {
    const table = tables(doc).find((t) => t.header[0] === 'payment_method');
    assert.ok(table, 'a sandbox card table');
    const rows = new Map(table.rows.map((r) => [r[0]!, r]));
    const col = (name: string) => table.header.indexOf(name);
    for (const card of sandboxCards()) {
      const row = rows.get(card.paymentMethod);
      assert.ok(row, `${card.paymentMethod} is documented`);
      assert.equal(row[col('funding')], card.funding, `${card.paymentMethod} funding`);
      assert.equal(row[col('incremental authorization')], card.incrementalAuthorization ? 'yes' : 'no', `${card.paymentMethod} incremental authorization`);
    }
    assert.equal(rows.size, sandboxCards().length, 'no card that does not exist');
  });
});

describe('docs/order-changes.md', () => {
  const doc = read('docs/order-changes.md');
  const table = tables(doc).find((t) => t.header.includes('decision') && t.header.includes('rule'));
  const amount = (cell: string) => {
    assert.match(cell, /^\d+$/, `an amount in minor units: ${cell}`);
    return BigInt(cell);
  };

  interface Row {
    name: string;
    kind: string;
    currentTotal: bigint;
    newTotal: bigint;
    authorized: bigint;
    originalLineAmount?: bigint;
    substituteLineAmount?: bigint;
    decision: string;
    total: bigint;
    rule: string;
  }

  function docRows(): Row[] {
    assert.ok(table, 'a decision table');
    const col = (name: string) => {
      const i = table.header.indexOf(name);
      assert.ok(i >= 0, `column ${name}`);
      return i;
    };
    return table.rows.map((r) => {
      const line = r[col('substituted line')]!;
      const sub = /^(\d+)\s*→\s*(\d+)$/.exec(line);
      assert.ok(sub || line === '—', `substituted line is "original → substitute" or —: ${line}`);
      return {
        name: r[col('case')]!,
        kind: r[col('kind')]!,
        currentTotal: amount(r[col('current total')]!),
        newTotal: amount(r[col('new total')]!),
        authorized: amount(r[col('authorized')]!),
        ...(sub ? { originalLineAmount: BigInt(sub[1]!), substituteLineAmount: BigInt(sub[2]!) } : {}),
        decision: r[col('decision')]!,
        total: amount(r[col('resulting total')]!),
        rule: r[col('rule')]!,
      };
    });
  }

  /** The rows of the table-driven test, read from its source (a test file cannot be imported without running it). */
  function testRows(): Row[] {
    const source = read('src/payments/order-changes/decide-order-change.test.ts');
    const block = /const ROWS[^=]*=\s*\[\n([\s\S]*?)\n\];/.exec(source);
    assert.ok(block, 'the ROWS table in decide-order-change.test.ts');
    const lines = block[1]!.split('\n').filter((l) => l.trim().startsWith('['));
    const rows = lines.map((line) => {
      const m = /^\s*\['([^']+)',\s*\{([^}]*)\},\s*'(\w+)',\s*(\d+)n,\s*R\.(\w+)\],?\s*$/.exec(line);
      assert.ok(m, `a row in the expected shape: ${line.trim()}`);
      const facts = Object.fromEntries([...m[2]!.matchAll(/(\w+):\s*(?:'([^']*)'|(\d+)n)/g)].map((f) => [f[1]!, f[2] ?? BigInt(f[3]!)]));
      const rule = ORDER_CHANGE_RULES[m[5] as keyof typeof ORDER_CHANGE_RULES];
      assert.ok(rule, `R.${m[5]} is a rule`);
      return {
        name: m[1]!,
        kind: facts.kind as string,
        currentTotal: facts.currentTotal as bigint,
        newTotal: facts.newTotal as bigint,
        authorized: facts.authorized as bigint,
        ...(facts.originalLineAmount !== undefined ? { originalLineAmount: facts.originalLineAmount as bigint, substituteLineAmount: facts.substituteLineAmount as bigint } : {}),
        decision: m[3]!,
        total: BigInt(m[4]!),
        rule,
      };
    });
    assert.ok(rows.length > 0);
    return rows;
  }

  test('every row of the table is what decideOrderChange() decides', () => {
    const rows = docRows();
    assert.ok(rows.length > 0);
    for (const row of rows) {
      const { name: _name, decision, total, rule, ...facts } = row;
      const decided = decideOrderChange(facts as Parameters<typeof decideOrderChange>[0]);
      assert.deepEqual(decided, { decision, total, rule }, row.name);
    }
  });

  test('every rule of ORDER_CHANGE_RULES appears in the table', () => {
    const used = new Set(docRows().map((r) => r.rule));
    assert.deepEqual(Object.values(ORDER_CHANGE_RULES).filter((r) => !used.has(r)), []);
  });

  test('the table has the same rows, in the same order, as the table-driven test', () => {
    assert.deepEqual(docRows(), testRows());
  });
});

describe('docs/rewards.md', () => {
  const doc = read('docs/rewards.md');
  const source = read('src/rewards/evaluate-campaign.test.ts');

  /** The rows of a table in the table-driven test: one JSON array of cells per line. */
  function testRows(name: string): string[][] {
    const block = new RegExp(`const ${name}[^=]*=\\s*\\[\\n([\\s\\S]*?)\\n\\];`).exec(source);
    assert.ok(block, `the ${name} table in evaluate-campaign.test.ts`);
    const rows = block[1]!.split('\n').filter((l) => l.trim().startsWith('[')).map((l) => JSON.parse(l.trim().replace(/,$/, '')) as string[]);
    assert.ok(rows.length > 0, name);
    return rows;
  }
  const docTable = (first: string) => {
    const t = tables(doc).find((x) => x.header[0] === first);
    assert.ok(t, `a table whose first column is "${first}"`);
    return t;
  };

  test('the campaigns, the merchant master and the decision table are the test’s rows, in order', () => {
    assert.deepEqual(docTable('campaign').rows, testRows('CAMPAIGNS'));
    assert.deepEqual(docTable('master').rows, testRows('MERCHANTS'));
    assert.deepEqual(docTable('case').rows, testRows('ROWS'));
  });

  test('every reason the code gives is explained, with the code’s meaning', () => {
    const explained = docTable('reason').rows.map((r) => [r[0], r[1]]);
    assert.deepEqual(explained, Object.entries(REWARD_REASONS).map(([k, v]) => [k, v.replace(/’/g, "'")]));
  });
});

describe('docs and the code they name', () => {
  test('every error code named in the docs exists, with the HTTP status the docs give it', () => {
    for (const file of docFiles()) {
      const text = read(file);
      for (const [code] of text.matchAll(/\bKS_ERR_[A-Z0-9_]+\b/g)) assert.ok(code in ERROR_CATALOG, `${file}: ${code} is in the catalog`);
      for (const t of tables(text)) {
        const codeCol = t.header.indexOf('code');
        const httpCol = t.header.indexOf('HTTP');
        if (codeCol < 0 || httpCol < 0) continue;
        for (const r of t.rows) {
          const entry = ERROR_CATALOG[r[codeCol] as keyof typeof ERROR_CATALOG];
          assert.ok(entry, `${file}: ${r[codeCol]} is in the catalog`);
          assert.equal(Number(r[httpCol]), entry.status, `${file}: ${r[codeCol]}`);
        }
      }
    }
  });

  test('every endpoint named in the docs is a route in src/', () => {
    const sources = (dir: string): string[] =>
      readdirSync(join(ROOT, dir)).flatMap((name) => {
        const path = `${dir}/${name}`;
        if (statSync(join(ROOT, path)).isDirectory()) return sources(path);
        return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
      });
    const routes = new Set<string>();
    for (const file of sources('src')) for (const m of read(file).matchAll(/'(\/v1\/[^'?]*)'/g)) routes.add(m[1]!);
    let named = 0;
    for (const file of docFiles()) {
      for (const m of read(file).matchAll(/`(?:GET|POST|PUT|PATCH|DELETE) (\/v1\/[^`?\s]*)/g)) {
        named += 1;
        assert.ok(routes.has(m[1]!), `${file}: ${m[1]} is a route`);
      }
    }
    assert.ok(named > 10, `the docs name endpoints (${named})`);
  });

  test('every relative link in docs/ and README.md points at an existing file (and heading)', () => {
    const slug = (heading: string) =>
      heading
        .trim()
        .toLowerCase()
        .replace(/`/g, '')
        .replace(/[^\p{L}\p{N}\s_-]/gu, '')
        .replace(/\s/g, '-');
    const anchors = (file: string) => new Set([...withoutCode(read(file)).matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)));
    const broken: string[] = [];
    let checked = 0;
    for (const file of docFiles()) {
      for (const m of withoutCode(read(file)).matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const href = m[1]!;
        if (/^[a-z][a-z0-9+.-]*:/i.test(href)) continue; // https:, mailto:
        const [path, anchor] = href.split('#') as [string, string | undefined];
        const target = path === '' ? file : relative(ROOT, resolve(ROOT, dirname(file), decodeURIComponent(path)));
        checked += 1;
        if (!existsSync(join(ROOT, target))) {
          broken.push(`${file}: ${href} (no ${target})`);
          continue;
        }
        if (anchor && target.endsWith('.md') && !anchors(target).has(anchor)) broken.push(`${file}: ${href} (no heading #${anchor} in ${target})`);
      }
    }
    assert.ok(checked > 0, 'the docs have links');
    assert.deepEqual(broken, []);
  });
});

describe('docs/checkout.md', () => {
  const doc = readFileSync('docs/checkout.md', 'utf8');
  test('the step table lists exactly the workflow’s steps, in order', async () => {
    const { CHECKOUT_STEPS, COMPENSATION_STEPS, ATTENTION_STEPS } = await import('../src/checkout/index.ts');
    const section = doc.slice(doc.indexOf('## The steps'), doc.indexOf('## Run states'));
    const listed = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(listed, [...CHECKOUT_STEPS, ...COMPENSATION_STEPS, ...ATTENTION_STEPS]);
  });
  test('the state diagram has exactly the run statuses', async () => {
    const { CHECKOUT_STATUSES } = await import('../src/checkout/index.ts');
    const diagram = doc.slice(doc.indexOf('stateDiagram-v2'), doc.indexOf('```', doc.indexOf('stateDiagram-v2')));
    const states = new Set([...diagram.matchAll(/(\w+) --> (\w+)/g)].flatMap((m) => [m[1], m[2]]).filter((s) => s !== '*'));
    states.delete('*');
    assert.deepEqual([...states].sort(), [...CHECKOUT_STATUSES].sort());
  });
});

describe('docs/reconciliation.md: handling a discrepancy', () => {
  test('the transition table is DISCREPANCY_TRANSITIONS, row for row', async () => {
    const { DISCREPANCY_TRANSITIONS } = await import('../src/reconciliation/discrepancy-transitions.ts');
    const doc = readFileSync('docs/reconciliation.md', 'utf8');
    const section = doc.slice(doc.indexOf('## Handling a discrepancy'), doc.indexOf('## Runs'));
    const rows = [...section.matchAll(/^\| (\w+) \| (\w+) \| (\w+) \|$/gm)].map((m) => `${m[1]} ${m[2]} ${m[3]}`).filter((r) => r !== 'From Action To');
    assert.deepEqual(rows, DISCREPANCY_TRANSITIONS.map((t) => `${t.from} ${t.action} ${t.to}`));
  });
});
