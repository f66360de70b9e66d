import ExcelJS from 'exceljs';
import { LIABILITY_FIGURES, yenOf, type LiabilityReport, type RollForward } from './liability-report.ts';

const HEADER = [
  'campaign_id',
  'campaign_name',
  'funding_party',
  ...LIABILITY_FIGURES.map((f) => `${f}_points`),
  ...LIABILITY_FIGURES.map((f) => `${f}_yen`),
];

function cells(campaignId: string, name: string, party: string, p: RollForward, value: string): string[] {
  return [campaignId, name, party, ...LIABILITY_FIGURES.map((f) => p[f].toString()), ...LIABILITY_FIGURES.map((f) => yenOf(p[f], value))];
}

/** Lines per campaign and funding party, then one line per funding party (`*`), then the total. */
function table(r: LiabilityReport): string[][] {
  return [
    ...r.lines.map((l) => cells(l.campaignId, l.campaignName, l.fundingParty, l.points, r.pointValueYen)),
    ...r.byFundingParty.map((p) => cells('*', '', p.fundingParty, p.points, r.pointValueYen)),
    cells('*', 'TOTAL', '*', r.total, r.pointValueYen),
  ];
}

/** Quoted when needed; a text that a spreadsheet would take for a formula gets a leading quote. */
function csvCell(v: string): string {
  const text = /^[=+@]/.test(v) || (v.startsWith('-') && !/^-\d/.test(v)) ? `'${v}` : v;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 with CRLF line ends: a header line, then the lines of `table`. */
export function liabilityCsv(r: LiabilityReport): string {
  return [HEADER, ...table(r)].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** One sheet, numbers as numbers (points are whole; yen exact to the point value's decimals). */
export async function liabilityXlsx(r: LiabilityReport): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('liability');
  ws.addRow([`Points liability ${r.from.toISOString()} – ${r.to.toISOString()}, 1 point = ${r.pointValueYen} JPY`]);
  ws.addRow(HEADER);
  for (const row of table(r)) ws.addRow(row.map((v, i) => (i >= 3 ? Number(v) : v)));
  return Buffer.from(await wb.xlsx.writeBuffer());
}
