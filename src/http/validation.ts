import type { FastifyInstance } from 'fastify';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';

// ajv-formats is CommonJS: under ESM its function is the module's default export.
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

/**
 * Bodies are validated strictly (no type coercion, unknown fields rejected by the schemas'
 * `additionalProperties: false`); query strings and path parameters are coerced from text.
 */
export function installValidation(app: FastifyInstance): void {
  const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
  const bodyAjv = new Ajv({ ...common, coerceTypes: false });
  const textAjv = new Ajv({ ...common, coerceTypes: 'array' });
  for (const ajv of [bodyAjv, textAjv]) {
    ajv.addKeyword({ keyword: 'example' });
    addFormats(ajv);
  }
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema));
}
