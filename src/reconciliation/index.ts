import type { Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { withDomainTables, type Db, type Pool } from '../db/index.ts';
import { DBOS } from '../workflows/index.ts';
import type { Actor, MoneyMovementSource, ReconciliationContext, ReconciliationSettings } from './context.ts';
import { startDailyRuns } from './daily-runs.ts';
import type { FeeRuleEngine } from './fee-rules.ts';
import { databaseFeeRules } from './fees/db-fee-engine.ts';
import { feeRuleRoutes } from './fees/fee-rule-routes.ts';
import { createFeeRule, listFeeRules, replaceFeeRule, retireFeeRule, type FeeRuleTables } from './fees/fee-rule-store.ts';
import { registerFxReruns } from './fx/rerun-days.ts';
import type { OpsChannel } from '../notify/index.ts';
import { getFile, listFiles } from './get-files.ts';
import { getRun, listRuns } from './get-runs.ts';
import { importOurTransactions, type OurExportUpload } from './import-our-transactions.ts';
import { importSettlementFile, type SettlementFileUpload } from './import-settlement-file.ts';
import { listDiscrepancies, type DiscrepancyFilter } from './list-discrepancies.ts';
import { saveMapping, type SavedMapping } from './mappings.ts';
import { filesRoutes } from './routes/files-routes.ts';
import { runsRoutes } from './routes/runs-routes.ts';
import { registerRunWorkflow } from './run-workflow.ts';
import { startRun, waitForRun, type RunRequest } from './start-run.ts';
import type { ReconciliationTables } from './tables.ts';
import { fxRoutes } from './fx/fx-routes.ts';
import { discrepancyHandlingRoutes } from './routes/discrepancy-handling-routes.ts';
import { downloadsRoutes } from './routes/downloads-routes.ts';
import { historyRoutes } from './routes/history-routes.ts';
import { diskEvidenceStorage, type EvidenceStorage } from './evidence.ts';
import { loadRates, rateFor, type FxContext } from './fx/fx-rates.ts';
import { fetchRates } from './fx/fetch-rates.ts';
import { parseRatesCsv } from './fx/parse-rates-csv.ts';
import { KessaiError } from '../errors/index.ts';
import type { FxTables } from './fx/fx-tables.ts';

export { DISCREPANCY_RULES, DISCREPANCY_REASONS, decide, type GroupFacts, type Decision } from './discrepancy-rules.ts';
export { RUN_STEPS, type RunSummary } from './run-workflow.ts';
export { MATCH_STATUSES, DISCREPANCY_STATES, RUN_STATUSES } from './tables.ts';
export { parseChannel, NAMED_CHANNELS } from './channels.ts';
export { statedFeesOnly, type FeeRuleEngine } from './fee-rules.ts';
export type { FileView } from './file-view.ts';
export type { RunView, DayResultView } from './get-runs.ts';
export type { DiscrepancyView } from './list-discrepancies.ts';
export type { SavedMapping } from './mappings.ts';

export interface ReconciliationDeps {
  db: Db;
  pool: Pool;
  logger: Logger;
  /** Payments' settled captures and refunds (its `listMoneyMovements`). */
  movements: MoneyMovementSource;
  settings?: Partial<ReconciliationSettings>;
  /** Default: the stored fee rules (`/v1/reconciliation/fee_rules`). */
  feeRules?: FeeRuleEngine;
  /** Where a completed run is announced, with links under `publicUrl` to its downloads. */
  ops?: OpsChannel;
  publicUrl?: string | undefined;
  /** Cron of the daily runs (yesterday, every channel with recent files); null: on demand only. */
  dailySchedule: string | null;
  /** The clock (tests move it instead of sleeping). */
  now?: () => Date;
  /** Where discrepancy evidence files are kept (default: on disk under `evidenceDir`). */
  evidence?: EvidenceStorage;
  evidenceDir: string;
  /** The HTTP source of daily FX rates (`{date}` in it is the day); fetched by the daily tick. */
  fxRatesUrl?: string;
}

export const DEFAULT_SETTINGS: ReconciliationSettings = {
  lookBackDays: 7,
  maxUploadBytes: 512 * 1024 * 1024,
  channelOfProvider: {},
  ourTimeZone: 'Z',
};

/**
 * Channel reconciliation (docs/reconciliation.md): settlement files and our side's transactions
 * imported atomically, matched per channel and post date by durable runs, with per-day results
 * and discrepancies.
 */
export function createReconciliation(deps: ReconciliationDeps) {
  const ctx: ReconciliationContext = {
    db: withDomainTables<ReconciliationTables>(deps.db),
    pool: deps.pool,
    logger: deps.logger.child({ component: 'reconciliation' }),
    movements: deps.movements,
    feeRules: deps.feeRules ?? databaseFeeRules(withDomainTables<FeeRuleTables>(deps.db)),
    now: deps.now ?? (() => new Date()),
    settings: { ...DEFAULT_SETTINGS, ...(deps.settings ?? {}) },
  };
  const evidence = deps.evidence ?? diskEvidenceStorage(deps.evidenceDir);
  // Registered before DBOS launches (the composition root creates domains first).
  const workflow = registerRunWorkflow(ctx, { ops: deps.ops ?? null, publicUrl: deps.publicUrl });
  // A changed rate (an override, or a load that changes it) re-runs the days it touches.
  const fx: FxContext = { db: withDomainTables<FxTables>(deps.db), onRatesChanged: registerFxReruns(ctx, workflow) };
  // Not one step: runs are started by the workflow itself (DBOS refuses it from inside a step).
  // The daily fetch loads rates without starting re-runs (a workflow cannot be started from its
  // step): the tick's own sweep of stale days re-runs what the new rates changed.
  const fetchDayRates = deps.fxRatesUrl ? (day: string) => fetchRates({ db: fx.db }, deps.fxRatesUrl!, day) : undefined;
  const daily = DBOS.registerWorkflow(
    async (scheduledAt: Date) => {
      await startDailyRuns(ctx, workflow, scheduledAt, fetchDayRates);
    },
    { name: 'reconciliation.daily' },
  );
  const dailyByHand = DBOS.registerWorkflow((scheduledAt: Date) => startDailyRuns(ctx, workflow, scheduledAt, fetchDayRates), { name: 'reconciliation.daily-by-hand' });
  return {
    context: ctx,
    /** Loads daily FX rates from a CSV text (`date,base,quote,rate`); days whose rate changed are re-run. */
    loadFxRates: (csv: string, actor: Actor) => loadRates(fx, parseRatesCsv(csv), 'file', actor),
    /** Waits until the re-runs a rate change started have been started (or recorded as failed). */
    async waitForReruns(workflowId: string): Promise<void> {
      await DBOS.retrieveWorkflow(workflowId).getResult();
    },
    /** Fetches a day's rates from the configured HTTP source; days whose rate changed are re-run. */
    fetchFxRates(day: string) {
      if (!deps.fxRatesUrl) throw new KessaiError('KS_ERR_FX_SOURCE_UNAVAILABLE', 'No FX rates source is configured (KESSAI_FX_RATES_URL)');
      return fetchRates(fx, deps.fxRatesUrl, day);
    },
    /** The FX rate in force for a day and pair (a manual override first), or null. */
    fxRate: (date: string, base: string, quote: string) => rateFor(fx, date, base, quote),
    /** The fee rules, as the API keeps them (checked, audited): for the CLI. */
    feeRules: feeRulesOf(withDomainTables<FeeRuleTables>(deps.db)),
    importSettlementFile: (upload: SettlementFileUpload) => importSettlementFile(ctx, upload),
    importOurTransactions: (upload: OurExportUpload) => importOurTransactions(ctx, upload),
    saveMapping: (name: string, mapping: Omit<SavedMapping, 'name'>, updatedBy: string) => saveMapping(ctx, name, mapping, updatedBy),
    /** The daily tick by hand (tests, or after an outage): yesterday's runs and stale FX days; the run ids started. */
    async runDailyTick(scheduledAt: Date): Promise<string[]> {
      const handle = await DBOS.startWorkflow(dailyByHand)(scheduledAt);
      return handle.getResult();
    },
    /** Starts a run (409 while the same channel and day runs); `waitForRun` waits for its end. */
    startRun: (request: RunRequest, actor: Actor) => startRun(ctx, workflow, request, actor),
    waitForRun,
    getRun: (id: string) => getRun(ctx, id),
    listRuns: (filter: Parameters<typeof listRuns>[1]) => listRuns(ctx, filter),
    getFile: (id: string) => getFile(ctx, id),
    listFiles: (filter: Parameters<typeof listFiles>[1]) => listFiles(ctx, filter),
    listDiscrepancies: (filter: DiscrepancyFilter) => listDiscrepancies(ctx, filter),
    /** Once DBOS runs: the daily schedule, when schedules are on. */
    async start(): Promise<void> {
      if (deps.dailySchedule) await DBOS.applySchedules([{ scheduleName: 'reconciliation.daily', workflowFn: daily, schedule: deps.dailySchedule }]);
    },
    async routes(app: FastifyInstance): Promise<void> {
      await filesRoutes(app, ctx);
      await runsRoutes(app, ctx, workflow);
      await fxRoutes(app, fx);
      await feeRuleRoutes(app, withDomainTables<FeeRuleTables>(deps.db));
      await discrepancyHandlingRoutes(app, ctx, evidence);
      await downloadsRoutes(app, ctx);
      await historyRoutes(app, ctx);
    },
  };
}

function feeRulesOf(db: Kysely<FeeRuleTables>) {
  return {
    list: (filter: { channel?: string; on?: string }) => listFeeRules(db, filter),
    create: (body: unknown, actor: Actor) => createFeeRule(db, body, actor),
    replace: (id: string, body: unknown, actor: Actor) => replaceFeeRule(db, id, body, actor),
    retire: (id: string, effectiveTo: string, actor: Actor) => retireFeeRule(db, id, effectiveTo, actor),
  };
}

export type Reconciliation = ReturnType<typeof createReconciliation>;
