import type { FastifyInstance } from 'fastify';
import { actorOf, errorResponses, idempotencyHeader } from '../../http/index.ts';
import type { ReconciliationContext } from '../context.ts';
import { DISCREPANCY_ACTIONS, type DiscrepancyAction } from '../discrepancy-transitions.ts';
import { attachEvidence, discrepancyHistory, evidenceFile, MAX_EVIDENCE_BYTES, type EvidenceStorage } from '../evidence.ts';
import { handleDiscrepancies } from '../handle-discrepancies.ts';
import { correctDiscrepancy, CORRECTION_FIELDS, CORRECTION_SIDES, listCorrections, type CorrectionField, type CorrectionSide } from '../correct-discrepancy.ts';

const tags = ['reconciliation'];
const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const changed = { type: 'object', properties: { changed: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } } } } } } as const;
const free = { type: 'object', additionalProperties: true } as const;

/** Operators handle discrepancies: start, resolve, reopen, note (one or many at once), evidence and amount corrections. */
export async function discrepancyHandlingRoutes(app: FastifyInstance, ctx: ReconciliationContext, storage: EvidenceStorage): Promise<void> {
  app.post<{ Body: { ids: string[]; action: DiscrepancyAction; reason?: string } }>(
    '/v1/reconciliation/discrepancies/actions',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'One action on one or many discrepancies, all or none (start, resolve, reopen, note)',
        description: '`resolve`, `reopen` and `note` need a `reason`. Every change is logged with the operator and the reason.',
        headers: idempotencyHeader,
        body: {
          type: 'object',
          required: ['ids', 'action'],
          additionalProperties: false,
          properties: { ids: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', maxLength: 64 } }, action: { type: 'string', enum: [...DISCREPANCY_ACTIONS] }, reason: { type: 'string', maxLength: 2000 } },
        },
        response: { 200: changed, ...errorResponses },
      },
    },
    async (request) => ({ changed: await handleDiscrepancies(ctx, request.body.ids, request.body.action, request.body.reason ?? null, actorOf(request)) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reconciliation/discrepancies/:id/history',
    {
      config: { scope: 'reconciliation:read' },
      schema: { tags, summary: 'A discrepancy’s log of actions, its evidence files and its amount corrections', params: idParams, response: { 200: { type: 'object', properties: { actions: { type: 'array', items: free }, evidence: { type: 'array', items: free }, corrections: { type: 'array', items: free } } }, ...errorResponses } },
    },
    async (request) => {
      const [history, corrections] = await Promise.all([discrepancyHistory(ctx, request.params.id), listCorrections(ctx, request.params.id)]);
      return { ...history, corrections };
    },
  );

  app.post<{ Params: { id: string }; Body: { side: CorrectionSide; field: CorrectionField; amount: number | string; currency: string; reason: string; evidence_ids: string[] } }>(
    '/v1/reconciliation/discrepancies/:id/corrections',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'Correct one side’s amount or fee item of a discrepancy, with a reason and evidence',
        description:
          'Allowed while the discrepancy is pending or in progress; the state does not change (resolve it afterwards). `amount` is signed minor units (an integer or a digit string). `evidence_ids` name files already attached to this discrepancy: without one, 422 `KS_ERR_DISCREPANCY_EVIDENCE_REQUIRED`. Every correction is kept with the value it replaced.',
        headers: idempotencyHeader,
        params: idParams,
        body: {
          type: 'object',
          required: ['side', 'field', 'amount', 'currency', 'reason', 'evidence_ids'],
          additionalProperties: false,
          properties: {
            side: { type: 'string', enum: [...CORRECTION_SIDES] },
            field: { type: 'string', enum: [...CORRECTION_FIELDS] },
            amount: { type: ['integer', 'string'], description: 'Signed minor units' },
            currency: { type: 'string', pattern: '^[A-Za-z]{3}$' },
            reason: { type: 'string', minLength: 1, maxLength: 2000 },
            evidence_ids: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 64 } },
          },
        },
        response: { 201: free, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const correction = await correctDiscrepancy(ctx, request.params.id, { side: b.side, field: b.field, amount: b.amount, currency: b.currency, reason: b.reason, evidenceIds: b.evidence_ids }, actorOf(request));
      return reply.status(201).send(correction);
    },
  );

  await app.register(async (scope) => {
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_EVIDENCE_BYTES + 1 }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { id: string }; Querystring: { file_name?: string }; Body: Buffer }>(
      '/v1/reconciliation/discrepancies/:id/evidence',
      {
        config: { scope: 'reconciliation:write' },
        schema: {
          tags,
          summary: 'Attach an evidence file (JPEG or PNG by content, at most 20 MB) as the raw request body',
          headers: idempotencyHeader,
          params: idParams,
          querystring: { type: 'object', additionalProperties: false, properties: { file_name: { type: 'string', maxLength: 200 } } },
          response: { 201: free, ...errorResponses },
        },
      },
      async (request, reply) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const saved = await attachEvidence(ctx, storage, request.params.id, request.query.file_name ?? 'evidence', body, actorOf(request));
        return reply.status(201).send(saved);
      },
    );
  });

  app.get<{ Params: { id: string; evidence_id: string } }>(
    '/v1/reconciliation/discrepancies/:id/evidence/:evidence_id',
    {
      config: { scope: 'reconciliation:read' },
      schema: { tags, summary: 'An evidence file as uploaded', params: { type: 'object', required: ['id', 'evidence_id'], properties: { id: { type: 'string', maxLength: 64 }, evidence_id: { type: 'string', maxLength: 64 } } } },
    },
    async (request, reply) => {
      const file = await evidenceFile(ctx, storage, request.params.id, request.params.evidence_id);
      return reply.type(file.contentType).header('content-disposition', `inline; filename="${encodeURIComponent(file.fileName)}"`).header('x-content-type-options', 'nosniff').send(file.bytes);
    },
  );
}
