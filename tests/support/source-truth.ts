/**
 * What the department systems themselves hold, read from their own storage (the stand-in systems' tables in
 * the departments database), and what of it the hub must quarantine: records unreadable by the source's
 * documented wire format (connectors/<source>/mapping.ts headers, DOMAIN.md for the national identifiers),
 * and records whose enterprise reference matches no registered enterprise or several.
 *
 * Deliberately independent of the hub: no runtime import from src/sync, src/domain or the connectors' mappings.
 * The identifier checks, name normalisation and linking order (credit code → organisation code →
 * normalised name) are written again here from DOMAIN.md, so a bug in the hub's copy shows up as a
 * difference instead of being reproduced.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import pg from 'pg';
import type { RecordKind } from '../../src/domain/canonical.js';

export type QuarantineCode = 'PARSE_ERROR' | 'UNLINKED' | 'AMBIGUOUS_LINK';

/** An enterprise reference as a source row carries it (null = column empty). */
interface Ref {
  creditCode: string | null;
  orgCode: string | null;
  name: string | null;
}

/** One source row, judged by the format alone. */
interface Judged {
  kind: RecordKind;
  id: string;
  /** why the row is unreadable, or null */
  problem: string | null;
  /** references that must link for the record to be stored */
  required: Ref[];
  /** for person rows: the ID number (persons are one row per person, whichever system's record holds it) */
  idNumber?: string;
  /** for enterprise rows: the registration it adds to the registry */
  registers?: { creditCode: string; orgCode: string; nameNormalised: string };
}

export interface SourceTruth {
  source: string;
  /** every record the system holds, by kind */
  ids: Map<RecordKind, string[]>;
  /** `${kind}:${id}` → why the hub must quarantine it (records absent here must be stored) */
  quarantine: Map<string, QuarantineCode>;
  /** `${kind}:${id}` → the rule that put it in quarantine (for failure messages) */
  why: Map<string, string>;
  /** person record id → its ID number as the system holds it */
  idNumbers: Map<string, string>;
}

// ---------------------------------------------------------------- national identifiers (DOMAIN.md)

const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/** 18 characters of the alphabet, the division code (positions 3–8) in digits: the checksum may still fail. */
const CREDIT_SHAPE = new RegExp(`^[${CREDIT_ALPHABET}]{2}\\d{6}[${CREDIT_ALPHABET}]{10}$`);

export function creditChecksumOk(code: string): boolean {
  if (!CREDIT_SHAPE.test(code)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(code[i]!) * CREDIT_WEIGHTS[i]!;
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31] === code[17];
}

/** The credit code with its right check character (the first 17 characters kept). */
export function withCreditCheck(code: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(code[i]!) * CREDIT_WEIGHTS[i]!;
  return code.slice(0, 17) + CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
}

/** GB 11714: 8 digits/letters, weights 3,7,9,10,5,8,4,2, check 11 − Σ mod 11 (10 → X, 11 → 0). */
export function orgCodeOk(code: string): boolean {
  if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return false;
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = code[i]!;
    sum += (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55) * w[i]!;
  }
  const c = 11 - (sum % 11);
  return code[8] === (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** GB 11643: 17 digits + check "10X98765432"[Σ mod 11]. */
export function idNumberOk(id: string): boolean {
  const s = id.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(s)) return false;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * w[i]!;
  return '10X98765432'[sum % 11] === s[17];
}

/** Full-width folded, brackets unified, white space dropped; legal forms untouched (DOMAIN.md). */
export function normalisedName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\u3000/g, ' ')
    .replace(/[（【〔［]/g, '(')
    .replace(/[）】〕］]/g, ')')
    .replace(/\s+/g, '')
    .toUpperCase();
}

// ---------------------------------------------------------------- format rules shared by the wires

type Row = Record<string, unknown>;

