import type { FastifyInstance } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import type { RewardsContext } from '../context.ts';
import { liabilityCsv, liabilityXlsx } from '../liability/liability-export.ts';
import { liabilityReport, presentLiability } from '../liability/liability-report.ts';
import { errors } from './schemas.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function liabilityRoutes(app: FastifyInstance, ctx: RewardsContext, settings: { pointValueYen: string }): Promise<void> {
  app.get<{ Querystring: { from: string; to: string; format?: 'json' | 'csv' | 'xlsx' } }>(
    '/v1/rewards/liability',
    {
      config: { scope: 'rewards:read' },
      schema: {
        tags: ['rewards'],
        summary: 'The points liability roll-forward for a period, per campaign and funding party',
        description:
          'opening, earned, granted, reversed, expired, closing in points and in yen (KESSAI_REWARDS_POINT_VALUE_YEN) for [from, to); ' +
          'every figure is a sum of ledger rows (docs/rewards.md#liability). `format` (or Accept) json, csv or xlsx.',
        querystring: {
          type: 'object',
          required: ['from', 'to'],
          additionalProperties: false,
          properties: {
            from: { type: 'string', format: 'date-time', description: 'Inclusive' },
            to: { type: 'string', format: 'date-time', description: 'Exclusive' },
            format: { type: 'string', enum: ['json', 'csv', 'xlsx'] },
          },
        },
        response: errors,
      },
    },
    async (request, reply) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      if (!(to.getTime() > from.getTime())) throw new KessaiError('KS_ERR_VALIDATION', 'to must be after from', { field: 'to' });
      const accept = request.headers.accept ?? '';
      const format = request.query.format ?? (accept.includes('text/csv') ? 'csv' : accept.includes(XLSX) ? 'xlsx' : 'json');
      const report = await liabilityReport(ctx, from, to, settings.pointValueYen);
      const name = `points-liability_${request.query.from.slice(0, 10)}_${request.query.to.slice(0, 10)}`;
      if (format === 'csv') {
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(liabilityCsv(report));
      }
      if (format === 'xlsx') {
        return reply.header('content-type', XLSX).header('content-disposition', `attachment; filename="${name}.xlsx"`).send(await liabilityXlsx(report));
      }
      return presentLiability(report);
    },
  );
}
