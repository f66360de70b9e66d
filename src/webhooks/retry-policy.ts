/** No wait between attempts is longer than a day, whatever the base and attempt count. */
export const MAX_RETRY_DELAY_MS = 24 * 3600 * 1000;

/**
 * The wait after the n-th failed attempt: `baseDelayMs × 2^(n-1)`, capped, then spread ±25% so
 * that deliveries failing together (an endpoint down) do not all come back at the same moment.
 */
export function retryDelayMs(baseDelayMs: number, attempts: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** Math.max(0, attempts - 1));
  return Math.max(1, Math.round(exponential * (0.75 + 0.5 * random())));
}
