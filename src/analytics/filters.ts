/**
 * The `where` filters, declared once (issue 19.4): each filterable field's GraphQL comparison type, its
 * description (Chinese term first) and its SQL. Two readers, so the contract and the SQL cannot drift:
 * - scripts/filter-sdl.ts renders the input types of schema/analytics-where.generated.graphql from this
 *   table (`npm run codegen`; `codegen:check` fails when the checked-in file is not current);
 * - the compiler (where.ts) takes fields, tables and each field's operators from it, so the CSV export's
 *   JSON `where`, which no GraphQL validation sees, accepts exactly what the schema declares.
 * Adding a filter is one line here and `npm run codegen`.
 */

/** How the compiler checks and casts a compared value. */
export type ColType = 'text' | 'numeric' | 'int' | 'date' | 'timestamptz' | 'bool';

export type ComparisonOp = '_eq' | '_neq' | '_in' | '_nin' | '_gt' | '_gte' | '_lt' | '_lte' | '_like' | '_isNull';

/** Every comparison operator in the order the SDL lists them, with its description. */
export const OP_DOCS: Record<ComparisonOp, string> = {
  _eq: '等于 Equal to',
  _neq: '不等于 Not equal to (null never matches)',
  _in: '属于 One of these',
  _nin: '不属于 None of these (null never matches)',
  _gt: '大于 Greater than',
  _gte: '不小于 Greater than or equal to',
  _lt: '小于 Less than',
  _lte: '不大于 Less than or equal to',
  _like: '模式匹配 SQL LIKE pattern: % any run of characters, _ one character',
  _isNull: '为空 True: the field is null; false: it is not',
};

export interface Comparison {
  type: ColType;
  /** the operators of `<value>Comparison`: the SDL lists these and the compiler accepts only these */
  ops: readonly ComparisonOp[];
  doc: string;
}

const ORDERED: ComparisonOp[] = ['_eq', '_neq', '_in', '_nin', '_gt', '_gte', '_lt', '_lte', '_isNull'];
const EQUALITY: ComparisonOp[] = ['_eq', '_neq', '_in', '_nin', '_isNull'];
/** enums compare for (in)equality only */
const enumComparison = (name: string): Comparison => ({
  type: 'text',
  ops: EQUALITY,
  doc: `Comparison on ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}.`,
});

const COMPARISON_TABLE = {
  String: {
    type: 'text',
    ops: [...ORDERED, '_like'],
    doc: '字符串比较 Comparison on a text field. `_like` is SQL LIKE (`%` any run, `_` one character).',
  },
  Float: { type: 'numeric', ops: ORDERED, doc: '数值比较 Comparison on a number.' },
  Int: { type: 'int', ops: ORDERED, doc: '整数比较 Comparison on a whole number.' },
  Date: { type: 'date', ops: ORDERED, doc: '日期比较 Comparison on a date.' },
  DateTime: {
    type: 'timestamptz',
    ops: ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte', '_isNull'],
    doc: '时间比较 Comparison on an instant.',
  },
  Boolean: { type: 'bool', ops: ['_eq', '_neq', '_isNull'], doc: '布尔比较 Comparison on a boolean.' },
  EnterpriseStatus: enumComparison('EnterpriseStatus'),
  // the tier is char(1): A < B < C < D as text is the tier order
  RiskTier: { type: 'text', ops: ORDERED, doc: 'Comparison on a RiskTier (ordered A < B < C < D).' },
  Department: enumComparison('Department'),
  HiddenDangerLevel: enumComparison('HiddenDangerLevel'),
  HiddenDangerStatus: enumComparison('HiddenDangerStatus'),
  FoundBy: enumComparison('FoundBy'),
  AccidentLevel: enumComparison('AccidentLevel'),
  ViolationKind: enumComparison('ViolationKind'),
  VehicleKind: enumComparison('VehicleKind'),
  ListKind: enumComparison('ListKind'),
  CredentialKind: enumComparison('CredentialKind'),
  CredentialStatus: enumComparison('CredentialStatus'),
} satisfies Record<string, Comparison>;

export type ValueType = keyof typeof COMPARISON_TABLE;

/** Comparison input types by the GraphQL type of the compared value: `<key>Comparison`. */
export const COMPARISONS: Record<ValueType, Comparison> = COMPARISON_TABLE;

/** A filterable field: `name: <value>Comparison` in the SDL, a condition on `sql` in the compiler. */
export interface FilterField {
  value: ValueType;
  doc: string;
  /** SQL over the entity's alias; `today` is the SQL of the evaluation date */
  sql: (alias: string, today: string) => string;
  /** the column may be null: a comparison on null is false, not null (so `_not` is a plain complement) */
  nullable?: boolean;
  /** a credit code: values compared for (in)equality are taken only in canonical form */
  creditCode?: boolean;
  /** the column's own SQL type where it is not the type's usual cast: a value cast to text would cast the
   *  column instead (char(1) = text compares as text) and no index on it could serve the comparison */
  sqlCast?: string;
}

