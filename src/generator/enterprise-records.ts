/**
 * Everything the five departments hold about one enterprise: registration and key persons (market),
 * qualifications and registered persons (housing), licences, staffing, hidden dangers, accidents,
 * insurance and lists (emergency), vehicles and violations (transport), inspections (fire). A clean
 * baseline by sector, then — for background enterprises — the faults real data has, at realistic rates.
 */
import type {
  AccidentLevel,
  CredentialRecord,
  Department,
  EnterpriseRef,
  HiddenDangerRecord,
  ListEntryRecord,
  LIST_KINDS,
  PersonRole,
  VehicleKind,
} from '../domain/canonical.js';
import { Emitter } from './emitter.js';
import { personOf, refOf, SLOT, type EnterpriseProfile, type PersonProfile, type WorldParams } from './profile.js';
import { EARLIEST_SIGNING_DAYS_AGO } from './projects.js';
import { addDays, addYears, Rng } from './random.js';
import { FIRE_FINDINGS, HIDDEN_DANGER_TEXTS, INSURERS, PENALTY_REASONS } from './vocab.js';

/** What a planted scenario changes in an enterprise's baseline (background enterprises draw these). */
export interface EnterprisePlan {
  /** no random faults: the enterprise is clean but for what the plan says */
  clean?: boolean;
  noSafetyDirector?: boolean;
  /** registered safety engineer only 初级 among 4 safety managers (under 15 % intermediate+) */
  engineersUnder15?: boolean;
  /** safety liability insurance expired */
  insuranceExpired?: boolean;
  /** special operators: one with an expired certificate, one with none */
  specialOperatorsUncertified?: boolean;
  /** construction qualification expired / safety licence expired */
  qualificationExpired?: boolean;
  /** the construction qualification was first issued this many days ago (after some contracts were signed) */
  qualificationIssuedDaysAgo?: number;
  safetyLicenceExpired?: boolean;
  /** the PM registered with this enterprise is really another enterprise's person */
  lists?: PlannedListEntry[];
  hiddenDangers?: { level: 'MAJOR' | 'GENERAL'; overdueDays?: number; status?: HiddenDangerRecord['status'] }[];
  /** deaths: as recorded by the source, whatever the level says (default: within the level's range) */
  accidents?: { level: AccidentLevel; yearsAgo?: number; deaths?: number }[];
  penalties?: { department: Department; yearsAgo?: number }[];
  /** the principal is this other person (e.g. one banned elsewhere) */
  principal?: PersonProfile;
  /** the legal representative is this other person (e.g. one who is another enterprise's legal representative) */
  legalRepresentative?: PersonProfile;
  /** the current legal representative took office this many days ago (default 1500) */
  legalRepresentativeSinceDaysAgo?: number;
  /** a former legal representative and their term (days before today) */
  formerLegalRepresentative?: { who: PersonProfile; sinceDaysAgo: number; untilDaysAgo: number };
  /** also has own vehicles and a road transport licence (makes a construction firm appear in transport) */
  ownVehicles?: number;
  violations?: number;
  fireInspection?: boolean;
  /** a second registered constructor (slot SAFETY_MANAGER_2) with this level and specialty */
  extraConstructor?: { category: '一级建造师' | '二级建造师'; scope: string };
  dirt?: { refStyle?: 'orgCode' | 'name' | 'fullWidthName'; malformedPenalty?: boolean };
}

export interface PlannedListEntry {
  list: CoreListKind;
  subject: 'ENTERPRISE' | 'LEGAL_REPRESENTATIVE' | 'PRINCIPAL';
  /** days relative to today */
  startDaysAgo: number;
  endInDays?: number | null;
  removedDaysAgo?: number | null;
  banScope?: 'ALL_UNITS' | 'INDUSTRY';
  banIndustry?: string;
}

/** The list kinds this generator plans (core's; a department package generates its own). */
type CoreListKind = (typeof LIST_KINDS)[number];

