/**
 * The planted scenarios: enterprises, persons and projects at fixed indexes (0 … PLANTED_COUNT-1)
 * whose faults are known exactly, so tests and demos can find each case the checks must catch — and
 * clean ones that must produce nothing. Everything past them is background data.
 */
import type { ProjectScale } from '../domain/canonical.js';
import type { EnterprisePlan } from './enterprise-records.js';
import {
  enterpriseProfile,
  personOf,
  SLOT,
  type EnterpriseProfile,
  type PersonProfile,
  type ProfileOverride,
  type WorldParams,
} from './profile.js';
import { projectCode, type ContractPlan, type ProjectPlan } from './projects.js';
import { addDays, addYears, daysBetween } from './random.js';

interface PlantedEnterprise {
  key: string;
  note: string;
  override: ProfileOverride;
  plan: (w: PlantedWorld) => EnterprisePlan;
}

const GC1 = { category: '施工总承包', sequence: '建筑工程', grade: '一级' } as const;
const clean =
  (extra: EnterprisePlan = {}) =>
  () => ({ clean: true, ...extra });

const PLANTED: PlantedEnterprise[] = [
  { key: 'clean.general', note: '无任何不良记录的一般企业', override: { industryCode: 'I6510', status: 'ACTIVE' }, plan: clean() },
  { key: 'clean.mine', note: '配备齐全、证照有效的煤矿', override: { industryCode: 'B0610', status: 'ACTIVE' }, plan: clean() },
  {
    key: 'list.SAFETY_DISHONEST',
    note: '安全生产失信联合惩戒名单在列',
    override: { industryCode: 'C2614', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 100 }] }),
  },
  {
    key: 'list.SERIOUS_ILLEGAL_DISHONEST',
    note: '严重违法失信名单在列',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SERIOUS_ILLEGAL_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 200 }] }),
  },
  {
    key: 'list.ABNORMAL_OPERATION',
    note: '经营异常名录在列',
    override: { industryCode: 'F5211', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'ABNORMAL_OPERATION', subject: 'ENTERPRISE', startDaysAgo: 60 }] }),
  },
  {
    key: 'list.CONSTRUCTION_BLACKLIST',
    note: '建筑市场主体黑名单在列的专业承包企业',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '专业承包', sequence: '地基基础工程', grade: '一级' },
      registeredCapital: 5000,
    },
    plan: clean({ lists: [{ list: 'CONSTRUCTION_BLACKLIST', subject: 'ENTERPRISE', startDaysAgo: 90 }] }),
  },
  {
    key: 'list.TRANSPORT_DISHONEST',
    note: '交通运输严重失信名单在列',
    override: { industryCode: 'G5431', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'TRANSPORT_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 30 }] }),
  },
  {
    key: 'list.FIRE_DISHONEST',
    note: '消防安全严重失信名单在列',
    override: { industryCode: 'H6110', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'FIRE_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 45 }] }),
  },
  {
    key: 'list.expired',
    note: '失信名单已到期（不应命中）',
    override: { industryCode: 'C2661', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 500, endInDays: -135 }] }),
  },
  {
    key: 'list.removed',
    note: '已信用修复移出名单（不应命中）',
    override: { industryCode: 'C2661', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 100, removedDaysAgo: 20 }] }),
  },
  {
    key: 'list.future',
    note: '列入日期在今天之后（今天不应命中）',
    override: { industryCode: 'C2661', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: -10 }] }),
  },
  {
    key: 'person.legalRepListed',
    note: '法定代表人本人列入安全生产失信名单',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: clean({ lists: [{ list: 'SAFETY_DISHONEST', subject: 'LEGAL_REPRESENTATIVE', startDaysAgo: 50 }] }),
  },
  {
    key: 'ban.fiveYear',
    note: '主要负责人受刑事处罚，五年内不得担任主要负责人（10天后到期）',
    override: { industryCode: 'C2614', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      principal: w.person('ban.fiveYear', SLOT.PRINCIPAL),
      lists: [
        {
          list: 'PRINCIPAL_BAN',
          subject: 'PRINCIPAL',
          startDaysAgo: daysBetween(addYears(addDays(w.p.today, 10), -5), w.p.today),
          endInDays: 10,
          banScope: 'ALL_UNITS',
        },
      ],
    }),
  },
  {
    key: 'ban.lifetime.sameIndustry',
    note: '对重大事故负主要责任的主要负责人，终身不得担任本行业主要负责人（煤矿）',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      principal: w.person('ban.lifetime.sameIndustry', SLOT.PRINCIPAL),
      lists: [
        { list: 'PRINCIPAL_BAN', subject: 'PRINCIPAL', startDaysAgo: 800, endInDays: null, banScope: 'INDUSTRY', banIndustry: 'B06' },
      ],
    }),
  },
  {
    key: 'ban.lifetime.otherIndustry',
    note: '同一人在其他行业企业任主要负责人（终身禁入不适用）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({ clean: true, principal: w.person('ban.lifetime.sameIndustry', SLOT.PRINCIPAL) }),
  },
  { key: 'enterprise.revoked', note: '吊销营业执照', override: { industryCode: 'F5211', status: 'REVOKED' }, plan: clean() },
  { key: 'enterprise.cancelled', note: '已注销', override: { industryCode: 'I6510', status: 'CANCELLED' }, plan: clean() },
  {
    key: 'name.ambiguous.1',
    note: '同名企业之一',
    override: { industryCode: 'L7211', status: 'ACTIVE', name: '华泰实业有限公司' },
    plan: clean(),
  },
  {
    key: 'name.ambiguous.2',
    note: '同名企业之二（不同地区登记）',
    override: { industryCode: 'L7211', status: 'ACTIVE', name: '华泰实业有限公司' },
    plan: clean(),
  },
  {
    key: 'hiddenDanger.overdueMajor',
    note: '重大事故隐患逾期未整改',
    override: { industryCode: 'C2614', status: 'ACTIVE' },
    plan: clean({ hiddenDangers: [{ level: 'MAJOR', overdueDays: 45 }] }),
  },
  {
    key: 'accident.ESPECIALLY_MAJOR',
    note: '特别重大事故',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: clean({ accidents: [{ level: 'ESPECIALLY_MAJOR', yearsAgo: 1 }] }),
  },
  {
    key: 'accident.MAJOR',
    note: '重大事故',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: clean({ accidents: [{ level: 'MAJOR', yearsAgo: 1 }] }),
  },
  {
    key: 'accident.LARGER',
    note: '较大事故',
    override: { industryCode: 'C3110', status: 'ACTIVE' },
    plan: clean({ accidents: [{ level: 'LARGER', yearsAgo: 1 }] }),
  },
  {
    key: 'accident.GENERAL',
    note: '一般事故',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({ accidents: [{ level: 'GENERAL', yearsAgo: 1 }] }),
  },
  {
    key: 'highRisk.noSafetyDirector',
    note: '矿山企业未配备安全总监',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: clean({ noSafetyDirector: true }),
  },
  {
    key: 'highRisk.engineersUnder15',
    note: '中级及以上注册安全工程师比例低于15%',
    override: { industryCode: 'C2614', status: 'ACTIVE' },
    plan: clean({ engineersUnder15: true }),
  },
  {
    key: 'highRisk.noInsurance',
    note: '安全生产责任保险已过期',
    override: { industryCode: 'B0810', status: 'ACTIVE' },
    plan: clean({ insuranceExpired: true }),
  },
  {
    key: 'highRisk.specialOperatorUncertified',
    note: '特种作业人员证书过期或无证',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: clean({ specialOperatorsUncertified: true }),
  },
  {
    key: 'risk.high',
    note: '多项风险因素叠加（应为最高风险等级）',
    override: { industryCode: 'C2614', status: 'ACTIVE' },
    plan: clean({
      noSafetyDirector: true,
      insuranceExpired: true,
      hiddenDangers: [{ level: 'MAJOR', overdueDays: 60 }, { level: 'MAJOR', overdueDays: 20 }, { level: 'GENERAL' }],
      accidents: [{ level: 'LARGER', yearsAgo: 1 }],
      penalties: [
        { department: 'EMERGENCY', yearsAgo: 0.5 },
        { department: 'EMERGENCY', yearsAgo: 1 },
        { department: 'FIRE', yearsAgo: 1.5 },
      ],
      lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 30 }],
    }),
  },
  {
    key: 'dirt.orgCodeOnly',
    note: '各部门记录只有组织机构代码',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: clean({ penalties: [{ department: 'MARKET', yearsAgo: 1 }], dirt: { refStyle: 'orgCode' } }),
  },
  {
    key: 'dirt.nameOnly',
    note: '各部门记录只有企业名称',
    override: { industryCode: 'F5211', status: 'ACTIVE' },
    plan: clean({ penalties: [{ department: 'FIRE', yearsAgo: 1 }], dirt: { refStyle: 'name' } }),
  },
  {
    key: 'dirt.fullWidthName',
    note: '企业名称含全角字符、括号和空格',
    override: { industryCode: 'H6110', status: 'ACTIVE' },
    plan: clean({ penalties: [{ department: 'FIRE', yearsAgo: 1 }], dirt: { refStyle: 'fullWidthName' } }),
  },
  {
    key: 'dirt.malformedPenalty',
    note: '一条格式错误的处罚记录（应进入隔离区）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: clean({ penalties: [{ department: 'MARKET', yearsAgo: 1 }], dirt: { malformedPenalty: true } }),
  },
  {
    key: 'enterprise.checksumFailed',
    note: '校验位不符但真实发放的统一社会信用代码',
    override: { industryCode: 'F5211', status: 'ACTIVE', creditCodeChecksumFailed: true },
    plan: clean(),
  },
  {
    key: 'allDepartments',
    note: '五个部门都有记录的施工总承包企业',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({
      ownVehicles: 3,
      violations: 2,
      fireInspection: true,
      hiddenDangers: [{ level: 'GENERAL' }],
      penalties: [{ department: 'FIRE', yearsAgo: 1 }],
    }),
  },
  {
    key: 'contractor.gcClean',
    note: '施工总承包一级（建筑工程），合规',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({ extraConstructor: { category: '二级建造师', scope: '市政公用工程' } }),
  },
  {
    key: 'contractor.profClean',
    note: '专业承包一级（地基基础工程），合规',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '专业承包', sequence: '地基基础工程', grade: '一级' },
      registeredCapital: 2000,
    },
    plan: clean(),
  },
  {
    key: 'contractor.labourClean',
    note: '施工劳务企业，合规',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '施工劳务', sequence: '施工劳务', grade: null },
      registeredCapital: 200,
    },
    plan: clean(),
  },
  {
    key: 'contractor.profOnlyAsGc',
    note: '只有专业承包资质却承接施工总承包',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '专业承包', sequence: '钢结构工程', grade: '二级' },
      registeredCapital: 1000,
    },
    plan: clean(),
  },
  {
    key: 'contractor.gcGrade3',
    note: '施工总承包三级，承接大型项目',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '施工总承包', sequence: '建筑工程', grade: '三级' },
      registeredCapital: 300,
    },
    plan: clean(),
  },
  {
    key: 'contractor.gcQualExpired',
    note: '施工总承包资质已过期',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({ qualificationExpired: true }),
  },
  {
    key: 'contractor.gcNoSafetyLicence',
    note: '安全生产许可证已过期',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({ safetyLicenceExpired: true }),
  },
  { key: 'builder', note: '建设单位（房地产开发）', override: { industryCode: 'K7010', status: 'ACTIVE' }, plan: clean() },
  {
    key: 'contractor.gc2Clean',
    note: '另一家施工总承包一级企业（转包承接方、挂靠出借方）',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean(),
  },
  {
    key: 'contractor.prof2Clean',
    note: '另一家专业承包企业（再分包承接方）',
    override: {
      industryCode: 'E4710',
      status: 'ACTIVE',
      qualification: { category: '专业承包', sequence: '地基基础工程', grade: '一级' },
      registeredCapital: 2000,
    },
    plan: clean(),
  },
  // issue 18.2/18.3
  {
    key: 'contractor.gcQualNotYetValid',
    note: '施工总承包资质在合同签订后才取得',
    override: { industryCode: 'E4710', status: 'ACTIVE', qualification: GC1, registeredCapital: 5000 },
    plan: clean({ qualificationIssuedDaysAgo: 120 }),
  },
  {
    key: 'accident.levelUnderstated',
    note: '事故记为一般事故，但死亡4人（按条例应为较大事故）',
    override: { industryCode: 'B0610', status: 'ACTIVE' },
    plan: clean({ accidents: [{ level: 'GENERAL', deaths: 4, yearsAgo: 1 }] }),
  },
  // issue 18.1: a listing follows its people (the listed enterprise's legal representative and principal on the listing day)
  {
    key: 'follow.listed',
    note: '严重违法失信名单在列，其法定代表人、主要负责人另任他企负责人',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      principal: w.person('follow.listed', SLOT.PRINCIPAL),
      lists: [{ list: 'SERIOUS_ILLEGAL_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 200 }],
    }),
  },
  {
    key: 'follow.applicant',
    note: '法定代表人、主要负责人即严重违法失信企业的法定代表人、主要负责人（名单随人）',
    override: { industryCode: 'F5211', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      legalRepresentative: w.person('follow.listed', SLOT.LEGAL_REPRESENTATIVE),
      principal: w.person('follow.listed', SLOT.PRINCIPAL),
    }),
  },
  {
    key: 'follow.safety.applicant',
    note: '主要负责人即安全生产失信企业的法定代表人（名单随人）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({ clean: true, principal: w.person('list.SAFETY_DISHONEST', SLOT.LEGAL_REPRESENTATIVE) }),
  },
  {
    key: 'follow.formerRep.listed',
    note: '安全生产失信名单在列；前任法定代表人在列入前已离任',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      principal: w.person('follow.formerRep.listed', SLOT.PRINCIPAL),
      legalRepresentativeSinceDaysAgo: 399,
      formerLegalRepresentative: {
        who: w.person('follow.formerRep.applicant', SLOT.LEGAL_REPRESENTATIVE),
        sinceDaysAgo: 1500,
        untilDaysAgo: 400,
      },
      lists: [{ list: 'SAFETY_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: 100 }],
    }),
  },
  {
    key: 'follow.formerRep.applicant',
    note: '法定代表人曾任失信企业法定代表人，但在其列入名单前已离任（不应命中）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({ clean: true, principal: w.person('follow.formerRep.applicant', SLOT.PRINCIPAL) }),
  },
  {
    key: 'follow.expired.applicant',
    note: '法定代表人即失信名单已到期企业的法定代表人（不应命中）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      legalRepresentative: w.person('list.expired', SLOT.LEGAL_REPRESENTATIVE),
      principal: w.person('follow.expired.applicant', SLOT.PRINCIPAL),
    }),
  },
  {
    key: 'follow.notFollowing.applicant',
    note: '法定代表人即经营异常名录在列企业的法定代表人（经营异常名录不随人，不应命中）',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({
      clean: true,
      legalRepresentative: w.person('list.ABNORMAL_OPERATION', SLOT.LEGAL_REPRESENTATIVE),
      principal: w.person('follow.notFollowing.applicant', SLOT.PRINCIPAL),
    }),
  },
  {
    key: 'ban.fiveYear.elsewhere',
    note: '五年从业禁止的人员在另一企业任主要负责人',
    override: { industryCode: 'I6510', status: 'ACTIVE' },
    plan: (w) => ({ clean: true, principal: w.person('ban.fiveYear', SLOT.PRINCIPAL) }),
  },
];

