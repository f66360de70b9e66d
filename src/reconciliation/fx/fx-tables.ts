import type { Generated, Selectable } from 'kysely';
import type { SharedTables } from '../../db/index.ts';

export const FX_SOURCES = ['file', 'http', 'manual'] as const;
export type FxSource = (typeof FX_SOURCES)[number];

export interface FxRatesTable {
  rate_date: string;
  base: string;
  quote: string;
  /** numeric: an exact decimal string. */
  rate: string;
  source: FxSource;
  note: string | null;
  loaded_by: string;
  loaded_at: Generated<Date>;
}

export interface FxTables extends SharedTables {
  fx_rates: FxRatesTable;
  fx_rates_effective: FxRatesTable;
}

export type FxRateRow = Selectable<FxRatesTable>;