class Problems {
  readonly list: string[] = [];
  constructor(protected readonly row: Row) {}
  private value(col: string): unknown {
    return this.row[col];
  }
  private add(col: string, what: string) {
    this.list.push(`${col} ${what} (${JSON.stringify(this.value(col))})`);
  }
  text(...cols: string[]) {
    for (const c of cols) {
      const v = this.value(c);
      if (typeof v !== 'string' || !v.trim()) this.add(c, 'is missing');
    }
  }
  date(col: string, optional = false) {
    const v = this.value(col);
    if (v == null && optional) return;
    if (typeof v !== 'string' || !realDate(v)) this.add(col, 'is not a calendar date yyyy-MM-dd');
  }
  /** 应急管理's own date form */
  compactDate(col: string, optional = false) {
    const v = this.value(col);
    if (v == null && optional) return;
    const m = typeof v === 'string' ? /^(\d{4})(\d{2})(\d{2})$/.exec(v) : null;
    if (!m || !realDate(`${m[1]}-${m[2]}-${m[3]}`)) this.add(col, 'is not a calendar date yyyyMMdd');
  }
  count(col: string) {
    const v = this.value(col);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.add(col, 'is not a whole number ≥ 0');
  }
  oneOf(col: string, allowed: readonly (string | number)[], optional = false) {
    const v = this.value(col);
    if (v == null && optional) return;
    if (!allowed.includes(v as string | number)) this.add(col, `is not one of ${allowed.join('/')}`);
  }
  amount(col: string, optional = true) {
    const v = this.value(col);
    if (v == null && optional) return;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < 0) this.add(col, 'is not an amount ≥ 0');
  }
  matches(col: string, re: RegExp, what: string, optional = false) {
    const v = this.value(col);
    if (v == null && optional) return;
    if (typeof v !== 'string' || !re.test(v)) this.add(col, `is not ${what}`);
  }
  idNumber(col: string, optional = false) {
    const v = this.value(col);
    if (v == null && optional) return;
    if (typeof v !== 'string' || !idNumberOk(v)) this.add(col, 'is not a citizen ID number (GB 11643)');
  }
  /** the enterprise reference columns: each code, where given, well formed; at least one part given */
  ref(cc: string, oc: string, name: string, optional = false): Ref | null {
    const ref: Ref = { creditCode: nonEmpty(this.value(cc)), orgCode: nonEmpty(this.value(oc)), name: nonEmpty(this.value(name)) };
    if (ref.creditCode !== null && !CREDIT_SHAPE.test(ref.creditCode)) this.add(cc, 'is not a credit code');
    if (ref.orgCode !== null && !orgCodeOk(ref.orgCode)) this.add(oc, 'is not an organisation code (GB 11714)');
    if (!ref.creditCode && !ref.orgCode && !ref.name) {
      if (!optional) this.list.push('names no enterprise');
      return null;
    }
    return ref;
  }
  get problem(): string | null {
    return this.list.length ? this.list.join('; ') : null;
  }
}

const nonEmpty = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

function realDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function realLocalTime(s: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  return !!m && realDate(m[1]!) && Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 60;
}

// ---------------------------------------------------------------- each system: its tables and their format

interface TableRule {
  table: string;
  kind: RecordKind;
  /** which rows the system shares (SQL condition; default all) */
  filter?: string;
  judge(row: Row, p: Problems): Omit<Judged, 'kind' | 'id' | 'problem'>;
  problems?: (row: Row) => Problems;
}

const MARKET_ROLES = ['法定代表人', '主要负责人', '实际控制人', '安全总监', '安全管理人员', '项目经理', '注册安全工程师', '特种作业人员'];
/** 市场监管 REST (camelCase on the wire, snake_case in its tables): dates YYYY-MM-DD, money 万元, Chinese labels. */
const MARKET: TableRule[] = [
  {
    table: 'sim_market.enterprises',
    kind: 'enterprise',
    judge(r, p) {
      p.matches('credit_code', CREDIT_SHAPE, 'a credit code');
      p.matches('org_code', /^[0-9A-Z]{8}[0-9X]$/, 'an organisation code', true);
      p.text('ent_name', 'ent_type', 'legal_rep_name');
      p.oneOf('reg_status', ['存续', '在业', '吊销', '注销']);
      p.matches('region_code', /^\d{6}$/, 'a 6-digit division code');
      p.matches('industry_code', /^[A-T]\d{0,4}$/, 'a GB/T 4754 industry code');
      p.amount('reg_capital', false);
      p.date('establish_date');
      const code = String(r.credit_code ?? '')
        .trim()
        .toUpperCase();
      const org = nonEmpty(r.org_code) ?? code.slice(8, 17);
      return { required: [], registers: { creditCode: code, orgCode: org, nameNormalised: normalisedName(String(r.ent_name ?? '')) } };
    },
  },
  {
    table: 'sim_market.persons',
    kind: 'person',
    judge(r, p) {
      p.idNumber('cert_no');
      p.text('name');
      return { required: [], idNumber: nonEmpty(r.cert_no)?.trim().toUpperCase() };
    },
  },
  {
    table: 'sim_market.key_persons',
    kind: 'role',
    judge(_r, p) {
      const ref = p.ref('credit_code', 'org_code', 'ent_name');
      p.text('name');
      p.idNumber('cert_no');
      p.oneOf('position', MARKET_ROLES);
      p.date('start_date', true);
      p.date('end_date', true);
      return { required: ref ? [ref] : [] };
    },
  },
  {
    table: 'sim_market.penalties',
    kind: 'penalty',
    judge(_r, p) {
      const ref = p.ref('credit_code', 'org_code', 'ent_name');
      p.text('decision_no', 'penalty_type', 'illegal_fact');
      p.date('decision_date');
      p.amount('fine_amount');
      return { required: ref ? [ref] : [] };
    },
  },
  {
    table: 'sim_market.credit_list_entries',
    kind: 'list_entry',
    judge(r, p) {
      p.oneOf('list_type', ['严重违法失信名单', '经营异常名录']);
      p.oneOf('subject_type', ['企业', '自然人'], true);
      const person = r.subject_type === '自然人';
      // a person's entry is about the person: the enterprise, if named, is context and need not link
      const ref = p.ref('credit_code', 'org_code', 'ent_name', person);
      p.idNumber('cert_no', !person);
      p.text('inclusion_reason', 'legal_basis', 'decision_no');
      p.date('inclusion_date');
      p.date('expiry_date', true);
      p.date('removal_date', true);
      return { required: ref && !person ? [ref] : [] };
    },
  },
];

