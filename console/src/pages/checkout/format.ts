/** Display helpers for checkout runs and orders. */
import { useEffect, useState } from 'react';

/** What each step does (docs/checkout.md), for tooltips and the steps list. */
export const STEP_PURPOSE: Record<string, string> = {
  'validate-cart': 'The cart exists, has lines, a region, a shipping rule and a known provider',
  'reserve-stock': 'Every line’s units move from available to reserved, all or none',
  'compute-shipping': 'Prices the reserved cart: subtotal, shipping fee, total',
  'create-payment': 'Opens the order’s payment for the total (not authorized yet)',
  'authorize-payment': 'Authorizes the payment at the provider',
  'confirm-authorization': 'After a lost answer, asks the provider again',
  'place-order': 'Stock becomes sold; the order, its lines and history are written; the cart is closed',
  'send-confirmation': 'Mails the order confirmation, records it, marks the run completed',
  'cancel-payment': 'Compensation: cancels the order’s payment',
  'release-stock': 'Compensation: the reserved units go back to available',
  'record-failure': 'Compensation: the run is marked failed, with the step and the error',
  'flag-needs-attention': 'The run is marked as needing attention, with the step and the error',
  'notify-operations': 'Posts to the operations channel',
};

/** The run's forward steps in order (`confirm-authorization` runs only after a lost answer). */
export const MAIN_STEPS = [
  'validate-cart',
  'reserve-stock',
  'compute-shipping',
  'create-payment',
  'authorize-payment',
  'confirm-authorization',
  'place-order',
  'send-confirmation',
] as const;

/** "42 s", "3 min", "2 h 5 min", "3 d 4 h": how long something has been waiting. */
export function formatWaited(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '—';
  const seconds = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 1000));
  if (Number.isNaN(seconds)) return '—';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** "12 ms", "1.3 s", "2 min 4 s": how long a step took. */
export function formatDuration(fromIso: string | null, toIso: string | null): string {
  if (!fromIso || !toIso) return '';
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (Number.isNaN(ms) || ms < 0) return '';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The current time, refreshed every `everyMs`, for "waiting for" columns. */
export function useNow(everyMs = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), everyMs);
    return () => window.clearInterval(timer);
  }, [everyMs]);
  return now;
}

