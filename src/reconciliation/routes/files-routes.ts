import type { FastifyInstance, FastifyRequest } from 'fastify';
import { KessaiError } from '../../errors/index.ts';
import { actorOf } from '../../http/index.ts';
import { actorLabel, type ReconciliationContext } from '../context.ts';
import { parseChannel } from '../channels.ts';
import { getFile, listFiles } from '../get-files.ts';
import { importOurTransactions } from '../import-our-transactions.ts';
import { importSettlementFile } from '../import-settlement-file.ts';
import { saveMapping, type SavedMapping } from '../mappings.ts';
import type { ByteSource } from '../parsers/index.ts';
import { channelSchema, errors, fileSchema, idParams, idempotencyHeader, mappingSchema, pageOf, pageQuery } from './schemas.ts';

const tags = ['reconciliation'];

/** The request's bytes as they arrive, refused past `limit` (the import's transaction then rolls back). */
async function* limitedBody(request: FastifyRequest, limit: number): ByteSource {
  let seen = 0;
  for await (const chunk of request.raw as AsyncIterable<Buffer>) {
    seen += chunk.length;
    if (seen > limit) throw new KessaiError('KS_ERR_PAYLOAD_TOO_LARGE', `The file is larger than ${limit} bytes; import it with kessai recon import`, { limit });
    yield chunk;
  }
}

interface UploadQuery {
  channel: string;
  file_name?: string;
  side?: 'channel' | 'ours';
  mapping?: string;
}

export async function filesRoutes(app: FastifyInstance, ctx: ReconciliationContext): Promise<void> {
  // The upload is read as a stream by the import: no parser may buffer it (text/plain and JSON
  // parsers would), so in this scope every content type is left unread for the handler.
  await app.register(async (upload) => {
    upload.removeAllContentTypeParsers();
    upload.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
    upload.post<{ Querystring: UploadQuery }>(
      '/v1/reconciliation/files',
      {
        config: { scope: 'reconciliation:write' },
        schema: {
          tags,
          summary: 'Upload a settlement file (or, with side=ours, a shop’s order export) as the raw request body',
          description:
            'The body is the file exactly as downloaded (any content type; CSV, ZIP, gzip or XLSX). Its content must be the named channel’s format, whatever the file name says. ' +
            'The import is atomic: a line that cannot be read is answered with 422 naming its line and column, and nothing is kept. The same bytes imported twice are refused (409) naming the earlier import. ' +
            'With side=ours, the file is read through the saved mapping named by `mapping` into our side of the channel.',
          headers: idempotencyHeader,
          querystring: {
            type: 'object',
            required: ['channel'],
            additionalProperties: false,
            properties: {
              channel: channelSchema,
              file_name: { type: 'string', minLength: 1, maxLength: 255 },
              side: { type: 'string', enum: ['channel', 'ours'], default: 'channel' },
              mapping: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$', description: 'side=ours: the saved mapping of the export' },
            },
          },
          response: { 201: fileSchema, 413: errors[400], ...errors },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const declared = Number(request.headers['content-length'] ?? 0);
        if (declared > ctx.settings.maxUploadBytes) {
          throw new KessaiError('KS_ERR_PAYLOAD_TOO_LARGE', `The file is larger than ${ctx.settings.maxUploadBytes} bytes; import it with kessai recon import`, { limit: ctx.settings.maxUploadBytes });
        }
        const channel = parseChannel(q.channel);
        const common = { channel, fileName: q.file_name ?? 'upload', source: limitedBody(request, ctx.settings.maxUploadBytes), uploadedBy: actorLabel(actorOf(request)) };
        let view;
        if (q.side === 'ours') {
          if (!q.mapping) throw new KessaiError('KS_ERR_VALIDATION', 'side=ours needs mapping: the saved mapping that reads the export', { field: 'mapping' });
          view = await importOurTransactions(ctx, { ...common, mappingName: q.mapping });
        } else {
          view = await importSettlementFile(ctx, common);
        }
        return reply.status(201).send(view);
      },
    );
  });

  app.get<{ Querystring: { channel?: string; side?: 'channel' | 'ours'; limit: number; starting_after?: string } }>(
    '/v1/reconciliation/files',
    {
      config: { scope: 'reconciliation:read' },
      schema: {
        tags,
        summary: 'Imported files, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { channel: channelSchema, side: { type: 'string', enum: ['channel', 'ours'] }, ...pageQuery } },
        response: { 200: pageOf(fileSchema), ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      return listFiles(ctx, { limit: q.limit, ...(q.channel ? { channel: q.channel } : {}), ...(q.side ? { side: q.side } : {}), ...(q.starting_after ? { startingAfter: q.starting_after } : {}) });
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/reconciliation/files/:id',
    { config: { scope: 'reconciliation:read' }, schema: { tags, summary: 'An imported file: format, hash, line count, footer check and problems', params: idParams, response: { 200: fileSchema, ...errors } } },
    async (request) => getFile(ctx, request.params.id),
  );

  app.put<{ Params: { name: string }; Body: Omit<SavedMapping, 'name'> }>(
    '/v1/reconciliation/mappings/:name',
    {
      config: { scope: 'reconciliation:write' },
      schema: {
        tags,
        summary: 'Save the column mapping of a channel read by the generic parser (generic:NAME), or of our side’s export',
        description: 'The body is a GenericColumnMapping without its name (docs/settlement-formats.md), plus orderAmountColumn and orderStatusColumn for order exports. It is checked before it is saved (400 KS_ERR_SETTLEMENT_MAPPING_INVALID names the setting).',
        params: { type: 'object', required: ['name'], properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,39}$' } } },
        body: { type: 'object', required: ['columns', 'amountFormat', 'signConvention', 'dateFormat'], additionalProperties: true, properties: { columns: { type: 'object', additionalProperties: { type: 'string' } } } },
        response: { 200: mappingSchema, ...errors },
      },
    },
    async (request) => saveMapping(ctx, request.params.name, request.body, actorLabel(actorOf(request))),
  );
}