const PLATE = /^[\u4e00-\u9fa5][A-Z][0-9A-Z]{4,6}[\u4e00-\u9fa5]?$/;
const transportRef = (p: Problems): Ref[] => {
  const ref = p.ref('tyshxydm', 'zzjgdm', 'yhmc');
  return ref ? [ref] : [];
};
/** 交通运输 envelope REST (pinyin fields; dates yyyy-MM-dd, times yyyy-MM-dd HH:mm:ss Beijing, numeric kind codes). */
const TRANSPORT: TableRule[] = [
  {
    table: 'sim_transport.jyxk',
    kind: 'credential',
    judge(_r, p) {
      p.text('xkzh', 'jyxklb');
      p.date('yxqq', true);
      p.date('yxqz', true);
      p.oneOf('zzzt', ['有效', '过期', '暂扣', '吊销']);
      return { required: transportRef(p) };
    },
  },
  {
    table: 'sim_transport.cl',
    kind: 'vehicle',
    judge(_r, p) {
      p.matches('cphm', PLATE, 'a plate number');
      p.oneOf('cllx', [11, 12, 21, 31]);
      p.text('dlyszh');
      p.date('dlyszyxqz', true);
      p.oneOf('jkzx', [0, 1]);
      return { required: transportRef(p) };
    },
  },
  {
    table: 'sim_transport.wf',
    kind: 'transport_violation',
    judge(r, p) {
      p.matches('cphm', PLATE, 'a plate number');
      if (typeof r.wfsj !== 'string' || !realLocalTime(r.wfsj))
        p.list.push(`wfsj is not a time yyyy-MM-dd HH:mm:ss (${JSON.stringify(r.wfsj)})`);
      p.oneOf('wflx', [1, 2, 3, 4]);
      p.amount('fkje');
      return { required: transportRef(p) };
    },
  },
  {
    table: 'sim_transport.cf',
    kind: 'penalty',
    judge(_r, p) {
      p.text('cfjdswh', 'cflb', 'cfsy');
      p.date('cfjdrq');
      p.amount('fkje');
      return { required: transportRef(p) };
    },
  },
  {
    table: 'sim_transport.sxmd',
    kind: 'list_entry',
    judge(_r, p) {
      p.text('rdwsh', 'lrsy', 'lryj');
      p.date('lrrq');
      p.date('jzrq', true);
      p.date('ycrq', true);
      return { required: transportRef(p) };
    },
  },
];

