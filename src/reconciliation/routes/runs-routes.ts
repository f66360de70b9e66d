import type { FastifyInstance } from 'fastify';
import { actorOf } from '../../http/index.ts';
import { parseChannel } from '../channels.ts';
import type { ReconciliationContext } from '../context.ts';
import { getRun, listRuns } from '../get-runs.ts';
import { listDiscrepancies } from '../list-discrepancies.ts';
import type { RunWorkflow } from '../run-workflow.ts';
import { startRun } from '../start-run.ts';
import { DISCREPANCY_STATES, RUN_STATUSES, type DiscrepancyState, type RunStatus } from '../tables.ts';
import { channelSchema, dateSchema, discrepancySchema, errors, idParams, idempotencyHeader, pageOf, pageQuery, reasonSchema, runSchema } from './schemas.ts';

const tags = ['reconciliation'];

export async function runsRoutes(app: FastifyInstance, ctx: ReconciliationContext, workflow: RunWorkflow): Promise<void> {
  app.post<{ Body: { channel: string; post_date: string } }>(
    '/v1/reconciliation/runs',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'Reconcile a channel’s post date now',
        description: 'Starts a durable run (`rrun_…`, 202) that copies our side from payments, matches the look-back window and recomputes the day’s results. One run per channel and day at a time: a second request while one runs is 409 naming it.',
        headers: idempotencyHeader,
        body: { type: 'object', required: ['channel', 'post_date'], additionalProperties: false, properties: { channel: channelSchema, post_date: dateSchema } },
        response: { 202: runSchema, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = await startRun(ctx, workflow, { channel: parseChannel(request.body.channel), postDate: request.body.post_date }, actorOf(request));
      return reply.status(202).send(await getRun(ctx, id));
    },
  );

  app.get<{ Querystring: { channel?: string; post_date?: string; status?: RunStatus; limit: number; starting_after?: string } }>(
    '/v1/reconciliation/runs',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags,
        summary: 'Reconciliation runs, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { channel: channelSchema, post_date: dateSchema, status: { type: 'string', enum: [...RUN_STATUSES] }, ...pageQuery } },
        response: { 200: pageOf(runSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listRuns(ctx, {
        limit: q.limit,
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.post_date ? { postDate: q.post_date } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reconciliation/runs/:id',
    { config: { scope: 'reconciliation:read' }, schema: { tags, summary: 'A run and its day’s result: counts, and both sides’ fee-item totals side by side', params: idParams, response: { 200: runSchema, ...errors } } },
    async (request) => getRun(ctx, request.params.id),
  );

  app.get<{ Querystring: { channel?: string; from?: string; to?: string; state?: DiscrepancyState; reason?: string; run_id?: string; limit: number; starting_after?: string } }>(
    '/v1/reconciliation/discrepancies',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags,
        summary: 'Discrepancies, with the differing fields side by side',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { channel: channelSchema, from: dateSchema, to: dateSchema, state: { type: 'string', enum: [...DISCREPANCY_STATES] }, reason: reasonSchema, run_id: { type: 'string', maxLength: 64 }, ...pageQuery },
        },
        response: { 200: pageOf(discrepancySchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listDiscrepancies(ctx, {
        limit: q.limit,
        ...(q.channel ? { channel: q.channel } : {}),
        ...(q.from ? { from: q.from } : {}),
        ...(q.to ? { to: q.to } : {}),
        ...(q.state ? { state: q.state } : {}),
        ...(q.reason ? { reason: q.reason } : {}),
        ...(q.run_id ? { runId: q.run_id } : {}),
        ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      });
    },
  );
}
