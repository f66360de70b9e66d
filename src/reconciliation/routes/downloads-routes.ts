import type { FastifyInstance } from 'fastify';
import { errorResponses } from '../../http/index.ts';
import type { ReconciliationContext } from '../context.ts';
import { DOWNLOAD_SIDES, downloadRunSide, type DownloadSide } from '../download-run.ts';

/** A run's channel side, our side or discrepancies as CSV or XLSX, streamed. */
export async function downloadsRoutes(app: FastifyInstance, ctx: ReconciliationContext): Promise<void> {
  app.get<{ Params: { id: string; side: DownloadSide }; Querystring: { format?: 'csv' | 'xlsx' } }>(
    '/v1/reconciliation/runs/:id/downloads/:side',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags: ['reconciliation'],
        summary: 'Download one side of a run’s channel and day: channel lines, our transactions, or discrepancies (CSV or XLSX)',
        params: { type: 'object', required: ['id', 'side'], properties: { id: { type: 'string', maxLength: 64 }, side: { type: 'string', enum: [...DOWNLOAD_SIDES] } } },
        querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['csv', 'xlsx'], default: 'csv' } } },
        response: errorResponses,
      },
    },
    async (request, reply) => {
      const file = await downloadRunSide(ctx, request.params.id, request.params.side, request.query.format ?? 'csv');
      return reply.type(file.contentType).header('content-disposition', `attachment; filename="${file.fileName}"`).send(file.stream);
    },
  );
}