const LIST_DEPARTMENT: Record<CoreListKind, Department> = {
  SAFETY_DISHONEST: 'EMERGENCY',
  SERIOUS_ILLEGAL_DISHONEST: 'MARKET',
  ABNORMAL_OPERATION: 'MARKET',
  CONSTRUCTION_BLACKLIST: 'HOUSING',
  TRANSPORT_DISHONEST: 'TRANSPORT',
  FIRE_DISHONEST: 'FIRE',
  PRINCIPAL_BAN: 'EMERGENCY',
};
const LIST_BASIS: Record<CoreListKind, string> = {
  SAFETY_DISHONEST: '《安全生产严重失信主体名单管理办法》第六条',
  SERIOUS_ILLEGAL_DISHONEST: '《市场监督管理严重违法失信名单管理办法》第九条',
  ABNORMAL_OPERATION: '《企业经营异常名录管理暂行办法》第四条',
  CONSTRUCTION_BLACKLIST: '《建筑市场信用管理暂行办法》第十四条',
  TRANSPORT_DISHONEST: '《交通运输部关于印发交通运输严重失信主体名单管理办法的通知》',
  FIRE_DISHONEST: '《消防安全领域信用管理办法》',
  PRINCIPAL_BAN: '《中华人民共和国安全生产法》第九十四条',
};
const LIST_REASON: Record<CoreListKind, string> = {
  SAFETY_DISHONEST: '发生较大生产安全事故负有主要责任',
  SERIOUS_ILLEGAL_DISHONEST: '提交虚假材料取得登记',
  ABNORMAL_OPERATION: '未按规定报送年度报告',
  CONSTRUCTION_BLACKLIST: '转包、违法分包被行政处罚',
  TRANSPORT_DISHONEST: '发生重大运输安全责任事故',
  FIRE_DISHONEST: '拒不整改重大火灾隐患',
  PRINCIPAL_BAN: '对生产安全事故负有主要责任被追究刑事责任',
};
const LIST_DECISION: Record<CoreListKind, string> = {
  SAFETY_DISHONEST: '应急失信',
  SERIOUS_ILLEGAL_DISHONEST: '市监列严',
  ABNORMAL_OPERATION: '市监异',
  CONSTRUCTION_BLACKLIST: '建黑',
  TRANSPORT_DISHONEST: '交失信',
  FIRE_DISHONEST: '消失信',
  PRINCIPAL_BAN: '应急禁',
};

const HIGH_RISK_PRODUCTION = new Set(['MINE', 'HAZCHEM', 'FIREWORKS', 'METALLURGY']);

