/** Display helpers for dates and identifiers. Times are shown in the browser's time zone. */

const dateTimeParts = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `2026-11-22 12:06:22` in the browser's time zone: unambiguous for teams across countries. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part: Record<string, string> = {};
  for (const p of dateTimeParts.formatToParts(d)) part[p.type] = p.value;
  return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}:${part.second}`;
}

/** `2026-11-22 12:06` — for dense tables; the exact time goes in a tooltip. */
export function formatDateTimeShort(iso: string | null | undefined): string {
  const full = formatDateTime(iso);
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(full) ? full.slice(0, 16) : full;
}

/** "3 min ago", "2 h ago", "5 d ago" — for glanceable recency next to an exact time. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} d ago`;
}

/** `partially_captured` → `Partially captured`. */
export function humanize(value: string): string {
  const words = value.replaceAll('_', ' ').replaceAll('.', ' · ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