export const PLANTED_COUNT = PLANTED.length;
/** Worlds smaller than this carry no planted scenarios (quick demos). */
export const PLANTED_MIN_ENTERPRISES = PLANTED_COUNT + 60;
const PLANTED_BY_KEY = new Map(PLANTED.map((x, i) => [x.key, i]));

interface PlannedProject {
  key: string;
  note: string;
  scale: ProjectScale;
  startDaysAgo?: number;
  /** rule ids the hub should find (informational, for tests and demos) */
  expect: string[];
  contracts: (w: PlantedWorld) => ContractPlan[];
}

const gc = (w: PlantedWorld, key = 'contractor.gcClean', extra: Partial<ContractPlan> = {}): ContractPlan => ({
  parent: null,
  kind: 'GENERAL',
  contractor: w.enterprise(key),
  ...extra,
});
const prof = (w: PlantedWorld, parent: number, key = 'contractor.profClean', extra: Partial<ContractPlan> = {}): ContractPlan => ({
  parent,
  kind: 'PROFESSIONAL_SUBCONTRACT',
  contractor: w.enterprise(key),
  ...extra,
});
const labour = (w: PlantedWorld, parent: number): ContractPlan => ({
  parent,
  kind: 'LABOUR_SUBCONTRACT',
  contractor: w.enterprise('contractor.labourClean'),
});