export function enterpriseRecords(
  p: WorldParams,
  e: EnterpriseProfile,
  plan: EnterprisePlan | null,
  filter?: (d: Department) => boolean,
): Emitter {
  const rng = new Rng(p.seed, 4, e.index);
  const noisy = !plan?.clean;
  const out = new Emitter(p.today, rng, `E${e.index}`, noisy, filter);
  const ref: EnterpriseRef = refOf(e);
  const t = p.today;
  const person = (slot: number) => personOf(p, e.index, slot);
  const lr = plan?.legalRepresentative ?? person(SLOT.LEGAL_REPRESENTATIVE);
  const principal = plan?.principal ?? (rng.chance(0.6) ? lr : person(SLOT.PRINCIPAL));
  const refDirt = plan?.dirt?.refStyle ? { refStyle: plan.dirt.refStyle } : undefined;
  const emittedPersons = new Map<Department, Set<number>>();
  const personRecord = (dept: Department, who: PersonProfile) => {
    // a department sends a person record once, and only for the enterprise's own persons
    if (Math.floor(who.index / 8) !== e.index) return;
    const seen = emittedPersons.get(dept) ?? new Set<number>();
    emittedPersons.set(dept, seen);
    if (seen.has(who.index)) return;
    seen.add(who.index);
    out.add(
      dept,
      { kind: 'person', idNumber: who.idNumber, name: who.name, phone: who.phone },
      { id: `${dept.slice(0, 2)}-RY-${who.index}`, dirt: plan ? {} : undefined },
    );
  };
  const role = (dept: Department, who: PersonProfile, r: PersonRole, sinceDaysAgo = 900) => {
    personRecord(dept, who);
    out.add(
      dept,
      {
        kind: 'role',
        enterprise: ref,
        idNumber: who.idNumber,
        personName: who.name,
        role: r,
        since: addDays(t, -sinceDaysAgo),
        until: null,
      },
      { dirt: plan ? (refDirt ?? {}) : undefined },
    );
  };
  const credential = (dept: Department, c: Omit<CredentialRecord, 'kind' | 'issuerDepartment'>) =>
    out.add(dept, { kind: 'credential', issuerDepartment: dept, ...c }, { dirt: plan ? {} : undefined });
  /**
   * expired: lapsed a month ago; longExpired: lapsed before any current project's contracts were signed.
   * Valid ones were issued before the earliest contract any project signs (a certificate issued after the
   * signing date does not cover the contract), their end extended by renewal (延续) as sources record it.
   */
  const validity = (expired: boolean | 'long', years = 5): { validFrom: string; validTo: string; status: 'VALID' | 'EXPIRED' } =>
    expired === 'long'
      ? { validFrom: addYears(t, -years - 4), validTo: addDays(t, -1200), status: 'EXPIRED' }
      : expired
        ? { validFrom: addYears(t, -years - 1), validTo: addDays(t, -30), status: 'EXPIRED' }
        : { validFrom: addDays(t, -(EARLIEST_SIGNING_DAYS_AGO + 60)), validTo: addYears(t, years - 2), status: 'VALID' };

  // ---------------- 市场监管: registration, key persons
  out.add(
    'MARKET',
    {
      kind: 'enterprise',
      creditCode: e.creditCode,
      ...(e.creditCodeChecksumFailed ? { creditCodeChecksumFailed: true } : {}),
      orgCode: e.orgCode,
      name: e.name,
      type: e.type,
      status: e.status,
      legalRepresentative: lr.name,
      divisionCode: e.county.code,
      industryCode: e.industry.code,
      registeredCapital: e.registeredCapital,
      establishedDate: e.establishedDate,
      address: e.address,
      businessScope: `${e.industry.name}`,
    },
    { dirt: plan ? {} : undefined },
  );
  role('MARKET', lr, 'LEGAL_REPRESENTATIVE', plan?.legalRepresentativeSinceDaysAgo ?? 1500);
  const former = plan?.formerLegalRepresentative;
  if (former) {
    personRecord('MARKET', former.who);
    out.add(
      'MARKET',
      {
        kind: 'role',
        enterprise: ref,
        idNumber: former.who.idNumber,
        personName: former.who.name,
        role: 'LEGAL_REPRESENTATIVE',
        since: addDays(t, -former.sinceDaysAgo),
        until: addDays(t, -former.untilDaysAgo),
      },
      { dirt: refDirt ?? {} },
    );
  }
  role('MARKET', principal, 'PRINCIPAL', 1200);
  if (noisy && rng.chance(0.25)) role('MARKET', person(SLOT.ENGINEER), 'ACTUAL_CONTROLLER', 1500);

  const sector = e.sector;
  const production = HIGH_RISK_PRODUCTION.has(sector);
  const draw = (p0: number) => noisy && rng.chance(p0);
  // background list entries at the world's list density (1: the realistic rates below); one draw either way
  const listDraw = (p0: number) => draw(Math.min(1, p0 * (p.listDensity ?? 1)));

  // ---------------- 住建: qualifications, safety licence, registered constructors, 三类人员
  if (sector === 'CONSTRUCTION' && e.qualification) {
    const q = e.qualification;
    credential('HOUSING', {
      credentialKind: 'CONSTRUCTION_QUALIFICATION',
      number: `D${e.county.code}${String(e.index).padStart(7, '0')}`,
      enterprise: ref,
      category: q.category,
      grade: q.grade,
      scope: q.sequence,
      ...(plan?.qualificationIssuedDaysAgo !== undefined
        ? {
            validFrom: addDays(t, -plan.qualificationIssuedDaysAgo),
            validTo: addYears(addDays(t, -plan.qualificationIssuedDaysAgo), 5),
            status: 'VALID' as const,
          }
        : validity(plan?.qualificationExpired ? 'long' : draw(0.04))),
    });
    credential('HOUSING', {
      credentialKind: 'CONSTRUCTION_SAFETY_LICENCE',
      number: `(${e.county.abbr})JZ安许证字[${t.slice(0, 4)}]${String(e.index).padStart(6, '0')}`,
      enterprise: ref,
      category: null,
      grade: null,
      scope: '建筑施工',
      ...validity(plan?.safetyLicenceExpired ? 'long' : draw(0.04), 3),
    });
    credential('HOUSING', {
      credentialKind: 'SAFETY_CERTIFICATE_ABC',
      number: `${e.county.abbr}建安A(${t.slice(0, 4)})${e.index}01`,
      idNumber: principal.idNumber,
      registeredEnterprise: ref,
      category: 'A',
      grade: null,
      scope: null,
      ...validity(false, 3),
    });
    personRecord('HOUSING', principal);
    const sm = person(SLOT.SAFETY_MANAGER);
    personRecord('HOUSING', sm);
    credential('HOUSING', {
      credentialKind: 'SAFETY_CERTIFICATE_ABC',
      number: `${e.county.abbr}建安C(${t.slice(0, 4)})${e.index}03`,
      idNumber: sm.idNumber,
      registeredEnterprise: ref,
      category: 'C',
      grade: null,
      scope: null,
      ...validity(false, 3),
    });
    role('HOUSING', sm, 'SAFETY_MANAGER');
    if (q.category !== '施工劳务') {
      const pm = person(SLOT.PROJECT_MANAGER);
      const level = q.grade === '特级' || q.grade === '一级' ? '一级建造师' : '二级建造师';
      credential('HOUSING', {
        credentialKind: 'REGISTERED_CONSTRUCTOR',
        number: `${e.county.abbr}1${String(e.index).padStart(9, '0')}`,
        idNumber: pm.idNumber,
        registeredEnterprise: ref,
        category: level,
        grade: null,
        scope: q.category === '施工总承包' ? q.sequence : '建筑工程',
        ...validity(false, 3),
      });
      credential('HOUSING', {
        credentialKind: 'SAFETY_CERTIFICATE_ABC',
        number: `${e.county.abbr}建安B(${t.slice(0, 4)})${e.index}02`,
        idNumber: pm.idNumber,
        registeredEnterprise: ref,
        category: 'B',
        grade: null,
        scope: null,
        ...validity(false, 3),
      });
      role('HOUSING', pm, 'PROJECT_MANAGER');
    }
    if (plan?.extraConstructor) {
      const pm2 = person(SLOT.SAFETY_MANAGER_2);
      personRecord('HOUSING', pm2);
      credential('HOUSING', {
        credentialKind: 'REGISTERED_CONSTRUCTOR',
        number: `${e.county.abbr}2${String(e.index).padStart(9, '0')}`,
        idNumber: pm2.idNumber,
        registeredEnterprise: ref,
        category: plan.extraConstructor.category,
        grade: null,
        scope: plan.extraConstructor.scope,
        ...validity(false, 3),
      });
      role('HOUSING', pm2, 'PROJECT_MANAGER');
    }
    if (listDraw(0.02))
      listEntry({ list: 'CONSTRUCTION_BLACKLIST', subject: 'ENTERPRISE', startDaysAgo: rng.int(10, 700), endInDays: rng.int(-100, 700) });
  }
  if (sector === 'GAS') {
    credential('HOUSING', {
      credentialKind: 'GAS_OPERATION_LICENCE',
      number: `${e.county.abbr}燃经字${e.index}`,
      enterprise: ref,
      category: '管道燃气',
      grade: null,
      scope: '城镇燃气经营',
      ...validity(draw(0.05)),
    });
  }

  // ---------------- 应急管理: licences, staffing, engineers, special operators, insurance
  const needsDirector = production || sector === 'CONSTRUCTION';
  if (needsDirector && !(plan?.noSafetyDirector ?? draw(0.05))) role('EMERGENCY', person(SLOT.SAFETY_DIRECTOR), 'SAFETY_DIRECTOR');
  if (production) {
    const hazTrade = e.industry.code === 'F5165';
    credential('EMERGENCY', {
      credentialKind: hazTrade ? 'HAZCHEM_OPERATION_LICENCE' : 'SAFETY_PRODUCTION_LICENCE',
      number: `(${e.county.abbr})${hazTrade ? 'WH经' : 'FM安许证字'}[${t.slice(0, 4)}]${String(e.index).padStart(5, '0')}`,
      enterprise: ref,
      category: null,
      grade: null,
      scope: e.industry.name,
      ...validity(draw(0.04), 3),
    });
    const managers = [person(SLOT.SAFETY_MANAGER), person(SLOT.SAFETY_MANAGER_2), person(SLOT.ENGINEER)];
    if (plan?.engineersUnder15) managers.push(person(SLOT.PRINCIPAL));
    for (const m of managers) role('EMERGENCY', m, 'SAFETY_MANAGER');
    const eng = person(SLOT.ENGINEER);
    const engGrade = plan?.engineersUnder15 ? '初级' : draw(0.08) ? '初级' : rng.chance(0.2) ? '高级' : '中级';
    role('EMERGENCY', eng, 'REGISTERED_SAFETY_ENGINEER');
    credential('EMERGENCY', {
      credentialKind: 'REGISTERED_SAFETY_ENGINEER',
      number: `AQ${e.county.code}${String(e.index).padStart(7, '0')}`,
      idNumber: eng.idNumber,
      registeredEnterprise: ref,
      category: '注册安全工程师',
      grade: engGrade,
      scope: sector === 'MINE' ? '煤矿安全' : sector === 'METALLURGY' ? '金属冶炼安全' : '化工安全',
      ...validity(false, 5),
    });
    const op = person(SLOT.SPECIAL_OPERATOR);
    role('EMERGENCY', op, 'SPECIAL_OPERATOR');
    const opExpired = plan?.specialOperatorsUncertified ?? draw(0.05);
    credential('EMERGENCY', {
      credentialKind: 'SPECIAL_OPERATION_CERTIFICATE',
      number: `T${op.idNumber.slice(0, 6)}${String(e.index).padStart(8, '0')}`,
      idNumber: op.idNumber,
      registeredEnterprise: ref,
      category: sector === 'MINE' ? '煤矿井下电气作业' : sector === 'HAZCHEM' ? '危险化学品安全作业' : '电工作业',
      grade: null,
      scope: null,
      ...validity(opExpired, 6),
    });
    if (plan?.specialOperatorsUncertified) role('EMERGENCY', person(SLOT.PROJECT_MANAGER), 'SPECIAL_OPERATOR');
  }
  if (production || sector === 'CONSTRUCTION' || sector === 'TRANSPORT' || sector === 'GAS') {
    const missing = !plan?.insuranceExpired && draw(0.08);
    if (!missing) {
      const expired = plan?.insuranceExpired ?? draw(0.04);
      out.add(
        'EMERGENCY',
        {
          kind: 'insurance_policy',
          enterprise: ref,
          policyNumber: `PZAQ${t.slice(0, 4)}${String(e.index).padStart(8, '0')}`,
          insuranceKind: 'SAFETY_LIABILITY',
          insurer: rng.pick(INSURERS),
          validFrom: expired ? addDays(t, -400) : addDays(t, -rng.int(1, 300)),
          validTo: expired ? addDays(t, -35) : addDays(t, rng.int(60, 365)),
        },
        { dirt: plan ? (refDirt ?? {}) : undefined },
      );
    }
  }
  const hiddenDangers =
    plan?.hiddenDangers ?? (production || sector === 'CONSTRUCTION' || sector === 'GAS' ? randomHiddenDangers(rng, noisy) : []);
  for (const h of hiddenDangers) {
    const overdue = h.overdueDays ?? 0;
    const deadline = overdue > 0 ? addDays(t, -overdue) : addDays(t, rng.int(10, 90));
    const status = h.status ?? (overdue > 0 ? 'RECTIFYING' : 'OPEN');
    out.add(
      'EMERGENCY',
      {
        kind: 'hidden_danger',
        enterprise: ref,
        level: h.level,
        description: rng.pick(HIDDEN_DANGER_TEXTS[h.level]),
        foundDate: addDays(deadline, -rng.int(30, 90)),
        deadline,
        foundBy: rng.pick(['SELF_INSPECTION', 'LOCAL_REPORT', 'ENFORCEMENT', 'HIGHER_SUPERVISION', 'PUBLIC_REPORT'] as const),
        status,
        closedDate: status === 'CLOSED' ? addDays(deadline, -rng.int(1, 20)) : null,
      },
      { dirt: plan ? (refDirt ?? {}) : undefined },
    );
  }
  const accidents =
    plan?.accidents ??
    (noisy && (production || sector === 'CONSTRUCTION') && rng.chance(0.04)
      ? [
          {
            level: rng.weighted([
              ['GENERAL', 80],
              ['LARGER', 15],
              ['MAJOR', 4],
              ['ESPECIALLY_MAJOR', 1],
            ] as const),
          },
        ]
      : []);
  for (const a of accidents) accident('EMERGENCY', a.level, a.yearsAgo, 'deaths' in a ? a.deaths : undefined);

  // ---------------- 交通运输: licence, vehicles, violations
  const vehicles = sector === 'TRANSPORT' ? rng.int(3, 8) : (plan?.ownVehicles ?? 0);
  if (vehicles > 0) {
    const passenger = e.industry.code === 'G5420';
    const dangerous = e.industry.code === 'G5435';
    credential('TRANSPORT', {
      credentialKind: 'ROAD_TRANSPORT_LICENCE',
      number: `${e.county.abbr}交运管许可${e.county.city}字${e.county.code}${String(e.index).padStart(6, '0')}号`,
      enterprise: ref,
      category: passenger ? '道路旅客运输' : dangerous ? '道路危险货物运输' : '道路普通货物运输',
      grade: null,
      scope: passenger ? '省际班车客运' : dangerous ? '危险货物运输(3类)' : '普通货运',
      ...validity(draw(0.04), 4),
    });
    const kind: VehicleKind = passenger
      ? rng.pick(['PASSENGER_COACH', 'TOURIST_COACH'] as const)
      : dangerous
        ? 'DANGEROUS_GOODS'
        : 'HEAVY_FREIGHT';
    const plates: string[] = [];
    for (let v = 0; v < vehicles; v++) {
      const plate = `${e.county.plate}${String.fromCharCode(65 + ((e.index + v) % 8))}${String((e.index * 31 + v * 7) % 10000).padStart(4, '0')}`;
      plates.push(plate);
      out.add(
        'TRANSPORT',
        {
          kind: 'vehicle',
          enterprise: ref,
          plateNumber: plate,
          vehicleKind: kind,
          operatingCertificate: `${e.county.code.slice(0, 4)}${String(e.index * 10 + v).padStart(8, '0')}`,
          certificateValidTo: addDays(t, rng.int(-60, 900)),
          monitoringOnline: rng.chance(0.93),
        },
        { dirt: plan ? (refDirt ?? {}) : undefined },
      );
    }
    const nViolations =
      plan?.violations ??
      (noisy
        ? rng.weighted([
            [0, 50],
            [1, 20],
            [3, 15],
            [8, 10],
            [20, 5],
          ] as const)
        : 0);
    for (let k = 0; k < nViolations; k++) {
      out.add(
        'TRANSPORT',
        {
          kind: 'transport_violation',
          enterprise: ref,
          plateNumber: rng.pick(plates),
          occurredAt: new Date(Date.parse(`${addDays(t, -rng.int(1, 700))}T08:00:00+08:00`) + rng.int(0, 50_000) * 1000).toISOString(),
          violationKind: rng.pick(['OVERSPEED', 'OVERLOAD', 'OVER_LIMIT', 'FATIGUE'] as const),
          location: `G${rng.int(1, 99)}高速K${rng.int(1, 999)}`,
          fine: rng.pick([200, 500, 1000, 2000]),
        },
        { dirt: plan ? (refDirt ?? {}) : undefined },
      );
    }
    if (listDraw(0.02))
      listEntry({ list: 'TRANSPORT_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: rng.int(10, 700), endInDays: rng.int(-100, 700) });
  }

  // ---------------- 消防: inspections (key fire-safety units), seal-ups
  const keyUnit = sector === 'CROWDED' || sector === 'HAZCHEM' || sector === 'GAS' || sector === 'FIREWORKS';
  const inspections = plan?.fireInspection || keyUnit ? 1 + (noisy ? rng.int(0, 2) : 0) : noisy && rng.chance(0.15) ? 1 : 0;
  for (let k = 0; k < inspections; k++) {
    const result = noisy
      ? rng.weighted([
          ['PASSED', 70],
          ['HAZARDS_FOUND', 27],
          ['SEALED', 3],
        ] as const)
      : 'PASSED';
    out.add(
      'FIRE',
      {
        kind: 'inspection',
        enterprise: ref,
        inspectedOn: addDays(t, -rng.int(5, 700)),
        inspectionType: rng.pick(['消防监督检查', '双随机抽查', '专项检查']),
        result,
        findings: result === 'PASSED' ? null : rng.pick(FIRE_FINDINGS),
        keyFireSafetyUnit: keyUnit,
      },
      { dirt: plan ? (refDirt ?? {}) : undefined },
    );
    if (result === 'SEALED')
      out.add('FIRE', {
        kind: 'penalty',
        enterprise: ref,
        decisionNumber: `${e.county.city}消封字〔${t.slice(0, 4)}〕${e.index}号`,
        decisionDate: addDays(t, -rng.int(5, 300)),
        penaltyType: '临时查封',
        reason: rng.pick(FIRE_FINDINGS),
        legalBasis: '《中华人民共和国消防法》第五十四条',
        amount: null,
      });
  }
  if (noisy && keyUnit && rng.chance(0.01)) accident('FIRE', 'GENERAL');
  if (listDraw(0.005))
    listEntry({ list: 'FIRE_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: rng.int(10, 700), endInDays: rng.int(-100, 700) });

  // ---------------- penalties (several departments), lists
  const penalties =
    plan?.penalties ?? (noisy && rng.chance(0.08) ? [{ department: rng.pick(['MARKET', 'EMERGENCY', 'TRANSPORT', 'FIRE'] as const) }] : []);
  penalties.forEach((pen, k) => {
    const dept = pen.department as keyof typeof PENALTY_REASONS;
    out.add(
      pen.department,
      {
        kind: 'penalty',
        enterprise: ref,
        decisionNumber: `${e.county.abbr}${{ MARKET: '市监', EMERGENCY: '应急', TRANSPORT: '交', FIRE: '消' }[dept]}罚〔${t.slice(0, 4)}〕${e.index}${k}号`,
        decisionDate: addDays(t, -Math.round((pen.yearsAgo ?? rng.next() * 3) * 365) - 1),
        penaltyType: '罚款',
        reason: rng.pick(PENALTY_REASONS[dept]),
        legalBasis: dept === 'EMERGENCY' ? '《中华人民共和国安全生产法》第九十七条' : null,
        amount: rng.pick([5000, 20000, 50000, 100000]),
      },
      { dirt: plan?.dirt?.malformedPenalty ? { malformed: true } : plan ? (refDirt ?? {}) : undefined },
    );
  });
  if (listDraw(0.04))
    listEntry({
      list: 'ABNORMAL_OPERATION',
      subject: 'ENTERPRISE',
      startDaysAgo: rng.int(10, 900),
      endInDays: null,
      removedDaysAgo: rng.chance(0.4) ? rng.int(1, 9) : null,
    });
  if (listDraw(0.005))
    listEntry({ list: 'SERIOUS_ILLEGAL_DISHONEST', subject: 'ENTERPRISE', startDaysAgo: rng.int(10, 900), endInDays: rng.int(-100, 1000) });
  if (listDraw(production ? 0.02 : 0.003))
    listEntry({
      list: 'SAFETY_DISHONEST',
      subject: 'ENTERPRISE',
      startDaysAgo: rng.int(10, 700),
      endInDays: rng.int(-100, 400),
      removedDaysAgo: rng.chance(0.15) ? rng.int(1, 9) : null,
    });
  for (const l of plan?.lists ?? []) listEntry(l);

  return out;

  function accident(dept: Department, level: AccidentLevel, yearsAgo?: number, recordedDeaths?: number) {
    const drawnDeaths = { ESPECIALLY_MAJOR: rng.int(30, 40), MAJOR: rng.int(10, 29), LARGER: rng.int(3, 9), GENERAL: rng.int(0, 2) }[level];
    const deaths = recordedDeaths ?? drawnDeaths;
    // facts agree with the recorded level (条例 第三条): injuries and loss stay below the next level's thresholds (万元)
    const lossBelow = { ESPECIALLY_MAJOR: 50000, MAJOR: 10000, LARGER: 5000, GENERAL: 1000 }[level];
    out.add(
      dept,
      {
        kind: 'accident',
        enterprise: ref,
        occurredOn: addDays(t, -Math.round((yearsAgo ?? rng.next() * 2.5) * 365) - 3),
        level,
        deaths,
        seriousInjuries: rng.int(0, Math.min(drawnDeaths + 3, 9)),
        directLoss: rng.int(10, lossBelow - 1),
        description: `${e.name}${dept === 'FIRE' ? '火灾事故' : '生产安全事故'}`,
        reportingViolation: noisy && rng.chance(0.05) ? rng.pick(['LATE', 'FALSE', 'CONCEALED'] as const) : null,
      },
      { dirt: plan ? (refDirt ?? {}) : undefined },
    );
  }

  function listEntry(l: PlannedListEntry) {
    const dept = LIST_DEPARTMENT[l.list];
    const start = addDays(t, -l.startDaysAgo);
    const subjectPerson = l.subject === 'ENTERPRISE' ? null : l.subject === 'PRINCIPAL' ? principal : lr;
    if (subjectPerson) personRecord(dept, subjectPerson);
    const defaultEnd = l.list === 'ABNORMAL_OPERATION' ? null : addYears(start, l.list === 'PRINCIPAL_BAN' ? 5 : 1);
    const rec: ListEntryRecord = {
      kind: 'list_entry',
      list: l.list,
      subjectType: subjectPerson ? 'PERSON' : 'ENTERPRISE',
      enterprise: ref,
      idNumber: subjectPerson?.idNumber ?? null,
      personName: subjectPerson?.name ?? null,
      reason: LIST_REASON[l.list],
      legalBasis: LIST_BASIS[l.list],
      decisionNumber: `${e.county.abbr}${LIST_DECISION[l.list]}〔${start.slice(0, 4)}〕${e.index}号`,
      startDate: start,
      endDate: l.endInDays === undefined ? defaultEnd : l.endInDays === null ? null : addDays(t, l.endInDays),
      removedDate: l.removedDaysAgo == null ? null : addDays(t, -l.removedDaysAgo),
      ...(l.list === 'PRINCIPAL_BAN' ? { banScope: l.banScope ?? 'ALL_UNITS', banIndustry: l.banIndustry ?? null } : {}),
    };
    out.add(dept, rec, { dirt: plan ? (refDirt ?? {}) : undefined });
  }
}

function randomHiddenDangers(rng: Rng, noisy: boolean): NonNullable<EnterprisePlan['hiddenDangers']> {
  if (!noisy) return [];
  const n = rng.weighted([
    [0, 40],
    [1, 30],
    [2, 20],
    [4, 10],
  ] as const);
  return Array.from({ length: n }, () => {
    const level = rng.chance(0.15) ? 'MAJOR' : 'GENERAL';
    const r = rng.int(0, 99);
    return r < 55 ? { level, status: 'CLOSED' as const } : r < 85 ? { level } : { level, overdueDays: rng.int(1, 120) };
  });
}
