/**
 * Request plumbing shared by the fake Stripe's halves: Stripe's error shape, form-body decoding
 * (bracket notation, as the SDK and curl send it), parameter checks and the search language.
 */

export type Params = Record<string, unknown>;
type Json = Record<string, unknown>;

export class ApiError extends Error {
  readonly status: number;
  readonly body: Json;
  /** Stripe keeps no idempotent result for requests rejected before the endpoint ran. */
  readonly stored: boolean;
  constructor(status: number, error: Json, stored = true) {
    super(String(error.message));
    this.status = status;
    this.body = { error };
    this.stored = stored;
  }
}

export const invalid = (message: string, code?: string, param?: string, stored = true) =>
  new ApiError(400, { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) }, stored);
export const missing = (kind: string, id: string) => new ApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${kind}: '${id}'` });

export function allowOnly(params: Params, allowed: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!allowed.includes(key)) throw invalid(`Received unknown parameter: ${key}`, 'parameter_unknown', key, false);
  }
}

export function str(params: Params, name: string, required = false): string | undefined {
  const value = params[name];
  if (value === undefined) {
    if (required) throw invalid(`Missing required param: ${name}.`, 'parameter_missing', name, false);
    return undefined;
  }
  if (typeof value !== 'string') throw invalid(`Invalid string: ${name}`, 'parameter_invalid_string', name, false);
  return value;
}

export function int(params: Params, name: string, required = false): number | undefined {
  const text = str(params, name, required);
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text)) throw invalid(`Invalid integer: ${text}`, 'parameter_invalid_integer', name, false);
  return Number(text);
}

export function bool(params: Params, name: string): boolean | undefined {
  const text = str(params, name);
  if (text === undefined) return undefined;
  if (text !== 'true' && text !== 'false') throw invalid(`Invalid boolean: ${text}`, 'parameter_invalid_boolean', name, false);
  return text === 'true';
}

export function expandList(params: Params): string[] {
  const value = params.expand;
  return Array.isArray(value) ? value.map(String) : [];
}

export function metadataOf(params: Params): Record<string, string> {
  const value = params.metadata ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('Invalid metadata', 'parameter_invalid_object', 'metadata', false);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

/**
 * Decodes `application/x-www-form-urlencoded` with Stripe's bracket notation:
 * `metadata[k]=v`, `payment_method_options[card][x]=y`, `expand[0]=a` and `expand[]=a`.
 */
export function parseForm(text: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match) throw invalid(`Invalid parameter name: ${key}`, 'parameter_unknown', key, false);
    const path = [match[1]!, ...[...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!)];
    if (path.some((segment) => segment === '__proto__' || segment === 'constructor' || segment === 'prototype')) {
      throw invalid(`Received unknown parameter: ${key}`, 'parameter_unknown', key, false);
    }
    let node = root;
    path.forEach((segment, index) => {
      const name = segment === '' ? String(Object.keys(node).length) : segment;
      if (index === path.length - 1) {
        node[name] = value;
      } else {
        if (typeof node[name] !== 'object' || node[name] === null) node[name] = {};
        node = node[name] as Params;
      }
    });
  }
  return arraysFromIndexes(root) as Params;
}

function arraysFromIndexes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).map(([k, v]) => [k, arraysFromIndexes(v)] as const);
  if (entries.length > 0 && entries.every(([k]) => /^\d+$/.test(k))) {
    return entries.sort((a, b) => Number(a[0]) - Number(b[0])).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

/** Key order does not make two requests different; Stripe compares parameters, not bytes. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Params)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The subset of Stripe's search language we use: `field:'v'` and `metadata['k']:'v'`, joined by AND. */
export function parseSearchQuery(query: string): Array<{ field: string; value: string }> {
  const bad = () => invalid(`Invalid search query: ${query}`, 'parameter_invalid_string', 'query', false);
  const clauses: Array<{ field: string; value: string }> = [];
  let i = 0;
  const literal = (): string => {
    const quote = query[i];
    if (quote !== "'" && quote !== '"') throw bad();
    let out = '';
    for (i++; i < query.length && query[i] !== quote; i++) out += query[query[i] === '\\' ? ++i : i] ?? '';
    if (query[i++] !== quote) throw bad();
    return out;
  };
  for (;;) {
    let field: string;
    if (query.startsWith('metadata[', i)) {
      i += 'metadata['.length;
      field = `metadata.${literal()}`;
      if (query[i++] !== ']') throw bad();
    } else {
      field = /^(status|currency)/.exec(query.slice(i))?.[0] ?? '';
      if (!field) throw bad();
      i += field.length;
    }
    if (query[i++] !== ':') throw bad();
    clauses.push({ field, value: literal() });
    if (i === query.length) return clauses;
    if (!query.startsWith(' AND ', i)) throw bad();
    i += ' AND '.length;
  }
}