/** Records filtered through a `<type>Where` input. */
export interface FilterEntity {
  /** GraphQL name stem: `<type>Where`, and for records of many `<type>Count` and `<type>Relation` */
  type: string;
  /** description of `<type>Where` */
  doc: string;
  table: string;
  /** the column holding the enterprise's credit code */
  fk: string;
  fields: Record<string, FilterField>;
}

/** The enterprise's records reached from EnterpriseWhere. */
export interface Link {
  entity: FilterEntity;
  /** description of the EnterpriseWhere field */
  doc: string;
}

/** One enterprise has many: `_some` / `_none` / `_count`. */
export interface ManyLink extends Link {
  /** the records in the descriptions of `<type>Count` and `<type>Relation` */
  records: string;
}

const col = (value: ValueType, column: string, doc: string, extra: Partial<FilterField> = {}): FilterField => ({
  value,
  doc,
  sql: (a) => `${a}.${column}`,
  ...extra,
});
const orNull = { nullable: true };
const department = col('Department', 'department', '部门 Department whose system holds the record');

// the three derived facts are the SQL functions of migration DerivedFacts, the twins of records/rules.ts
const HIDDEN_DANGER: FilterEntity = {
  type: 'HiddenDanger',
  doc: '隐患条件 Conditions on one hidden danger.',
  table: 'hidden_danger',
  fk: 'credit_code',
  fields: {
    level: col('HiddenDangerLevel', 'level', '等级 Level'),
    status: col('HiddenDangerStatus', 'status', '状态 Status'),
    foundBy: col('FoundBy', 'found_by', '发现方式 How it was found'),
    foundDate: col('Date', 'found_date', '发现日期 Found on'),
    deadline: col('Date', 'deadline', '整改期限 Deadline'),
    closedDate: col('Date', 'closed_date', '销号日期 Closed on', orNull),
    overdue: {
      value: 'Boolean',
      doc: '逾期 Open past its deadline today, or closed after it.',
      sql: (a, t) => `hidden_danger_overdue(${a}.status, ${a}.closed_date, ${a}.deadline, ${t})`,
    },
    department,
  },
};
const VIOLATION: FilterEntity = {
  type: 'TransportViolation',
  doc: '交通违法条件 Conditions on one transport violation.',
  table: 'transport_violation',
  fk: 'credit_code',
  fields: {
    violationKind: col('ViolationKind', 'violation_kind', '违法类型 Violation kind'),
    occurredAt: col('DateTime', 'occurred_at', '发生时间 When it occurred'),
    plateNumber: col('String', 'plate_number', '车牌号 Plate number'),
    fine: col('Float', 'fine', '罚款（元） Fine in yuan', orNull),
    department,
  },
};
const VEHICLE: FilterEntity = {
  type: 'Vehicle',
  doc: '车辆条件 Conditions on one vehicle.',
  table: 'vehicle',
  fk: 'credit_code',
  fields: {
    vehicleKind: col('VehicleKind', 'vehicle_kind', '车辆类型 Vehicle kind'),
    plateNumber: col('String', 'plate_number', '车牌号 Plate number'),
    certificateValidTo: col('Date', 'certificate_valid_to', '营运证有效期至 Operating certificate valid to', orNull),
    monitoringOnline: col('Boolean', 'monitoring_online', '动态监控在线 Monitoring online'),
  },
};
const LIST_ENTRY: FilterEntity = {
  type: 'ListEntry',
  doc: '名单条件 Conditions on one list entry.',
  table: 'list_entry',
  fk: 'credit_code',
  fields: {
    list: col('ListKind', 'list', '名单 Which list'),
    reason: col('String', 'reason', '列入原因 Reason'),
    startDate: col('Date', 'start_date', '列入日期 Start'),
    endDate: col('Date', 'end_date', '届满日期 End', orNull),
    removedDate: col('Date', 'removed_date', '移出日期 Removal / credit repair date', orNull),
    inForce: {
      value: 'Boolean',
      doc: '有效 In force today: started, not ended, not removed.',
      sql: (a, t) => `list_entry_in_force(${a}.start_date, ${a}.end_date, ${a}.removed_date, ${t})`,
    },
    department,
  },
};
const CREDENTIAL: FilterEntity = {
  type: 'Credential',
  doc: '证照条件 Conditions on one enterprise credential.',
  table: 'credential',
  fk: 'credit_code',
  fields: {
    kind: col('CredentialKind', 'credential_kind', '证照类别 Credential kind'),
    status: col('CredentialStatus', 'status', '状态 Status'),
    category: col('String', 'category', '类别 Category', orNull),
    grade: col('String', 'grade', '等级 Grade', orNull),
    validFrom: col('Date', 'valid_from', '有效期起 Valid from', orNull),
    validTo: col('Date', 'valid_to', '有效期至 Valid to', orNull),
    validNow: {
      value: 'Boolean',
      doc: '当前有效 Valid today: period covers today, not suspended or revoked.',
      sql: (a, t) => `credential_valid_on(${a}.valid_from, ${a}.valid_to, ${a}.status, ${t})`,
    },
    issuerDepartment: col('Department', 'issuer_department', '发证部门 Issuing department'),
  },
};
const PENALTY: FilterEntity = {
  type: 'Penalty',
  doc: '处罚条件 Conditions on one penalty.',
  table: 'penalty',
  fk: 'credit_code',
  fields: {
    decisionDate: col('Date', 'decision_date', '处罚决定日期 Decision date'),
    penaltyType: col('String', 'penalty_type', '处罚种类 Penalty type'),
    amount: col('Float', 'amount', '罚款金额（元） Amount in yuan', orNull),
    department,
  },
};
const ACCIDENT: FilterEntity = {
  type: 'Accident',
  doc: '事故条件 Conditions on one accident.',
  table: 'accident',
  fk: 'credit_code',
  fields: {
    level: col('AccidentLevel', 'level', '等级 Level'),
    occurredOn: col('Date', 'occurred_on', '发生日期 Date'),
    deaths: col('Int', 'deaths', '死亡人数 Deaths'),
    department,
  },
};
const RISK: FilterEntity = {
  type: 'Risk',
  doc: '风险条件 Conditions on the stored risk.',
  table: 'enterprise_risk',
  fk: 'credit_code',
  fields: {
    score: col('Float', 'score', '风险分值 Score 0-100'),
    tier: col('RiskTier', 'tier', '风险等级 Tier', { sqlCast: 'bpchar' }),
    version: col('Int', 'version', '权重版本 Risk weights version'),
  },
};