const PROJECTS: PlannedProject[] = [
  { key: 'project.clean', note: '合规项目', scale: 'MEDIUM', expect: [], contracts: (w) => [gc(w), prof(w, 0), labour(w, 1)] },
  {
    key: 'project.deepChainLabourBottom',
    note: '四层合同链，底层为劳务分包（劳务分包不是再分包）',
    scale: 'MEDIUM',
    expect: ['RESUBCONTRACT'],
    contracts: (w) => [gc(w), prof(w, 0), prof(w, 1, 'contractor.prof2Clean'), labour(w, 2)],
  },
  {
    key: 'project.transfer',
    note: '总承包单位将全部工程转给他人（转包）',
    scale: 'MEDIUM',
    expect: ['WHOLE_TRANSFER'],
    contracts: (w) => [gc(w), prof(w, 0, 'contractor.gc2Clean', { coversAllWork: true, scope: '全部施工内容' })],
  },
  {
    key: 'project.mainStructure',
    note: '主体结构分包',
    scale: 'MEDIUM',
    expect: ['MAIN_STRUCTURE_SUBCONTRACTED'],
    contracts: (w) => [gc(w), prof(w, 0, 'contractor.profClean', { coversMainStructure: true, scope: '主体结构施工' })],
  },
  {
    key: 'project.resubcontract',
    note: '专业分包单位再分包',
    scale: 'MEDIUM',
    expect: ['RESUBCONTRACT'],
    contracts: (w) => [gc(w), prof(w, 0), prof(w, 1, 'contractor.prof2Clean')],
  },
  {
    key: 'project.chainTooDeep',
    note: '层层转包：合同链超过允许层级',
    scale: 'MEDIUM',
    expect: ['RESUBCONTRACT', 'CHAIN_TOO_DEEP'],
    contracts: (w) => [
      gc(w),
      prof(w, 0),
      prof(w, 1, 'contractor.prof2Clean'),
      prof(w, 2, 'contractor.profClean'),
      prof(w, 3, 'contractor.prof2Clean'),
    ],
  },
  {
    key: 'project.pmElsewhere',
    note: '项目经理注册在其他企业（挂靠）',
    scale: 'MEDIUM',
    expect: ['QUALIFICATION_BORROWING'],
    contracts: (w) => [gc(w, 'contractor.gcClean', { projectManager: w.person('contractor.gc2Clean', SLOT.PROJECT_MANAGER) })],
  },
  {
    key: 'project.pmWrongSpecialty',
    note: '项目经理专业（市政公用工程）和级别（二级）与大型建筑工程不符',
    scale: 'LARGE',
    expect: ['QUALIFICATION_BORROWING'],
    contracts: (w) => [gc(w, 'contractor.gcClean', { projectManager: w.person('contractor.gcClean', SLOT.SAFETY_MANAGER_2) })],
  },
  {
    key: 'project.noSafetyAgreement',
    note: '分包合同未签订安全生产协议',
    scale: 'MEDIUM',
    expect: ['NO_SAFETY_AGREEMENT'],
    contracts: (w) => [gc(w), prof(w, 0, 'contractor.profClean', { safetyAgreementSigned: false })],
  },
  {
    key: 'project.unqualifiedCategory',
    note: '无施工总承包资质承接总承包',
    scale: 'MEDIUM',
    expect: ['QUALIFICATION_MISSING'],
    contracts: (w) => [gc(w, 'contractor.profOnlyAsGc')],
  },
  {
    key: 'project.gradeTooLow',
    note: '三级资质承接大型项目',
    scale: 'LARGE',
    expect: ['QUALIFICATION_GRADE'],
    contracts: (w) => [gc(w, 'contractor.gcGrade3')],
  },
  {
    key: 'project.qualificationExpired',
    note: '合同签订时资质已过期',
    scale: 'MEDIUM',
    expect: ['QUALIFICATION_EXPIRED'],
    contracts: (w) => [gc(w, 'contractor.gcQualExpired')],
  },
  {
    key: 'project.noSafetyLicence',
    note: '总承包单位安全生产许可证已过期',
    scale: 'MEDIUM',
    expect: ['NO_SAFETY_LICENCE'],
    contracts: (w) => [gc(w, 'contractor.gcNoSafetyLicence')],
  },
  {
    key: 'project.blacklistedParty',
    note: '分包单位在建筑市场主体黑名单',
    scale: 'MEDIUM',
    expect: ['BLACKLISTED_PARTY'],
    contracts: (w) => [gc(w), prof(w, 0, 'list.CONSTRUCTION_BLACKLIST')],
  },
  // issue 18.2/18.3: signed 430 days ago, the qualification issued 120 days ago
  {
    key: 'project.qualificationNotYetValid',
    note: '合同签订时尚未取得资质（资质在签订后才取得）',
    scale: 'MEDIUM',
    startDaysAgo: 400,
    expect: ['QUALIFICATION_NOT_YET_VALID'],
    contracts: (w) => [gc(w, 'contractor.gcQualNotYetValid')],
  },
];