const EMERGENCY_ROLES = [
  '主要负责人',
  '安全总监',
  '安全管理人员',
  '注册安全工程师',
  '特种作业人员',
  '法定代表人',
  '实际控制人',
  '项目经理',
];
const CREDENTIAL_STATUSES = ['有效', '已过期', '暂扣', '吊销'];
const emergencyRef = (p: Problems): Ref[] => {
  const ref = p.ref('credit_code', 'org_code', 'ent_name');
  return ref ? [ref] : [];
};
/** 应急管理 REST (snake_case; dates yyyyMMdd; Chinese labels; loss in 万元). */
const EMERGENCY: TableRule[] = [
  {
    table: 'sim_emergency.personnel',
    kind: 'person',
    judge(r, p) {
      p.idNumber('id_card_no');
      p.text('name');
      return { required: [], idNumber: nonEmpty(r.id_card_no)?.trim().toUpperCase() };
    },
  },
  {
    table: 'sim_emergency.enterprise_licences',
    kind: 'credential',
    judge(_r, p) {
      p.oneOf('licence_type', ['安全生产许可证', '危险化学品经营许可证']);
      p.text('licence_no');
      p.compactDate('valid_from', true);
      p.compactDate('valid_to', true);
      p.oneOf('licence_status', CREDENTIAL_STATUSES);
      return { required: emergencyRef(p) };
    },
  },
  {
    table: 'sim_emergency.personnel_certificates',
    kind: 'credential',
    judge(_r, p) {
      p.oneOf('cert_type', ['特种作业操作证', '注册安全工程师执业证']);
      p.text('cert_no');
      p.idNumber('id_card_no');
      // the unit the holder is registered with: optional, but when named it must be found
      const unit = p.ref('unit_credit_code', 'unit_org_code', 'unit_name', true);
      p.compactDate('issue_date', true);
      p.compactDate('expire_date', true);
      p.oneOf('cert_status', CREDENTIAL_STATUSES);
      return { required: unit ? [unit] : [] };
    },
  },
  {
    table: 'sim_emergency.safety_staff',
    kind: 'role',
    judge(_r, p) {
      const required = emergencyRef(p);
      p.text('person_name');
      p.idNumber('id_card_no');
      p.oneOf('post', EMERGENCY_ROLES);
      p.compactDate('appoint_date', true);
      p.compactDate('leave_date', true);
      return { required };
    },
  },
  {
    table: 'sim_emergency.hidden_dangers',
    kind: 'hidden_danger',
    judge(r, p) {
      const required = emergencyRef(p);
      p.oneOf('danger_level', ['重大隐患', '一般隐患']);
      p.text('danger_desc');
      p.compactDate('found_date');
      p.compactDate('rectify_deadline');
      p.oneOf('found_way', ['企业自查', '属地上报', '执法检查', '上级督查', '群众举报']);
      p.oneOf('rectify_status', ['未整改', '整改中', '已销号']);
      p.compactDate('close_date', true);
      if (r.rectify_status === '已销号' && r.close_date == null) p.list.push('a closed danger has no close_date');
      return { required };
    },
  },
  {
    table: 'sim_emergency.penalties',
    kind: 'penalty',
    judge(_r, p) {
      const required = emergencyRef(p);
      p.text('doc_no', 'punish_type', 'illegal_fact');
      p.compactDate('decision_date');
      p.amount('fine_amount');
      return { required };
    },
  },
  {
    table: 'sim_emergency.accidents',
    kind: 'accident',
    judge(_r, p) {
      const required = emergencyRef(p);
      p.compactDate('occur_date');
      p.oneOf('accident_level', ['特别重大事故', '重大事故', '较大事故', '一般事故']);
      p.count('death_toll');
      p.count('serious_injury_count');
      p.amount('direct_economic_loss', false);
      p.text('accident_summary');
      p.oneOf('report_violation', ['迟报', '谎报', '瞒报'], true);
      return { required };
    },
  },
  {
    table: 'sim_emergency.punishment_lists',
    kind: 'list_entry',
    judge(r, p) {
      p.oneOf('list_type', ['安全生产失信联合惩戒名单', '主要负责人从业禁止']);
      p.oneOf('subject_type', ['企业', '个人']);
      const person = r.subject_type === '个人';
      const ref = p.ref('credit_code', 'org_code', 'ent_name', person);
      p.idNumber('id_card_no', !person);
      p.text('include_reason', 'legal_basis', 'decision_no');
      p.compactDate('include_date');
      p.compactDate('expire_date', true);
      p.compactDate('remove_date', true);
      p.oneOf('ban_scope', ['任何生产经营单位', '本行业终身'], true);
      p.matches('ban_industry', /^[A-T](\d{2,4})?$/, 'a GB/T 4754 section or code', true);
      if (r.ban_scope === '本行业终身' && r.ban_industry == null) p.list.push('an industry ban names no industry');
      return { required: ref && !person ? [ref] : [] };
    },
  },
  {
    table: 'sim_emergency.liability_insurances',
    kind: 'insurance_policy',
    judge(_r, p) {
      const required = emergencyRef(p);
      p.text('policy_no', 'insurer');
      p.oneOf('insurance_type', ['安全生产责任保险']);
      p.compactDate('insure_start');
      p.compactDate('insure_end');
      return { required };
    },
  },
];