/** EnterpriseWhere: the enterprise's own fields, then what it has one of, then what it has many of. */
export interface RootFilter extends FilterEntity {
  /** at most one row per enterprise: its conditions hold of that row (no row: false) */
  one: Record<string, Link>;
  many: Record<string, ManyLink>;
}

export const ENTERPRISE_FILTER: RootFilter = {
  type: 'Enterprise',
  doc: "企业条件 A boolean expression over enterprises, their risk and every department's records.",
  table: 'enterprise',
  fk: 'credit_code',
  fields: {
    creditCode: col('String', 'credit_code', '统一社会信用代码', { creditCode: true }),
    name: col('String', 'name', '企业名称 (registered name; `_like` e.g. `%建工%`)'),
    type: col('String', 'type', '企业类型'),
    status: col('EnterpriseStatus', 'status', '登记状态'),
    divisionCode: col('String', 'division_code', '行政区划代码 (prefix with `_like: "4201%"`)'),
    industryCode: col('String', 'industry_code', '行业代码 (prefix with `_like: "E47%"`)'),
    registeredCapital: col('Float', 'registered_capital', '注册资本（万元）'),
    establishedDate: col('Date', 'established_date', '成立日期'),
  },
  one: {
    risk: { entity: RISK, doc: '风险画像 The stored risk (an enterprise not yet scored matches no risk condition).' },
  },
  many: {
    hiddenDangers: { entity: HIDDEN_DANGER, doc: '隐患 Hidden dangers (应急管理, 消防).', records: 'hidden dangers' },
    violations: { entity: VIOLATION, doc: '交通违法 Transport violations 三超一疲劳.', records: 'transport violations' },
    vehicles: { entity: VEHICLE, doc: '营运车辆 Vehicles.', records: 'vehicles' },
    listEntries: { entity: LIST_ENTRY, doc: '名单 Enterprise list entries (all departments).', records: 'list entries' },
    credentials: { entity: CREDENTIAL, doc: '证照 Enterprise credentials (all departments).', records: 'credentials' },
    penalties: { entity: PENALTY, doc: '行政处罚 Penalties (all departments).', records: 'penalties' },
    accidents: { entity: ACCIDENT, doc: '生产安全事故 Accidents.', records: 'accidents' },
  },
};

/** The boolean combinators of every `<type>Where`. */
export const BOOL_DOCS = { _and: '且 All of these hold', _or: '或 At least one of these holds', _not: '非 This does not hold' } as const;

/** `<type>Relation`: the relationship operators. */
export const RELATION_DOCS = {
  _some: '存在 At least one record matches',
  _none: '不存在 No record matches',
  _count: '计数 The number of records, compared',
} as const;

/** `<type>Count`: the operators a record count is compared with (besides `where`). */
export const COUNT_OPS = ['_eq', '_neq', '_gt', '_gte', '_lt', '_lte'] as const satisfies readonly ComparisonOp[];
export const COUNT_WHERE_DOC = '条件 Count only the records matching this';
