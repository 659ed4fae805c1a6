/**
 * Storage of the 消防 stand-in system: a folder of daily CSV exports (env.dataDir/fire-drops).
 * reset (create + empty), seed (world items → one export per table per day of updatedAt, China time,
 * dirt planted as this exporter would produce it) and touch (a correction: the changed row again,
 * with a newer 更新时间, in a new export that sorts after every existing one; latest wins).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { EnterpriseRef } from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { dirtyRef, fnv1a, type RefStyle } from '../kit/dirt.js';
import type { SimulatorEnv } from '../types.js';
import { encodingOfDay, exportName, listExports, readExport, writeExport, type ExportName } from './files.js';
import {
  FIELD_CELLS,
  ID_HEADER,
  UPDATED_HEADER,
  exportDay,
  fromLocalTimestamp,
  renderCells,
  rowOf,
  tableOfKind,
  toLocalTimestamp,
  type Cells,
  type Table,
  type TablePrefix,
} from './mapping.js';

export const dropFolder = (env: SimulatorEnv): string => path.resolve(env.dataDir, 'fire-drops');

export async function reset(env: SimulatorEnv): Promise<void> {
  const folder = dropFolder(env);
  await fsp.mkdir(folder, { recursive: true });
  for (const e of await fsp.readdir(folder)) await fsp.rm(path.join(folder, e), { recursive: true, force: true });
}

// ---------------------------------------------------------------- rendering world items as rows

/** The unit as this row carries it: dirt decides whether only the org code or only the name is kept (empty cells for the rest). */
function refCells(ref: EnterpriseRef | null | undefined, style: RefStyle): Cells | null {
  const dirty = dirtyRef(ref, style);
  if (!dirty) return null; // as the record has it
  const [cc, oc, name] = dirty;
  return { 单位名称: name ?? '', 统一社会信用代码: cc ?? '', 组织机构代码: oc ?? '' };
}

/** Per table: the main date column, the free-text column a stray comma splits, and a label typed wrong. */
const BREAKAGE: Record<TablePrefix, { date: string; text: string; bad: [string, string] }> = {
  jdjc: { date: '检查日期', text: '检查类型', bad: ['检查结果', '待复查'] },
  xzcf: { date: '决定日期', text: '违法事实', bad: ['处罚种类', ''] },
  hzsg: { date: '起火日期', text: '火灾概况', bad: ['事故等级', '特大'] },
  sxmd: { date: '列入日期', text: '列入事由', bad: ['认定文书编号', ''] },
};

/** Breakage natural to a spreadsheet-made export: an Excel day number, a stray comma, a wrong label. */
function breakRow(table: Table, cells: Cells, variant: number): string[] {
  const b = BREAKAGE[table.prefix];
  if (variant === 0) return rowOf(table, { ...cells, [b.date]: '45413' });
  if (variant === 2) return rowOf(table, { ...cells, [b.bad[0]]: b.bad[1] });
  const row = rowOf(table, cells);
  const i = table.headers.findIndex((h) => h === b.text);
  const v = row[i] ?? '';
  row.splice(i, 1, v.slice(0, Math.ceil(v.length / 2)), v.slice(Math.ceil(v.length / 2)));
  return row;
}

interface Rendered {
  table: Table;
  day: string;
  id: string;
  updatedAt: string;
  row: string[];
}

function render(item: WorldItem): Rendered | null {
  const table = tableOfKind(item.record.kind);
  if (!table) return null; // not held by 消防
  if (item.record.kind === 'list_entry' && item.record.list !== 'FIRE_DISHONEST') return null;
  const cells: Cells = {
    ...renderCells(table, item.record),
    [ID_HEADER]: item.sourceRecordId,
    [UPDATED_HEADER]: toLocalTimestamp(item.updatedAt),
  };
  const ref = refCells('enterprise' in item.record ? item.record.enterprise : null, item.dirt?.refStyle);
  if (ref) Object.assign(cells, ref);
  const row = item.dirt?.malformed ? breakRow(table, cells, fnv1a(item.sourceRecordId) % 3) : rowOf(table, cells);
  return { table, day: exportDay(item.updatedAt), id: item.sourceRecordId, updatedAt: item.updatedAt, row };
}

/** Next free sequence for a (table, day) export in the folder (0 = the plain daily name). */
function nextSeq(existing: readonly ExportName[], table: Table, day: string): number {
  const taken = existing.filter((e) => e.table === table && e.day === day).map((e) => e.seq);
  return taken.length ? Math.max(...taken) + 1 : 0;
}

export async function seed(env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> {
  const folder = dropFolder(env);
  await fsp.mkdir(folder, { recursive: true });
  const groups = new Map<string, Rendered[]>();
  for await (const chunk of items) {
    for (const item of chunk) {
      const r = render(item);
      if (!r) continue;
      const key = `${r.table.prefix}_${r.day}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(r);
    }
  }
  const existing = await listExports(folder);
  let written = 0;
  for (const rows of groups.values()) {
    const { table, day } = rows[0]!;
    rows.sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    await writeExport(
      folder,
      exportName(table, day, nextSeq(existing, table, day)),
      table,
      rows.map((r) => r.row),
      encodingOfDay(day),
    );
    written += rows.length;
  }
  return { written };
}

// ---------------------------------------------------------------- touch

export async function touch(env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> {
  const folder = dropFolder(env);
  const files = await listExports(folder);
  let found: { table: Table; header: string[]; fields: string[] } | null = null;
  for (const file of files) {
    const content = await readExport(folder, file, { keep: (fields, header) => fields[header.indexOf(ID_HEADER)] === sourceRecordId });
    const last = content.rows.at(-1);
    if (last) found = { table: file.table, header: content.header, fields: last.fields }; // later exports win
  }
  if (!found) throw new Error(`fire touch: no record '${sourceRecordId}'`);
  const { table, header, fields } = found;

  const cells: Cells = Object.fromEntries(header.map((h, i) => [h, fields[i] ?? '']));
  for (const [field, value] of Object.entries(change)) {
    const setter = FIELD_CELLS[table.prefix][field] as ((v: unknown) => Cells) | undefined;
    if (!setter) throw new Error(`fire touch: field '${field}' cannot be changed on ${table.title} (${table.prefix})`);
    Object.assign(cells, setter(value));
  }
  const before = Date.parse(fromLocalTimestamp(cells[UPDATED_HEADER] ?? '') ?? '') || 0;
  const now = new Date(Math.max(Date.now(), before + 1000)).toISOString();
  cells[UPDATED_HEADER] = toLocalTimestamp(now);

  // the correction goes into an export that sorts after every one already there
  const newest = files.at(-1);
  const today = exportDay(now);
  const day = newest && newest.day > today ? newest.day : today;
  const seq = newest && newest.day === day ? Math.max(...files.filter((f) => f.day === day).map((f) => f.seq)) + 1 : 0;
  await writeExport(folder, exportName(table, day, seq), table, [rowOf(table, cells)], encodingOfDay(day));
}
