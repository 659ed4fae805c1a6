/**
 * Storage of the 住房城乡建设 stand-in: schema `sim_housing` in the departments database, laid out as
 * the legacy 建筑市场监管公共服务平台 (tables T_*, dictionaries T_DM_*, soft delete SFYX, GXSJ in
 * Beijing time), plus the exchange views V_GX_* its read-only login may see. reset (create + empty),
 * seed (world items → rows, dirt planted) and touch (change one row in place, bump GXSJ).
 */
import type pg from 'pg';
import type { CanonicalRecord, CredentialRecord, EnterpriseRef } from '../../src/domain/canonical.js';
import type { WorldItem } from '../../src/generator/world.js';
import { fnv1a, refValues, type RefStyle } from '../kit/dirt.js';
import { bulkLoad, TableWriter, touchRow, withClient, type SqlValue as Value } from '../kit/sql-tables.js';
import type { SimulatorEnv } from '../types.js';
import {
  CLOSED_DICTIONARIES,
  codeOf,
  DICTIONARIES,
  GCGM,
  GWLX,
  HTLX,
  instantToGxsj,
  normSql,
  OPEN_DICTIONARIES,
  READER_PASSWORD,
  READER_ROLE,
  refCols,
  SCHEMA,
  TABLE,
  TABLES,
  viewOf,
  XKZLX,
  ZSZT,
  ZTLX,
  type ColumnType,
  type OpenDictionary,
  type TableName,
  type TableSpec,
} from './mapping.js';

/** the fault switch the exchange views read (故障开关); the simulator flips it */
export const FAULT_TABLE = `${SCHEMA}.t_sys_gzkg`;

const SQL_TYPE: Record<ColumnType, string> = {
  text: 'text',
  code: 'varchar(8)',
  date: 'date',
  money: 'numeric(18,4)',
  flag: 'char(1)',
  key: 'text',
};
/** What a column shows while the malformed fault is on; keys stay intact so lookups and paging still work. */
const GARBAGE: Record<ColumnType, string | null> = {
  text: `repeat(chr(65533), 2)`,
  code: `'??'::varchar`,
  date: `NULL::date`,
  money: `NULL::numeric`,
  flag: `'?'::char(1)`,
  key: null,
};
export const columnsOf = (t: TableSpec): string[] => ['id', ...Object.keys(t.columns), 'sfyx', 'gxsj'];