/**
 * 住房城乡建设: the platform's tables read by SQL; soft-deleted rows (SFYX '0') are not shared; enums are codes
 * of its T_DM_* dictionaries (closed ones fixed, open ones whatever the platform's dictionary holds); real DATE
 * columns; U+FFFD marks text the platform could not decode.
 */
const HOUSING_CLOSED: Record<string, string[]> = {
  zszt: ['01', '02', '03', '04'],
  gcgm: ['1', '2', '3'],
  htlx: ['01', '02', '03'],
  gwlx: ['01', '02', '03', '04', '05', '06', '07', '08'],
  ztlx: ['1', '2'],
  xkzlx: ['01', '02'],
};
/** open dictionaries, filled from the platform (readSourceTruth) */
const housingOpen = new Map<string, Set<string>>();
const HOUSING_OPEN_OF: Record<string, string> = {
  zzlb: 't_dm_zzlb',
  zzxl: 't_dm_zzxl',
  zzdj: 't_dm_zzdj',
  zclb: 't_dm_zclb',
  zczy: 't_dm_zczy',
  khlb: 't_dm_khlb',
};

class HousingProblems extends Problems {
  constructor(private readonly r: Row) {
    super(r);
  }
  code(col: string, required: boolean) {
    const v = this.r[col];
    if (v == null || v === '') {
      if (required) this.list.push(`${col} is missing`);
      return;
    }
    const known = HOUSING_CLOSED[col] ?? [...(housingOpen.get(HOUSING_OPEN_OF[col]!) ?? [])];
    if (!known.includes(String(v))) this.list.push(`${col} code ${JSON.stringify(v)} is not in its dictionary`);
  }
  clean(...cols: string[]) {
    for (const c of cols)
      if (typeof this.r[c] === 'string' && /\uFFFD/.test(this.r[c] as string)) this.list.push(`${c} holds undecodable text`);
  }
  flag(...cols: string[]) {
    for (const c of cols)
      if (this.r[c] !== '1' && this.r[c] !== '0') this.list.push(`${c} is not a flag 1/0 (${JSON.stringify(this.r[c])})`);
  }
  /** a reference of the platform: columns given must be well formed; `required` ones must name something */
  housingRef(prefix: '' | 'jsdw' | 'fbf' | 'cbf', required: boolean): Ref | null {
    const [cc, oc, mc] = prefix ? [`${prefix}tyshxydm`, `${prefix}zzjgdm`, `${prefix}mc`] : ['tyshxydm', 'zzjgdm', 'qymc'];
    this.clean(mc);
    const ref = this.ref(cc, oc, mc, !required);
    return ref;
  }
}

