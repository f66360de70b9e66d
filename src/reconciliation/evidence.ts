import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newId } from '../db/index.ts';
import { KessaiError } from '../errors/index.ts';
import { actorLabel, type Actor, type ReconciliationContext } from './context.ts';

export const MAX_EVIDENCE_BYTES = 20 * 1024 * 1024;

/** Where evidence files live; the disk by default, anything with these two calls otherwise. */
export interface EvidenceStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
}

export function diskEvidenceStorage(dir: string): EvidenceStorage {
  return {
    async put(key, bytes) {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${key}.${process.pid}.tmp`);
      await writeFile(temp, bytes);
      await rename(temp, join(dir, key));
    },
    async get(key) {
      try {
        return await readFile(join(dir, key));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}

/** The type by the file's first bytes, never by its name or the client's content type. */
export function imageTypeOf(bytes: Buffer): 'image/jpeg' | 'image/png' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  return null;
}

/** Attaches a JPEG or PNG (≤ 20 MB, checked by content) to a discrepancy, and logs it. */
export async function attachEvidence(ctx: ReconciliationContext, storage: EvidenceStorage, discrepancyId: string, fileName: string, bytes: Buffer, actor: Actor) {
  const type = imageTypeOf(bytes);
  if (!type || bytes.length > MAX_EVIDENCE_BYTES) {
    throw new KessaiError('KS_ERR_EVIDENCE_INVALID', type ? `The file is ${bytes.length} bytes; at most ${MAX_EVIDENCE_BYTES}` : 'The file is not a JPEG or PNG image (by its content)', { field: 'file' });
  }
  const discrepancy = await ctx.db.selectFrom('recon_discrepancies').select(['id', 'state']).where('id', '=', discrepancyId).executeTakeFirst();
  if (!discrepancy) throw new KessaiError('KS_ERR_DISCREPANCY_NOT_FOUND', `No discrepancy ${discrepancyId}`);
  const id = newId('evd');
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const key = `${id}${type === 'image/png' ? '.png' : '.jpg'}`;
  // The file first: a row never points at a file that is not there.
  await storage.put(key, bytes);
  const who = actorLabel(actor);
  const safeName = fileName.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 200) || key;
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('recon_discrepancy_evidence').values({ id, discrepancy_id: discrepancyId, file_name: safeName, content_type: type, size_bytes: bytes.length, sha256, storage_key: key, uploaded_by: who }).execute();
    await trx
      .insertInto('recon_discrepancy_actions')
      .values({ discrepancy_id: discrepancyId, action: 'evidence', from_state: discrepancy.state, to_state: discrepancy.state, actor: who, reason: null, details: JSON.stringify({ evidence_id: id, file_name: safeName, sha256, size_bytes: bytes.length }) })
      .execute();
  });
  return { id, discrepancy_id: discrepancyId, file_name: safeName, content_type: type, size_bytes: bytes.length, sha256 };
}

export async function discrepancyHistory(ctx: ReconciliationContext, discrepancyId: string) {
  const [actions, evidence] = await Promise.all([
    ctx.db.selectFrom('recon_discrepancy_actions').selectAll().where('discrepancy_id', '=', discrepancyId).orderBy('id').execute(),
    ctx.db.selectFrom('recon_discrepancy_evidence').selectAll().where('discrepancy_id', '=', discrepancyId).orderBy('uploaded_at').execute(),
  ]);
  return {
    actions: actions.map((a) => ({ action: a.action, from_state: a.from_state, to_state: a.to_state, actor: a.actor, reason: a.reason, details: a.details, at: a.at.toISOString() })),
    evidence: evidence.map((e) => ({ id: e.id, file_name: e.file_name, content_type: e.content_type, size_bytes: e.size_bytes, sha256: e.sha256, uploaded_by: e.uploaded_by, uploaded_at: e.uploaded_at.toISOString() })),
  };
}

export async function evidenceFile(ctx: ReconciliationContext, storage: EvidenceStorage, discrepancyId: string, evidenceId: string) {
  const row = await ctx.db.selectFrom('recon_discrepancy_evidence').selectAll().where('id', '=', evidenceId).where('discrepancy_id', '=', discrepancyId).executeTakeFirst();
  const bytes = row ? await storage.get(row.storage_key) : null;
  if (!row || !bytes) throw new KessaiError('KS_ERR_NOT_FOUND', `No evidence ${evidenceId} for ${discrepancyId}`);
  return { contentType: row.content_type, fileName: row.file_name, bytes };
}
