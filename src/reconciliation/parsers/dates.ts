import { malformed, type FilePosition } from './file-errors.ts';

// 2019-02-19 05:01:46, 2026/01/06 00:00:30 -0800, 2014-05-12 16：46：14 (full-width colons in
// WeChat's 2014 example), 2023-10-02 07:48, 2025-01-02, 2026-01-30T10:11:12Z.
const DATE_TIME = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?(?:\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;

export interface FileDateTime {
  /** `YYYY-MM-DDTHH:MM:SS` plus the offset when known; null when the cell has a date only. */
  time: string | null;
  /** `YYYY-MM-DD` as printed, in the file's own time zone. */
  date: string;
}

const two = (n: string) => n.padStart(2, '0');

function offsetText(raw: string): string {
  if (raw === 'Z') return 'Z';
  const digits = raw.replace(':', '');
  return `${digits.slice(0, 3)}:${digits.slice(3)}`;
}

/** The last cell read: files list many lines of one day or second, so most cells repeat it. */
let last: { text: string; offset: string | null; value: FileDateTime } | null = null;

/**
 * A date-time cell normalised to ISO 8601. `defaultOffset` is the zone the format is known to use
 * when the cell states none (`+08:00` for WeChat Pay and Alipay, which print Beijing time).
 */
export function dateTimeAt(text: string, at: FilePosition, defaultOffset: string | null = null): FileDateTime {
  if (last !== null && last.text === text && last.offset === defaultOffset) return last.value;
  const value = readDateTime(text, at, defaultOffset);
  last = { text, offset: defaultOffset, value };
  return value;
}

function readDateTime(text: string, at: FilePosition, defaultOffset: string | null): FileDateTime {
  const m = DATE_TIME.exec(text.trim());
  const bad = () => malformed(at, `not a date-time: ${JSON.stringify(text)}`, { expected: 'YYYY-MM-DD HH:MM:SS', actual: text });
  if (!m) throw bad();
  const [, y, mo, d, h, mi, s, zone] = m;
  const date = `${y}-${two(mo!)}-${two(d!)}`;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(Number(y), month, 0)).getUTCDate()) throw bad();
  if (h === undefined) return { time: null, date };
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? '0') > 59) throw bad();
  const offset = zone ? offsetText(zone) : (defaultOffset ?? '');
  return { time: `${date}T${two(h)}:${mi}:${s ?? '00'}${offset}`, date };
}

export function optionalDateTimeAt(text: string, at: FilePosition, defaultOffset: string | null = null): FileDateTime | null {
  return text === '' ? null : dateTimeAt(text, at, defaultOffset);
}

/** Unambiguous zone abbreviations (Adyen's TimeZone column); others leave the time without offset. */
const ZONE_OFFSETS: Readonly<Record<string, string>> = {
  UTC: '+00:00', GMT: '+00:00', WET: '+00:00', WEST: '+01:00', CET: '+01:00', CEST: '+02:00', EET: '+02:00', EEST: '+03:00',
  PST: '-08:00', PDT: '-07:00', MST: '-07:00', MDT: '-06:00', EST: '-05:00', EDT: '-04:00', HST: '-10:00',
  AKST: '-09:00', AKDT: '-08:00', JST: '+09:00', KST: '+09:00', HKT: '+08:00', SGT: '+08:00', AEST: '+10:00', AEDT: '+11:00',
};

export function zoneOffset(abbreviation: string): string | null {
  return ZONE_OFFSETS[abbreviation.trim().toUpperCase()] ?? null;
}