const housing = (
  table: string,
  kind: RecordKind,
  judge: (r: Row, p: HousingProblems) => Omit<Judged, 'kind' | 'id' | 'problem'>,
): TableRule => ({
  table: `sim_housing.${table}`,
  kind,
  filter: `sfyx = '1'`,
  judge: (r, p) => judge(r, p as HousingProblems),
  problems: (r) => new HousingProblems(r),
});
const HOUSING: TableRule[] = [
  housing('t_qy_zz', 'credential', (_r, p) => {
    p.text('zzzsh');
    p.clean('zzzsh');
    const ref = p.housingRef('', true);
    p.code('zzlb', false);
    p.code('zzxl', false);
    p.code('zzdj', false);
    p.date('fzrq', true);
    p.date('yxqz', true);
    p.code('zszt', true);
    return { required: ref ? [ref] : [] };
  }),
  housing('t_qy_xkz', 'credential', (_r, p) => {
    p.code('xkzlx', true);
    p.text('xkzh');
    p.clean('xkzh', 'xklb', 'xkfw');
    const ref = p.housingRef('', true);
    p.date('fzrq', true);
    p.date('yxqz', true);
    p.code('zszt', true);
    return { required: ref ? [ref] : [] };
  }),
  housing('t_ry_jbxx', 'person', (r, p) => {
    p.idNumber('sfzh');
    p.text('xm');
    p.clean('xm', 'lxdh');
    return { required: [], idNumber: nonEmpty(r.sfzh)?.trim().toUpperCase() };
  }),
  housing('t_ry_zc', 'credential', (_r, p) => {
    p.text('zczsh');
    p.clean('zczsh');
    p.idNumber('sfzh');
    p.code('zclb', true);
    p.code('zczy', false);
    const unit = p.housingRef('', false);
    p.date('zcrq', true);
    p.date('yxqz', true);
    p.code('zszt', true);
    return { required: unit ? [unit] : [] };
  }),
  housing('t_ry_aqkh', 'credential', (_r, p) => {
    p.text('zsbh');
    p.clean('zsbh');
    p.idNumber('sfzh');
    p.code('khlb', true);
    const unit = p.housingRef('', false);
    p.date('fzrq', true);
    p.date('yxqz', true);
    p.code('zszt', true);
    return { required: unit ? [unit] : [] };
  }),
  housing('t_ry_gw', 'role', (_r, p) => {
    p.idNumber('sfzh');
    p.text('xm');
    p.clean('xm');
    const ref = p.housingRef('', true);
    p.code('gwlx', true);
    p.date('rzrq', true);
    p.date('lzrq', true);
    return { required: ref ? [ref] : [] };
  }),
  housing('t_xm', 'project', (_r, p) => {
    p.text('xmbh', 'xmmc');
    p.clean('xmbh', 'xmmc', 'sgxkzh');
    const builder = p.housingRef('jsdw', true);
    p.code('gcgm', true);
    p.code('zzlb', true);
    p.code('zzxl', true);
    p.matches('xzqhdm', /^\d{6}$/, 'a 6-digit division code');
    p.date('kgrq', true);
    p.amount('ztz');
    return { required: builder ? [builder] : [] };
  }),
  housing('t_ht', 'contract', (_r, p) => {
    p.text('htbh', 'xmbh', 'cbfw');
    p.clean('htbh', 'xmbh', 'sjhtbh', 'cbfw');
    p.code('htlx', true);
    const employer = p.housingRef('fbf', true);
    const contractor = p.housingRef('cbf', true);
    p.amount('htje', false);
    p.flag('sfhztjg', 'sfqbfb', 'sfqdaqxy');
    p.idNumber('xmjlsfzh', true);
    p.date('qdrq');
    return { required: [employer, contractor].filter((x): x is Ref => x !== null) };
  }),
  housing('t_hmd', 'list_entry', (r, p) => {
    p.code('ztlx', true);
    const person = r.ztlx === '2';
    const ref = p.housingRef('', !person);
    if (person && !r.sfzh) p.list.push('a person entry has no ID number');
    p.idNumber('sfzh', true);
    p.clean('xm');
    p.text('lryy', 'rdyj', 'jdwh');
    p.clean('lryy', 'rdyj', 'jdwh');
    p.date('lrrq');
    p.date('jzrq', true);
    p.date('ycrq', true);
    return { required: ref && !person ? [ref] : [] };
  }),
];

/**
 * 消防: a folder of daily CSV exports `<table>_<yyyyMMdd>[_<seq>].csv`, each complete once its `.done` marker
 * is there; UTF-8 with BOM or GB18030; Chinese headers; dates yyyy/MM/dd (older files yyyy-MM-dd);
 * 更新时间 yyyy-MM-dd HH:mm:ss; a record exported again later (a correction) replaces the earlier row.
 */
const FIRE_REF = ['统一社会信用代码', '组织机构代码', '单位名称'] as const;
const FIRE_TABLES: Record<string, { kind: RecordKind; judge(r: Row, p: FireProblems): Omit<Judged, 'kind' | 'id' | 'problem'> }> = {
  jdjc: {
    kind: 'inspection',
    judge(_r, p) {
      const ref = p.ref(...FIRE_REF);
      p.slashDate('检查日期');
      p.text('检查类型');
      p.oneOf('检查结果', ['合格', '发现隐患', '临时查封']);
      p.oneOf('消防安全重点单位', ['是', '否'], true);
      return { required: ref ? [ref] : [] };
    },
  },
  xzcf: {
    kind: 'penalty',
    judge(_r, p) {
      const ref = p.ref(...FIRE_REF);
      p.text('决定书文号', '处罚种类', '违法事实');
      p.slashDate('决定日期');
      p.decimal('罚款金额(元)', true);
      return { required: ref ? [ref] : [] };
    },
  },
  hzsg: {
    kind: 'accident',
    judge(_r, p) {
      const ref = p.ref(...FIRE_REF);
      p.slashDate('起火日期');
      p.oneOf('事故等级', ['特别重大', '重大', '较大', '一般']);
      p.matches('死亡人数', /^\d+$/, 'a head count');
      p.matches('重伤人数', /^\d+$/, 'a head count');
      p.decimal('直接财产损失(万元)', false);
      p.text('火灾概况');
      p.oneOf('报告情况', ['迟报', '谎报', '瞒报'], true);
      return { required: ref ? [ref] : [] };
    },
  },
  sxmd: {
    kind: 'list_entry',
    judge(r, p) {
      p.oneOf('主体类型', ['单位', '个人']);
      const person = r['主体类型'] === '个人';
      const ref = p.ref(...FIRE_REF, person);
      p.idNumber('身份证件号码', !person);
      p.text('列入事由', '列入依据', '认定文书编号');
      p.slashDate('列入日期');
      p.slashDate('届满日期', true);
      p.slashDate('移出日期', true);
      return { required: ref && !person ? [ref] : [] };
    },
  },
};

