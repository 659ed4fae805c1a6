/**
 * Chinese label tables shared by every page: enum values of the GraphQL schema → the words officers use.
 * Unknown values fall back to the value itself (a new enum value shows, rather than disappearing). Departments, and
 * the list and credential kinds a department package adds, come from the registry (generated).
 */
import { DEPARTMENTS, PACKAGE_CREDENTIAL_KIND_ZH, PACKAGE_LIST_ZH } from './generated/departments.js';

export const label = (table: Record<string, string>, value: string | null | undefined): string =>
  value == null ? '—' : (table[value] ?? value);

export const ROLE_ZH: Record<string, string> = {
  licensing_officer: '许可审批经办人',
  inspector: '执法检查人员',
  analyst: '数据分析人员',
  department_operator: '部门系统运维',
  admin: '系统管理员',
};

export const DEPARTMENT_ZH: Record<string, string> = {
  ...Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.nameZh])),
  SAFETY_COMMITTEE: '安委会办公室',
};

/** 许可事项 LicensingMatter */
export const MATTER_ZH: Record<string, string> = {
  CONSTRUCTION_QUALIFICATION: '建筑业企业资质',
  CONSTRUCTION_SAFETY_LICENCE: '建筑施工企业安全生产许可证',
  MINE_SAFETY_LICENCE: '矿山安全生产许可证',
  HAZCHEM_SAFETY_LICENCE: '危险化学品安全生产/经营许可证',
  FIREWORKS_SAFETY_LICENCE: '烟花爆竹安全生产/经营许可证',
  ROAD_TRANSPORT_LICENCE: '道路运输经营许可证',
  FIRE_SAFETY_ACCEPTANCE: '建设工程消防验收',
  FIRE_PRE_OPENING_INSPECTION: '公众聚集场所投入使用、营业前消防安全检查',
  GOVERNMENT_PROCUREMENT: '政府采购',
  PUBLIC_BIDDING: '公共资源招投标',
  PRINCIPAL_APPOINTMENT: '担任主要负责人',
};

/** 核查结论 CheckDecision */
export const DECISION_ZH: Record<string, string> = { PASS: '通过', RESTRICT: '限制', DENY: '不予许可' };

/** 名单 ListKind */
export const LIST_ZH: Record<string, string> = {
  SAFETY_DISHONEST: '安全生产失信联合惩戒名单',
  SERIOUS_ILLEGAL_DISHONEST: '严重违法失信名单',
  ABNORMAL_OPERATION: '经营异常名录',
  CONSTRUCTION_BLACKLIST: '建筑市场主体黑名单',
  TRANSPORT_DISHONEST: '交通运输严重失信名单',
  FIRE_DISHONEST: '消防安全严重失信名单',
  PRINCIPAL_BAN: '主要负责人从业禁止',
  ...PACKAGE_LIST_ZH,
};

/** 命中主体 HitSubject */
export const SUBJECT_ZH: Record<string, string> = {
  ENTERPRISE: '企业本身',
  LEGAL_REPRESENTATIVE: '法定代表人',
  PRINCIPAL: '主要负责人',
  ACTUAL_CONTROLLER: '实际控制人',
  NAMED_PERSON: '申请材料所列人员',
};

export const EFFECT_ZH: Record<string, string> = { DENY: '不予许可', RESTRICT: '限制' };

/** 反馈处理结果 FeedbackAction */
export const FEEDBACK_ACTION_ZH: Record<string, string> = {
  MEASURES_APPLIED: '已实施惩戒措施',
  NO_MEASURE_APPLIED: '未实施（附理由）',
  GRANTED: '准予许可',
  REFUSED: '不予许可',
};

export const ENTERPRISE_STATUS_ZH: Record<string, string> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销' };

export const NAME_MATCH_ZH: Record<string, string> = { EXACT: '名称一致', NORMALISED: '规范化一致', SIMILAR: '相似名称' };

export const BAN_SCOPE_ZH: Record<string, string> = { ALL_UNITS: '所有生产经营单位（五年）', INDUSTRY: '本行业（终身）' };

