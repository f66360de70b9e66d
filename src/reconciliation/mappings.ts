import { KessaiError } from '../errors/index.ts';
import { validateMapping, type GenericColumnMapping } from './parsers/index.ts';
import type { ReconciliationContext } from './context.ts';

/**
 * A saved mapping: the generic parser's column mapping, plus, for our side's order exports, the
 * columns holding the order total and the order's status (read from the line's cells).
 */
export interface SavedMapping extends GenericColumnMapping {
  orderAmountColumn?: string;
  orderStatusColumn?: string;
}

export interface MappingView {
  object: 'reconciliation_mapping';
  name: string;
  mapping: SavedMapping;
  updated_by: string;
  updated_at: string;
}

/** Creates or replaces a mapping after checking it as the parser will read it. */
export async function saveMapping(ctx: ReconciliationContext, name: string, mapping: Omit<SavedMapping, 'name'>, updatedBy: string): Promise<MappingView> {
  const full = { ...mapping, name } as SavedMapping;
  validateMapping(full);
  for (const key of ['orderAmountColumn', 'orderStatusColumn'] as const) {
    const v = full[key];
    if (v !== undefined && (typeof v !== 'string' || v.trim() === '')) throw new KessaiError('KS_ERR_SETTLEMENT_MAPPING_INVALID', `${key} must name a header`, { field: key });
  }
  const row = await ctx.db
    .insertInto('recon_mappings')
    .values({ name, mapping: JSON.stringify(full), updated_by: updatedBy })
    .onConflict((oc) => oc.column('name').doUpdateSet({ mapping: JSON.stringify(full), updated_by: updatedBy, updated_at: new Date() }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { object: 'reconciliation_mapping', name: row.name, mapping: row.mapping as unknown as SavedMapping, updated_by: row.updated_by, updated_at: row.updated_at.toISOString() };
}

export async function loadMapping(ctx: ReconciliationContext, name: string): Promise<SavedMapping> {
  const row = await ctx.db.selectFrom('recon_mappings').select('mapping').where('name', '=', name).executeTakeFirst();
  if (!row) throw new KessaiError('KS_ERR_RECONCILIATION_MAPPING_NOT_FOUND', `No saved mapping ${name}: save one with PUT /v1/reconciliation/mappings/${name}`, { field: 'mapping', mapping: name });
  return row.mapping as unknown as SavedMapping;
}
