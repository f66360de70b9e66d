/** Import rules (DEVELOPERS.md): plumbing never imports a domain; domains meet only at index.ts. */
const PLUMBING = '^src/(config|db|money|errors|events|http|workflows|notify)/';
const DOMAINS = '(identity|payments|sandbox|webhooks|checkout|rewards|reconciliation)';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'plumbing-never-imports-a-domain',
      comment: 'Shared plumbing must stay free of domain knowledge.',
      severity: 'error',
      from: { path: PLUMBING },
      to: { path: `^src/${DOMAINS}/` },
    },
    {
      name: 'domains-meet-at-index',
      comment: "A domain uses another only through its public index.ts, never its internals.",
      severity: 'error',
      from: { path: `^src/${DOMAINS}/` },
      to: { path: `^src/${DOMAINS}/(?!index\\.ts$)`, pathNot: '^src/$1/' },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.test\\.ts$' },
      to: { path: '(^test/|\\.test\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^console/' },
  },
};