export class PlantedWorld {
  constructor(readonly p: WorldParams) {}
  get active(): boolean {
    return this.p.enterprises >= PLANTED_MIN_ENTERPRISES;
  }
  isPlanted(index: number): boolean {
    return this.active && index < PLANTED_COUNT;
  }
  indexOf(key: string): number {
    const i = PLANTED_BY_KEY.get(key);
    if (i === undefined) throw new Error(`no planted scenario '${key}'`);
    return i;
  }
  enterprise(key: string): EnterpriseProfile {
    const i = this.indexOf(key);
    return enterpriseProfile(this.p, i, PLANTED[i]!.override);
  }
  person(key: string, slot: number): PersonProfile {
    return personOf(this.p, this.indexOf(key), slot);
  }
  /** profile and plan of a planted enterprise, or null for background ones */
  planFor(index: number): { profile: EnterpriseProfile; plan: EnterprisePlan } | null {
    if (!this.isPlanted(index)) return null;
    const x = PLANTED[index]!;
    return { profile: enterpriseProfile(this.p, index, x.override), plan: x.plan(this) };
  }
  /** the planted projects, all built by the planted builder */
  projects(): (ProjectPlan & { key: string; note: string; expect: string[] })[] {
    if (!this.active) return [];
    const builder = this.enterprise('builder');
    return PROJECTS.map((x, n) => ({
      key: x.key,
      note: x.note,
      expect: x.expect,
      startDaysAgo: x.startDaysAgo,
      code: projectCode(builder, n),
      name: `${builder.county.city}${x.note.slice(0, 6)}示范工程`,
      builder,
      scale: x.scale,
      requiredSequence: '建筑工程',
      contracts: x.contracts(this),
    }));
  }
  /** background projects of the builder start after the planted ones */
  get plantedProjectCount(): number {
    return PROJECTS.length;
  }

