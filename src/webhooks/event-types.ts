/**
 * Which events an endpoint receives: exact types (`payment.captured`), prefixes ending in `.*`
 * (`payment.*` is every `payment.…` event) or `*` (everything).
 */
export const EVENT_TYPE_PATTERN = '^(\\*|[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*(\\.\\*)?)$';

export function matchesEventType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))));
}

/** Sorted, without duplicates; `*` alone if present. */
export function normalizeEventTypes(patterns: readonly string[]): string[] {
  if (patterns.includes('*')) return ['*'];
  return [...new Set(patterns)].sort();
}