/** CSV cells are text, an empty cell is an empty value. */
class FireProblems extends Problems {
  constructor(r: Row) {
    super(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === '' ? null : v])));
  }
  slashDate(col: string, optional = false) {
    const v = this.row[col];
    if (v == null && optional) return;
    const m = typeof v === 'string' ? /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(v) : null;
    if (!m || !realDate(`${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`))
      this.list.push(`${col} is not a date yyyy/MM/dd (${JSON.stringify(v)})`);
  }
  decimal(col: string, optional: boolean) {
    const v = this.row[col];
    if (v == null && optional) return;
    if (typeof v !== 'string' || !/^\d+(\.\d+)?$/.test(v)) this.list.push(`${col} is not a decimal (${JSON.stringify(v)})`);
  }
}

function judgeFireFolder(folder: string): Judged[] {
  const names = fs.existsSync(folder) ? fs.readdirSync(folder) : [];
  const done = new Set(names.filter((n) => n.endsWith('.done')).map((n) => n.slice(0, -'.done'.length)));
  const exportsInOrder = names
    .map((n) => ({ n, m: /^([a-z]{4})_(\d{8})(?:_(\d{2,4}))?\.csv$/.exec(n) }))
    .filter((x) => x.m && done.has(x.n) && FIRE_TABLES[x.m[1]!])
    .map((x) => ({
      name: x.n,
      prefix: x.m![1]!,
      order: `${x.m![2]}.${String(Number(x.m![3] ?? 0)).padStart(4, '0')}.${Object.keys(FIRE_TABLES).indexOf(x.m![1]!)}`,
    }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0));
  const latest = new Map<string, Judged>();
  for (const f of exportsInOrder) {
    const bytes = fs.readFileSync(path.join(folder, f.name));
    const text = bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))
      ? bytes.subarray(3).toString('utf8')
      : iconv.decode(bytes, 'gb18030');
    const [header, ...rows] = parseCsv(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true }) as string[][];
    const rule = FIRE_TABLES[f.prefix]!;
    rows.forEach((fields, i) => {
      const cells: Row = Object.fromEntries(header!.map((h, k) => [h, fields[k] ?? '']));
      const id = (cells['记录编号'] as string) || `${f.name}#${i + 1}`;
      const p = new FireProblems(cells);
      if (fields.length !== header!.length) p.list.push(`row has ${fields.length} cells, the header ${header!.length}`);
      if (typeof cells['更新时间'] !== 'string' || !realLocalTime(cells['更新时间'])) p.list.push('更新时间 is not a time');
      const judged = rule.judge(cells, p);
      // one record per (kind, id): a later export replaces it
      latest.delete(`${rule.kind}:${id}`);
      latest.set(`${rule.kind}:${id}`, { kind: rule.kind, id, problem: p.problem, ...judged });
    });
  }
  return [...latest.values()];
}

const SYSTEMS: Record<string, TableRule[]> = { market: MARKET, transport: TRANSPORT, emergency: EMERGENCY, housing: HOUSING, fire: [] };
/** the systems this file can read and judge */
export const READABLE_SOURCES = Object.keys(SYSTEMS);

// ---------------------------------------------------------------- linking (DOMAIN.md: credit code → organisation code → name)

class Registry {
  private readonly codes = new Set<string>();
  private readonly byOrg = new Map<string, string[]>();
  private readonly byName = new Map<string, string[]>();
  add(e: NonNullable<Judged['registers']>) {
    if (this.codes.has(e.creditCode)) return;
    this.codes.add(e.creditCode);
    push(this.byOrg, e.orgCode, e.creditCode);
    push(this.byName, e.nameNormalised, e.creditCode);
  }
  /** LINKED, or why not */
  link(ref: Ref): 'LINKED' | 'UNLINKED' | 'AMBIGUOUS' {
    const cc = ref.creditCode?.trim().toUpperCase() ?? null;
    if (cc && this.codes.has(cc)) return 'LINKED';
    // a code failing its checksum links only as itself: its embedded organisation code is not trusted
    if (cc && !creditChecksumOk(cc)) return 'UNLINKED';
    const org = ref.orgCode?.trim().toUpperCase() ?? (cc ? cc.slice(8, 17) : null);
    const named = ref.name ? (this.byName.get(normalisedName(ref.name)) ?? []) : [];
    const byOrg = org ? (this.byOrg.get(org) ?? []) : [];
    if (byOrg.length === 1) return 'LINKED';
    if (byOrg.length > 1) return byOrg.filter((c) => named.includes(c)).length === 1 ? 'LINKED' : 'AMBIGUOUS';
    if (named.length === 1) return 'LINKED';
    return named.length > 1 ? 'AMBIGUOUS' : 'UNLINKED';
  }
}