  /** What is where: the scenario index tests and demos look cases up in. */
  index(): ScenarioIndex {
    const enterprises: ScenarioIndex['enterprises'] = {};
    const persons: ScenarioIndex['persons'] = {};
    const projects: ScenarioIndex['projects'] = {};
    if (this.active) {
      PLANTED.forEach((x, i) => {
        const e = enterpriseProfile(this.p, i, x.override);
        enterprises[x.key] = { index: i, creditCode: e.creditCode, name: e.name, industryCode: e.industry.code, note: x.note };
      });
      const personCase = (key: string, enterpriseKey: string, slot: number, note: string, extra: object = {}) => {
        const who = this.person(enterpriseKey, slot);
        persons[key] = { idNumber: who.idNumber, name: who.name, note, ...extra };
      };
      personCase('person.legalRepListed', 'person.legalRepListed', SLOT.LEGAL_REPRESENTATIVE, '法定代表人本人在失信名单');
      personCase('ban.fiveYear', 'ban.fiveYear', SLOT.PRINCIPAL, '五年从业禁止的主要负责人', { banEnds: addDays(this.p.today, 10) });
      personCase('ban.lifetime', 'ban.lifetime.sameIndustry', SLOT.PRINCIPAL, '煤矿行业终身禁入的主要负责人', { banIndustry: 'B06' });
      // issue 18.1: persons shared between enterprises
      personCase(
        'follow.legalRep',
        'follow.listed',
        SLOT.LEGAL_REPRESENTATIVE,
        '严重违法失信企业的法定代表人，另任 follow.applicant 的法定代表人',
      );
      personCase('follow.principal', 'follow.listed', SLOT.PRINCIPAL, '严重违法失信企业的主要负责人，另任 follow.applicant 的主要负责人');
      personCase(
        'follow.safetyLegalRep',
        'list.SAFETY_DISHONEST',
        SLOT.LEGAL_REPRESENTATIVE,
        '安全生产失信企业的法定代表人，另任 follow.safety.applicant 的主要负责人',
      );
      personCase('follow.formerRep', 'follow.formerRep.applicant', SLOT.LEGAL_REPRESENTATIVE, '失信企业列入前已离任的前法定代表人', {
        leftDaysAgo: 400,
      });
      personCase('follow.expiredLegalRep', 'list.expired', SLOT.LEGAL_REPRESENTATIVE, '失信名单已到期企业的法定代表人');
      personCase('follow.abnormalLegalRep', 'list.ABNORMAL_OPERATION', SLOT.LEGAL_REPRESENTATIVE, '经营异常名录在列企业的法定代表人');
      for (const x of this.projects())
        projects[x.key] = { projectCode: x.code, note: x.note, expect: x.expect, contracts: x.contracts.length };
    }
    return { seed: this.p.seed, enterprises: enterprises, persons, projects, today: this.p.today, size: this.p.enterprises };
  }
}

export interface ScenarioIndex {
  seed: number;
  today: string;
  size: number;
  enterprises: Record<string, { index: number; creditCode: string; name: string; industryCode: string; note: string }>;
  persons: Record<string, { idNumber: string; name: string; note: string; banEnds?: string; banIndustry?: string; leftDaysAgo?: number }>;
  projects: Record<string, { projectCode: string; note: string; expect: string[]; contracts: number }>;
}
