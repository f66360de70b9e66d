import type { RouteOptions } from 'fastify';

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A request method that changes state. */
export const isMutatingMethod = (method: string): boolean => MUTATING.has(method);

/** A route that changes state: a mutating method, and not marked `readOnly`. */
export function isMutatingRoute(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods.some(isMutatingMethod) && !(route.config as { readOnly?: boolean } | undefined)?.readOnly;
}

/** A route's own hooks of one kind, as a list (Fastify takes one function or several). */
export function asArray<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}