function push(m: Map<string, string[]>, k: string, v: string) {
  const l = m.get(k);
  if (l) l.push(v);
  else m.set(k, [v]);
}

// ---------------------------------------------------------------- reading the systems

async function judgeSource(client: pg.ClientBase, source: string, dataDir: string | undefined): Promise<Judged[]> {
  const rules = SYSTEMS[source];
  if (!rules) throw new Error(`source-truth: no reader for source '${source}' (known: ${Object.keys(SYSTEMS).join(', ')})`);
  if (source === 'fire') {
    if (!dataDir) throw new Error('source-truth: the fire system is a folder: give the data directory');
    return judgeFireFolder(path.resolve(dataDir, 'fire-drops'));
  }
  const out: Judged[] = [];
  if (source === 'housing') {
    for (const dict of new Set(Object.values(HOUSING_OPEN_OF))) {
      housingOpen.set(dict, new Set((await client.query<{ dm: string }>(`SELECT dm FROM sim_housing.${dict}`)).rows.map((r) => r.dm)));
    }
  }
  for (const rule of rules) {
    const { rows } = await client.query<Row>(`SELECT * FROM ${rule.table} ${rule.filter ? `WHERE ${rule.filter}` : ''} ORDER BY id`);
    for (const row of rows) {
      const p = rule.problems?.(row) ?? new Problems(row);
      const judged = rule.judge(row, p);
      out.push({ kind: rule.kind, id: String(row.id), problem: p.problem, ...judged });
    }
  }
  return out;
}

/**
 * Reads `sources` from their systems (the departments database; the fire folder under `dataDir`) and judges every record. The registry the references
 * link against is made of the readable enterprise registrations of `registryFrom` (default: the read
 * sources): the hub's enterprises, when those are the sources it synced.
 */
export async function readSourceTruth(
  systems: string | { departmentsDatabaseUrl: string; dataDir: string },
  sources: readonly string[],
  registryFrom: readonly string[] = sources,
): Promise<Map<string, SourceTruth>> {
  const departmentsUrl = typeof systems === 'string' ? systems : systems.departmentsDatabaseUrl;
  const dataDir = typeof systems === 'string' ? undefined : systems.dataDir;
  // DATE columns as the text they hold (the platform's dates are compared as written, not as instants)
  const types = {
    getTypeParser: ((oid: number, format?: string) =>
      oid === 1082 ? (v: string) => v : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
  };
  const client = new pg.Client({ connectionString: departmentsUrl, types });
  await client.connect();
  const judged = new Map<string, Judged[]>();
  try {
    for (const s of new Set([...sources, ...registryFrom])) judged.set(s, await judgeSource(client, s, dataDir));
  } finally {
    await client.end();
  }
  const registry = new Registry();
  for (const s of registryFrom) for (const j of judged.get(s)!) if (!j.problem && j.registers) registry.add(j.registers);

  const out = new Map<string, SourceTruth>();
  for (const s of sources) {
    const truth: SourceTruth = { source: s, ids: new Map(), quarantine: new Map(), why: new Map(), idNumbers: new Map() };
    for (const j of judged.get(s)!) {
      const ids = truth.ids.get(j.kind) ?? [];
      ids.push(j.id);
      truth.ids.set(j.kind, ids);
      const key = `${j.kind}:${j.id}`;
      if (j.idNumber) truth.idNumbers.set(j.id, j.idNumber);
      if (j.problem) {
        truth.quarantine.set(key, 'PARSE_ERROR');
        truth.why.set(key, j.problem);
        continue;
      }
      const links = j.required.map((r) => registry.link(r));
      if (links.includes('AMBIGUOUS')) truth.quarantine.set(key, 'AMBIGUOUS_LINK');
      else if (links.includes('UNLINKED')) truth.quarantine.set(key, 'UNLINKED');
      if (truth.quarantine.has(key)) truth.why.set(key, JSON.stringify(j.required));
    }
    out.set(s, truth);
  }
  return out;
}
