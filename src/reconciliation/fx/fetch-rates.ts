import { KessaiError } from '../../errors/index.ts';
import { SYSTEM } from '../../events/index.ts';
import { loadRates, type FxContext } from './fx-rates.ts';
import { parseRatesCsv } from './parse-rates-csv.ts';

/**
 * The configurable HTTP source (`KESSAI_FX_RATES_URL`): a GET answering the same CSV as a file
 * upload (date,base,quote,rate). `{date}` in the URL is replaced by the day asked for.
 */
export async function fetchRates(ctx: FxContext, urlTemplate: string, day: string, timeoutMs = 10_000) {
  const url = urlTemplate.replaceAll('{date}', day);
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/csv' } });
  if (!res.ok) throw new KessaiError('KS_ERR_FX_SOURCE_UNAVAILABLE', `The FX rates source answered ${res.status}`, { url, status: res.status });
  const text = await res.text();
  if (text.length > 5 * 1024 * 1024) throw new KessaiError('KS_ERR_FX_SOURCE_UNAVAILABLE', 'The FX rates source answered more than 5 MB', { url });
  return loadRates(ctx, parseRatesCsv(text), 'http', SYSTEM);
}
