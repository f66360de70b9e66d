import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOG, KessaiError, type ErrorCode } from '../errors/index.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; [key: string]: unknown };
}

/** `/lines/2/sku` → `lines[2].sku` */
function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

function fromValidation(err: FastifyError & { validation: AjvError[]; validationContext?: string }): KessaiError {
  const first = err.validation[0]!;
  const where = err.validationContext ?? 'body';
  if (first.keyword === 'additionalProperties') {
    const field = fieldPath(first.instancePath, String(first.params.additionalProperty));
    return new KessaiError('KS_ERR_UNKNOWN_FIELD', `Unknown field in ${where}: ${field}`, { field, in: where });
  }
  const field =
    first.keyword === 'required'
      ? fieldPath(first.instancePath, String(first.params.missingProperty))
      : fieldPath(first.instancePath);
  const what = first.keyword === 'required' ? 'is required' : (first.message ?? 'is not valid');
  return new KessaiError('KS_ERR_VALIDATION', `${field || where} ${what}`, { field: field || where, in: where });
}

function toKessaiError(err: unknown): KessaiError {
  if (err instanceof KessaiError) return err;
  const e = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(e.validation)) return fromValidation(e as FastifyError & { validation: AjvError[] });
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new KessaiError('KS_ERR_UNSUPPORTED_MEDIA_TYPE', e.message);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new KessaiError('KS_ERR_PAYLOAD_TOO_LARGE', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new KessaiError('KS_ERR_MALFORMED_JSON', e.message);
  }
  if (e instanceof SyntaxError || e.statusCode === 400) return new KessaiError('KS_ERR_MALFORMED_JSON', e.message);
  if (e.statusCode === 429) return new KessaiError('KS_ERR_RATE_LIMITED');
  if (e.statusCode === 413) return new KessaiError('KS_ERR_PAYLOAD_TOO_LARGE');
  if (e.statusCode === 415) return new KessaiError('KS_ERR_UNSUPPORTED_MEDIA_TYPE');
  return new KessaiError('KS_ERR_INTERNAL');
}

export function errorBody(err: KessaiError, requestId: string): ErrorBody {
  return { error: { code: err.code, message: err.message, ...err.details, request_id: requestId } };
}

export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const ke = toKessaiError(err);
    if (ke.status >= 500) request.log.error({ err }, 'request failed');
    else request.log.info({ code: ke.code, message: ke.message }, 'request rejected');
    return reply.status(ke.status).send(errorBody(ke, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    const ke = new KessaiError('KS_ERR_NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    return reply.status(404).send(errorBody(ke, request.id));
  });
}

/** JSON schema of the error body, for OpenAPI. */
export const errorResponseSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CATALOG) },
        message: { type: 'string' },
        request_id: { type: 'string' },
        field: { type: 'string' },
      },
      additionalProperties: true,
    },
  },
} as const;