function tableDdl(t: TableSpec): string {
  const cols = Object.entries(t.columns).map(([c, type]) => `${c} ${SQL_TYPE[type]}`);
  const idx = [`CREATE INDEX IF NOT EXISTS ${t.table}_gxsj ON ${SCHEMA}.${t.table} (gxsj, id)`];
  for (const r of t.refs) {
    const [cc, oc, mc] = refCols(r);
    idx.push(`CREATE INDEX IF NOT EXISTS ${t.table}_${cc} ON ${SCHEMA}.${t.table} (${cc})`);
    idx.push(`CREATE INDEX IF NOT EXISTS ${t.table}_${oc} ON ${SCHEMA}.${t.table} (${oc})`);
    idx.push(`CREATE INDEX IF NOT EXISTS ${t.table}_${mc}_norm ON ${SCHEMA}.${t.table} ((${normSql(mc)}))`);
  }
  for (const c of new Set([...t.idColumns, ...('sfzh' in t.columns ? ['sfzh'] : [])])) {
    idx.push(`CREATE INDEX IF NOT EXISTS ${t.table}_${c} ON ${SCHEMA}.${t.table} (${c})`);
  }
  const view = Object.entries(t.columns).map(([c, type]) =>
    GARBAGE[type] ? `CASE WHEN g.luanma THEN ${GARBAGE[type]} ELSE t.${c} END AS ${c}` : `t.${c}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${t.table} (
    id varchar(64) COLLATE "C" PRIMARY KEY, ${cols.join(', ')},
    sfyx char(1) NOT NULL DEFAULT '1', gxsj timestamp(6) NOT NULL);
  ${idx.join(';\n  ')};
  CREATE OR REPLACE VIEW ${viewOf(t.table)} AS
    SELECT t.id, ${view.join(', ')}, t.sfyx, t.gxsj
    FROM ${SCHEMA}.${t.table} t
    CROSS JOIN (SELECT coalesce(bool_or(kg = '1'), false) AS luanma FROM ${FAULT_TABLE} WHERE gzlx = 'malformed') g;`;
}

const DDL = `
CREATE SCHEMA IF NOT EXISTS ${SCHEMA};
CREATE TABLE IF NOT EXISTS ${FAULT_TABLE} (gzlx text PRIMARY KEY, kg char(1) NOT NULL DEFAULT '0');
${DICTIONARIES.map((d) => `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${d} (dm varchar(8) PRIMARY KEY, mc text NOT NULL UNIQUE);`).join('\n')}
${TABLES.map(tableDdl).join('\n')}
`;

/** The read-only login of the exchange views. A role is cluster-wide: created once, raced safely. */
async function ensureReader(c: pg.Client): Promise<void> {
  await c.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}') THEN
        CREATE ROLE ${READER_ROLE} LOGIN PASSWORD '${READER_PASSWORD}';
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;
    END $$`);
  const { rowCount } = await c.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [READER_ROLE]);
  if (!rowCount) return; // no CREATEROLE here: the simulator hands out the owner's login instead
  await c.query(`GRANT USAGE ON SCHEMA ${SCHEMA} TO ${READER_ROLE}`);
  const objects = [...TABLES.map((t) => viewOf(t.table)), ...DICTIONARIES.map((d) => `${SCHEMA}.${d}`)];
  await c.query(`GRANT SELECT ON ${objects.join(', ')} TO ${READER_ROLE}`);
}

export async function reset(env: SimulatorEnv): Promise<void> {
  await withClient(env.departmentsDatabaseUrl, async (c) => {
    await c.query(DDL);
    await c.query(`TRUNCATE ${[...TABLES.map((t) => t.table), ...DICTIONARIES, 't_sys_gzkg'].map((t) => `${SCHEMA}.${t}`).join(', ')}`);
    await c.query(`INSERT INTO ${FAULT_TABLE} (gzlx, kg) VALUES ('malformed', '0')`);
    for (const [dict, entries] of Object.entries(CLOSED_DICTIONARIES)) {
      const rows = Object.entries(entries).map(([dm, [mc]]) => [dm, mc]);
      await c.query(`INSERT INTO ${SCHEMA}.${dict} (dm, mc) SELECT * FROM unnest($1::text[], $2::text[])`, [
        rows.map((r) => r[0]),
        rows.map((r) => r[1]),
      ]);
    }
    for (const [dict, labels] of Object.entries(OPEN_DICTIONARIES)) {
      await c.query(
        `INSERT INTO ${SCHEMA}.${dict} (dm, mc) SELECT lpad(n::text, 2, '0'), mc FROM unnest($1::text[]) WITH ORDINALITY AS u(mc, n)`,
        [labels],
      );
    }
    await ensureReader(c);
  });
}

// ---------------------------------------------------------------- open dictionaries

/** Codes of the open dictionaries; a label not seen before gets the next code (written before the rows). */
class Dictionaries {
  private readonly byLabel = new Map<OpenDictionary, Map<string, string>>();
  private pending: [OpenDictionary, string, string][] = [];

  static async load(c: pg.Client): Promise<Dictionaries> {
    const d = new Dictionaries();
    for (const dict of Object.keys(OPEN_DICTIONARIES) as OpenDictionary[]) {
      const { rows } = await c.query<{ dm: string; mc: string }>(`SELECT dm, mc FROM ${SCHEMA}.${dict}`);
      d.byLabel.set(dict, new Map(rows.map((r) => [r.mc, r.dm])));
    }
    return d;
  }

  code(dict: OpenDictionary, label: string | null | undefined): string | null {
    if (label == null) return null;
    const m = this.byLabel.get(dict)!;
    let dm = m.get(label);
    if (!dm) {
      dm = String(m.size + 1).padStart(2, '0');
      m.set(label, dm);
      this.pending.push([dict, dm, label]);
    }
    return dm;
  }

  async flush(c: pg.Client): Promise<void> {
    for (const [dict, dm, mc] of this.pending) await c.query(`INSERT INTO ${SCHEMA}.${dict} (dm, mc) VALUES ($1, $2)`, [dm, mc]);
    this.pending = [];
  }
}

// ---------------------------------------------------------------- canonical fields → columns

type Cols = Record<string, Value>;
/** canonical field → the columns it is stored in */
type FieldMap = Record<string, (v: unknown, d: Dictionaries, style: RefStyle) => Cols>;

/** Names typed into this platform's old forms got an ideographic space; an org-code-only reference needs a code to keep. */
const DIRT = { gap: '\u3000', orgCodeNeedsACode: true };

const put =
  (column: string) =>
  (v: unknown): Cols => ({ [column]: v == null ? null : (v as Value) });
const flagOf =
  (column: string) =>
  (v: unknown): Cols => ({ [column]: v ? '1' : '0' });
const open =
  (column: string, dict: OpenDictionary) =>
  (v: unknown, d: Dictionaries): Cols => ({ [column]: d.code(dict, v as string | null) });
const closed =
  <T extends string>(column: string, dict: Readonly<Record<string, [string, T]>>) =>
  (v: unknown): Cols => ({ [column]: codeOf(dict, v as T) });
const refTo =
  (t: TableName, i = 0) =>
  (v: unknown, _d: Dictionaries, style: RefStyle): Cols => {
    const cols = refCols(TABLE[t].refs[i]!);
    const vals = refValues(v as EnterpriseRef | null, style, DIRT);
    return Object.fromEntries(cols.map((c, k) => [c, vals[k]!]));
  };
const status = closed('zszt', ZSZT);

const FIELDS: Record<TableName, FieldMap> = {
  t_qy_zz: {
    number: put('zzzsh'),
    enterprise: refTo('t_qy_zz'),
    category: open('zzlb', 't_dm_zzlb'),
    scope: open('zzxl', 't_dm_zzxl'),
    grade: open('zzdj', 't_dm_zzdj'),
    validFrom: put('fzrq'),
    validTo: put('yxqz'),
    status,
  },
  t_qy_xkz: {
    credentialKind: closed('xkzlx', XKZLX),
    number: put('xkzh'),
    enterprise: refTo('t_qy_xkz'),
    category: put('xklb'),
    scope: put('xkfw'),
    validFrom: put('fzrq'),
    validTo: put('yxqz'),
    status,
  },
  t_ry_jbxx: { idNumber: put('sfzh'), name: put('xm'), phone: put('lxdh') },
  t_ry_zc: {
    number: put('zczsh'),
    idNumber: put('sfzh'),
    category: open('zclb', 't_dm_zclb'),
    scope: open('zczy', 't_dm_zczy'),
    registeredEnterprise: refTo('t_ry_zc'),
    validFrom: put('zcrq'),
    validTo: put('yxqz'),
    status,
  },
  t_ry_aqkh: {
    number: put('zsbh'),
    idNumber: put('sfzh'),
    category: open('khlb', 't_dm_khlb'),
    registeredEnterprise: refTo('t_ry_aqkh'),
    validFrom: put('fzrq'),
    validTo: put('yxqz'),
    status,
  },
  t_ry_gw: {
    enterprise: refTo('t_ry_gw'),
    idNumber: put('sfzh'),
    personName: put('xm'),
    role: closed('gwlx', GWLX),
    since: put('rzrq'),
    until: put('lzrq'),
  },
  t_xm: {
    projectCode: put('xmbh'),
    name: put('xmmc'),
    builder: refTo('t_xm'),
    constructionPermit: put('sgxkzh'),
    scale: closed('gcgm', GCGM),
    requiredCategory: open('zzlb', 't_dm_zzlb'),
    requiredSequence: open('zzxl', 't_dm_zzxl'),
    divisionCode: put('xzqhdm'),
    startDate: put('kgrq'),
    investment: put('ztz'),
  },
  t_ht: {
    contractNumber: put('htbh'),
    projectCode: put('xmbh'),
    parentContractNumber: put('sjhtbh'),
    contractKind: closed('htlx', HTLX),
    employer: refTo('t_ht', 0),
    contractor: refTo('t_ht', 1),
    scope: put('cbfw'),
    value: put('htje'),
    coversMainStructure: flagOf('sfhztjg'),
    coversAllWork: flagOf('sfqbfb'),
    safetyAgreementSigned: flagOf('sfqdaqxy'),
    projectManagerIdNumber: put('xmjlsfzh'),
    signedOn: put('qdrq'),
  },
  t_hmd: {
    subjectType: closed('ztlx', ZTLX),
    enterprise: refTo('t_hmd'),
    idNumber: put('sfzh'),
    personName: put('xm'),
    reason: put('lryy'),
    legalBasis: put('rdyj'),
    decisionNumber: put('jdwh'),
    startDate: put('lrrq'),
    endDate: put('jzrq'),
    removedDate: put('ycrq'),
  },
};
/** fields every record of a table has that are not stored (implied by the table) */
const IMPLIED = new Set(['kind', 'credentialKind', 'issuerDepartment', 'list']);

const CREDENTIAL_TABLE: Partial<Record<CredentialRecord['credentialKind'], TableName>> = {
  CONSTRUCTION_QUALIFICATION: 't_qy_zz',
  CONSTRUCTION_SAFETY_LICENCE: 't_qy_xkz',
  GAS_OPERATION_LICENCE: 't_qy_xkz',
  REGISTERED_CONSTRUCTOR: 't_ry_zc',
  SAFETY_CERTIFICATE_ABC: 't_ry_aqkh',
};

/** Which table holds a record; null when this platform does not hold it. */
function tableOf(rec: CanonicalRecord): TableName | null {
  switch (rec.kind) {
    case 'credential':
      return CREDENTIAL_TABLE[rec.credentialKind] ?? null;
    case 'person':
      return 't_ry_jbxx';
    case 'role':
      return 't_ry_gw';
    case 'project':
      return 't_xm';
    case 'contract':
      return 't_ht';
    case 'list_entry':
      return rec.list === 'CONSTRUCTION_BLACKLIST' ? 't_hmd' : null;
    default:
      return null;
  }
}

/** Breakage natural to this platform (DATE columns cannot hold a bad date): unknown code, missing mandatory value, bad identifier. */
const BREAKAGE: Record<TableName, readonly [string, Value][]> = {
  t_qy_zz: [
    ['zszt', '99'],
    ['zzzsh', null],
    ['tyshxydm', '91420106MA4KOO1'],
  ],
  t_qy_xkz: [
    ['xkzlx', '09'],
    ['xkzh', null],
    ['zszt', '99'],
  ],
  t_ry_jbxx: [
    ['sfzh', '42010619800101'],
    ['xm', null],
    ['sfzh', '420106198013450011'],
  ],
  t_ry_zc: [
    ['zclb', '99'],
    ['sfzh', '4201061980'],
    ['zczsh', null],
  ],
  t_ry_aqkh: [
    ['khlb', '99'],
    ['zsbh', null],
    ['zszt', '99'],
  ],
  t_ry_gw: [
    ['gwlx', '99'],
    ['xm', null],
    ['sfzh', '4201061980'],
  ],
  t_xm: [
    ['gcgm', '9'],
    ['xmmc', null],
    ['xzqhdm', '4201'],
  ],
  t_ht: [
    ['sfhztjg', '2'],
    ['htlx', '99'],
    ['qdrq', null],
  ],
  t_hmd: [
    ['ztlx', '9'],
    ['jdwh', null],
    ['lrrq', null],
  ],
};

interface Row {
  table: TableName;
  cols: Cols;
}

function render(item: WorldItem, d: Dictionaries): Row | null {
  const rec = item.record;
  const table = tableOf(rec);
  if (!table) return null;
  const style = item.dirt?.refStyle;
  const cols: Cols = { id: item.sourceRecordId, sfyx: '1', gxsj: instantToGxsj(item.updatedAt) };
  if (table === 't_qy_zz' || table === 't_qy_xkz') cols.fzjg = '住房和城乡建设厅';
  const fields = FIELDS[table];
  for (const [field, value] of Object.entries(rec)) {
    const to = fields[field];
    if (to) Object.assign(cols, to(value, d, style));
    else if (!IMPLIED.has(field) && value != null)
      throw new Error(`housing seed: ${item.sourceRecordId}: field '${field}' has no column in ${table}`);
  }
  if (item.dirt?.malformed) {
    const [column, value] = BREAKAGE[table][fnv1a(item.sourceRecordId) % 3]!;
    cols[column] = value;
  }
  return { table, cols };
}

/** Column order of each table's rows as written. */
const COLUMNS = Object.fromEntries(TABLES.map((t) => [t.table, columnsOf(t)])) as Record<TableName, string[]>;

export async function seed(env: SimulatorEnv, items: AsyncIterable<WorldItem[]>): Promise<{ written: number }> {
  return withClient(env.departmentsDatabaseUrl, async (c) => {
    const dicts = await Dictionaries.load(c);
    // codes first seen in a batch go into their dictionaries before the rows that use them
    const writer = new TableWriter(c, { schema: SCHEMA, columns: COLUMNS, beforeFlush: () => dicts.flush(c) });
    return bulkLoad(c, writer, async (w) => {
      for await (const chunk of items) {
        for (const item of chunk) {
          const row = render(item, dicts);
          if (row)
            await w.add(
              row.table,
              COLUMNS[row.table].map((col) => row.cols[col] ?? null),
            );
        }
      }
    });
  });
}

/** Changes one stored record in place (canonical field names) and bumps GXSJ to now, Beijing time. */
export const touch = (env: SimulatorEnv, sourceRecordId: string, change: Record<string, unknown>): Promise<void> =>
  touchRow(
    env.departmentsDatabaseUrl,
    {
      schema: SCHEMA,
      tables: TABLES.map((t) => t.table),
      source: 'housing',
      stamp: `gxsj = (clock_timestamp() AT TIME ZONE 'UTC') + interval '8 hours'`,
      async assign(c, t, change) {
        const table = t as TableName;
        const dicts = await Dictionaries.load(c);
        const sets: Cols = {};
        for (const [field, value] of Object.entries(change)) {
          const to = FIELDS[table][field];
          if (!to) throw new Error(`housing touch: field '${field}' cannot be changed on ${table}`);
          Object.assign(sets, to(value, dicts, undefined));
        }
        await dicts.flush(c);
        return Object.entries(sets);
      },
    },
    sourceRecordId,
    change,
  );