/** A Chinese sentence for an error code, when the server sent no messageZh. */
export function errorCodeZh(code: string, status = 0): string {
  switch (code) {
    case 'UNAUTHENTICATED':
      return '登录已失效，请重新登录。';
    case 'FORBIDDEN':
      return '您的角色无权执行此操作。';
    case 'BAD_USER_INPUT':
    case 'BAD_REQUEST':
    case 'GRAPHQL_VALIDATION_FAILED':
      return '输入内容有误，请检查后重试。';
    case 'NOT_FOUND':
      return '未找到对应记录。';
    case 'RATE_LIMITED':
      return '操作过于频繁，请稍后再试。';
    case 'BUSY':
      return '系统繁忙，请稍后再试。';
    case 'SOURCE_UNAVAILABLE':
      return '部分部门数据源暂时不可用，显示的是已同步的数据。';
    case 'PAYLOAD_TOO_LARGE':
      return '提交的内容过大。';
    case 'CSRF':
    case 'CSRF_FAILED':
      return '页面已过期，请刷新后重试。';
    case 'NETWORK':
      return '无法连接到数据枢纽，请检查网络后重试。';
    default:
      if (status === 401) return '登录已失效，请重新登录。';
      if (status === 403) return '您的角色无权执行此操作。';
      if (status === 404) return '未找到对应记录。';
      if (status === 429) return '操作过于频繁，请稍后再试。';
      if (status >= 500) return '数据枢纽暂时无法处理请求，请稍后再试。';
      return '操作未成功，请稍后再试。';
  }
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** 人员角色 PersonRole */
export const PERSON_ROLE_ZH: Record<string, string> = {
  LEGAL_REPRESENTATIVE: '法定代表人',
  PRINCIPAL: '主要负责人',
  ACTUAL_CONTROLLER: '实际控制人',
  SAFETY_DIRECTOR: '安全总监',
  SAFETY_MANAGER: '安全管理人员',
  PROJECT_MANAGER: '项目经理',
  REGISTERED_SAFETY_ENGINEER: '注册安全工程师',
  SPECIAL_OPERATOR: '特种作业人员',
};

/** 证照类别 CredentialKind */
export const CREDENTIAL_KIND_ZH: Record<string, string> = {
  CONSTRUCTION_QUALIFICATION: '建筑业企业资质',
  CONSTRUCTION_SAFETY_LICENCE: '建筑施工企业安全生产许可证',
  SAFETY_PRODUCTION_LICENCE: '安全生产许可证',
  HAZCHEM_OPERATION_LICENCE: '危险化学品经营许可证',
  ROAD_TRANSPORT_LICENCE: '道路运输经营许可证',
  GAS_OPERATION_LICENCE: '燃气经营许可证',
  REGISTERED_CONSTRUCTOR: '注册建造师',
  SAFETY_CERTIFICATE_ABC: '三类人员安全生产考核合格证',
  SPECIAL_OPERATION_CERTIFICATE: '特种作业操作证',
  REGISTERED_SAFETY_ENGINEER: '注册安全工程师',
  ...PACKAGE_CREDENTIAL_KIND_ZH,
};

export const CREDENTIAL_STATUS_ZH: Record<string, string> = { VALID: '有效', EXPIRED: '过期', SUSPENDED: '暂扣', REVOKED: '吊销/撤销' };
export const HIDDEN_DANGER_LEVEL_ZH: Record<string, string> = { MAJOR: '重大隐患', GENERAL: '一般隐患' };
export const HIDDEN_DANGER_STATUS_ZH: Record<string, string> = { OPEN: '未整改', RECTIFYING: '整改中', CLOSED: '已销号' };
export const ACCIDENT_LEVEL_ZH: Record<string, string> = { ESPECIALLY_MAJOR: '特别重大', MAJOR: '重大', LARGER: '较大', GENERAL: '一般' };
export const VEHICLE_KIND_ZH: Record<string, string> = {
  PASSENGER_COACH: '班线客车',
  TOURIST_COACH: '旅游包车',
  DANGEROUS_GOODS: '危险货物运输车',
  HEAVY_FREIGHT: '重型货车',
};
export const INSPECTION_RESULT_ZH: Record<string, string> = { PASSED: '合格', HAZARDS_FOUND: '发现隐患', SEALED: '临时查封' };
/** 数据模式 DataMode */
export const DATA_MODE_ZH: Record<string, string> = { STORED: '库存数据', LIVE: '实时数据', STORED_FALLBACK: '实时读取失败，显示库存数据' };
/** SourceProblem.reason */
export const SOURCE_REASON_ZH: Record<string, string> = {
  TIMEOUT: '响应超时',
  UNAVAILABLE: '系统不可用',
  BAD_RESPONSE: '返回数据异常',
  REFUSED: '拒绝访问',
};
export const VIOLATION_KIND_ZH: Record<string, string> = { OVERSPEED: '超速', OVERLOAD: '超载', OVER_LIMIT: '超限', FATIGUE: '疲劳驾驶' };
