/**
 * Test data for the risk and analytics tests, stored through the sync path (applyEnvelopes), and kept
 * in memory as plain objects so the tests can evaluate filters independently of the SQL compiler.
 */
import type { DataSource } from 'typeorm';
import { departmentTable } from '../connectors/registry.js';
import type { CanonicalRecord, Department } from '../src/domain/canonical.js';
import { makeCreditCode } from '../src/domain/codes.js';
import { todayIso } from '../src/kernel/dates.js';
import type { PiiVault } from '../src/security/pii.js';
import { applyEnvelopes, type ApplyResult } from '../src/sync/apply.js';

const SOURCES = departmentTable((d) => d.id);
const noLog = { info() {}, warn() {}, error() {}, debug() {} };

type WorldDepartment = 'MARKET' | 'HOUSING' | 'EMERGENCY' | 'TRANSPORT' | 'FIRE';

export const TODAY = todayIso();
/** ISO date `n` days before today (negative: after). */
export function daysAgo(n: number): string {
  const d = new Date(`${TODAY}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

export const code = (i: number, division = '420106') => makeCreditCode('9', '1', division, String(20_000_000 + i));

/** Stores records of one department as its source would send them; ids are `${prefix}-${n}`. */
export async function store(
  ds: DataSource,
  vault: PiiVault,
  department: Department,
  records: (CanonicalRecord & { id: string })[],
): Promise<ApplyResult> {
  const envelopes = records.map(({ id, ...rec }) => ({ sourceRecordId: id, kind: rec.kind, raw: rec, record: rec as CanonicalRecord }));
  return applyEnvelopes({ ds, vault, log: noLog }, { id: SOURCES[department]!, department }, envelopes);
}

/** A deterministic PRNG (mulberry32), so a failing case can be reproduced. */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface MemEnterprise {
  creditCode: string;
  name: string;
  type: string;
  status: string;
  divisionCode: string;
  industryCode: string;
  registeredCapital: number;
  establishedDate: string;
  risk?: { score: number; tier: string; version: number } | null;
  hiddenDangers: {
    level: string;
    status: string;
    foundBy: string;
    foundDate: string;
    deadline: string;
    closedDate: string | null;
    department: string;
    overdue: boolean;
  }[];
  violations: { violationKind: string; occurredAt: string; plateNumber: string; fine: number | null; department: string }[];
  vehicles: { vehicleKind: string; plateNumber: string; certificateValidTo: string | null; monitoringOnline: boolean }[];
  listEntries: {
    list: string;
    reason: string;
    startDate: string;
    endDate: string | null;
    removedDate: string | null;
    inForce: boolean;
    department: string;
  }[];
  credentials: {
    kind: string;
    status: string;
    category: string | null;
    grade: string | null;
    validFrom: string | null;
    validTo: string | null;
    validNow: boolean;
    issuerDepartment: string;
  }[];
  penalties: { decisionDate: string; penaltyType: string; amount: number | null; department: string }[];
  accidents: { level: string; occurredOn: string; deaths: number; department: string }[];
}

const DIVISIONS = ['420106', '420111', '429004', '430102', '130102', '220102'];
const INDUSTRIES = ['E4710', 'G5430', 'C1810', 'B0610', 'C2614'];
const NAMES = ['建设', '运输', '化工', '矿业', '纺织'];

/** A random world of `n` enterprises with records in every department, stored via sync; returns it in memory too. */
export async function randomWorld(ds: DataSource, vault: PiiVault, n: number, seed: number): Promise<MemEnterprise[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: MemEnterprise[] = [];
  // the departments this world has data for
  const byDept: Record<WorldDepartment, (CanonicalRecord & { id: string })[]> = {
    MARKET: [],
    HOUSING: [],
    EMERGENCY: [],
    TRANSPORT: [],
    FIRE: [],
  };
  let id = 0;
  for (let i = 0; i < n; i++) {
    const divisionCode = pick(DIVISIONS);
    const creditCode = code(i, divisionCode);
    const ind = int(0, INDUSTRIES.length - 1);
    const e: MemEnterprise = {
      creditCode,
      name: `${['武汉', '长沙', '石家庄', '长春'][i % 4]}${NAMES[ind]}${i}有限公司`,
      type: i % 3 ? '有限责任公司' : '股份有限公司',
      status: r() < 0.85 ? 'ACTIVE' : pick(['REVOKED', 'CANCELLED']),
      divisionCode,
      industryCode: INDUSTRIES[ind]!,
      registeredCapital: int(1, 20) * 50,
      establishedDate: `${int(2005, 2024)}-0${int(1, 9)}-1${int(0, 9)}`,
      hiddenDangers: [],
      violations: [],
      vehicles: [],
      listEntries: [],
      credentials: [],
      penalties: [],
      accidents: [],
    };
    byDept.MARKET.push({
      id: `E-${i}`,
      kind: 'enterprise',
      creditCode,
      orgCode: creditCode.slice(8, 17),
      name: e.name,
      type: e.type,
      status: e.status as 'ACTIVE',
      legalRepresentative: '张三',
      divisionCode,
      industryCode: e.industryCode,
      registeredCapital: e.registeredCapital,
      establishedDate: e.establishedDate,
    });
    const ref = { creditCode };
    for (let k = int(0, 3); k > 0; k--) {
      const foundDate = daysAgo(int(30, 400));
      const deadline = daysAgo(int(-60, 25));
      const status = pick(['OPEN', 'RECTIFYING', 'CLOSED'] as const);
      const closedDate = status === 'CLOSED' ? daysAgo(int(0, 40)) : null;
      const department = pick(['EMERGENCY', 'FIRE'] as const);
      const h = {
        level: r() < 0.4 ? 'MAJOR' : 'GENERAL',
        status,
        foundBy: pick(['SELF_INSPECTION', 'ENFORCEMENT', 'PUBLIC_REPORT']),
        foundDate,
        deadline,
        closedDate,
        department,
        overdue: (status === 'CLOSED' ? closedDate! : TODAY) > deadline,
      };
      e.hiddenDangers.push(h);
      byDept[department].push({
        id: `HD-${id++}`,
        kind: 'hidden_danger',
        enterprise: ref,
        level: h.level as 'MAJOR',
        description: '隐患',
        foundDate,
        deadline,
        foundBy: h.foundBy as 'ENFORCEMENT',
        status,
        closedDate,
      });
    }
    const plates: string[] = [];
    for (let k = int(0, 2); k > 0; k--) {
      const plate = `鄂A${String(10000 + id)}`;
      plates.push(plate);
      const v = {
        vehicleKind: pick(['PASSENGER_COACH', 'DANGEROUS_GOODS', 'HEAVY_FREIGHT']),
        plateNumber: plate,
        certificateValidTo: r() < 0.2 ? null : daysAgo(int(-400, 100)),
        monitoringOnline: r() < 0.7,
      };
      e.vehicles.push(v);
      byDept.TRANSPORT.push({
        id: `V-${id++}`,
        kind: 'vehicle',
        enterprise: ref,
        plateNumber: plate,
        vehicleKind: v.vehicleKind as 'HEAVY_FREIGHT',
        operatingCertificate: `OC${id}`,
        certificateValidTo: v.certificateValidTo,
        monitoringOnline: v.monitoringOnline,
      });
    }
    for (let k = plates.length ? int(0, 5) : 0; k > 0; k--) {
      const occurredAt = `${daysAgo(int(1, 500))}T0${int(1, 9)}:00:00.000Z`;
      const fine = r() < 0.3 ? null : int(1, 20) * 100;
      const v = {
        violationKind: pick(['OVERSPEED', 'OVERLOAD', 'OVER_LIMIT', 'FATIGUE']),
        occurredAt,
        plateNumber: pick(plates),
        fine,
        department: 'TRANSPORT',
      };
      e.violations.push(v);
      byDept.TRANSPORT.push({
        id: `TV-${id++}`,
        kind: 'transport_violation',
        enterprise: ref,
        plateNumber: v.plateNumber,
        occurredAt,
        violationKind: v.violationKind as 'FATIGUE',
        fine,
      });
    }
    for (let k = r() < 0.3 ? int(1, 2) : 0; k > 0; k--) {
      const department = pick(['MARKET', 'HOUSING', 'EMERGENCY'] as const);
      const list =
        department === 'MARKET' ? 'ABNORMAL_OPERATION' : department === 'HOUSING' ? 'CONSTRUCTION_BLACKLIST' : 'SAFETY_DISHONEST';
      const startDate = daysAgo(int(-30, 700));
      const endDate = r() < 0.3 ? null : daysAgo(int(-300, 200));
      const removedDate = r() < 0.2 ? daysAgo(int(0, 100)) : null;
      const inForce = startDate <= TODAY && (!endDate || TODAY <= endDate) && (!removedDate || TODAY < removedDate);
      e.listEntries.push({ list, reason: '失信', startDate, endDate, removedDate, inForce, department });
      byDept[department].push({
        id: `L-${id++}`,
        kind: 'list_entry',
        list: list as 'SAFETY_DISHONEST',
        subjectType: 'ENTERPRISE',
        enterprise: ref,
        reason: '失信',
        legalBasis: '依据',
        decisionNumber: `D${id}`,
        startDate,
        endDate,
        removedDate,
      });
    }
    for (let k = int(0, 2); k > 0; k--) {
      const status = pick(['VALID', 'VALID', 'EXPIRED', 'SUSPENDED'] as const);
      const validFrom = r() < 0.2 ? null : daysAgo(int(400, 1500));
      const validTo = r() < 0.2 ? null : daysAgo(int(-700, 300));
      const issuerDepartment = pick(['HOUSING', 'EMERGENCY', 'TRANSPORT'] as const);
      const kind =
        issuerDepartment === 'HOUSING'
          ? 'CONSTRUCTION_SAFETY_LICENCE'
          : issuerDepartment === 'EMERGENCY'
            ? 'SAFETY_PRODUCTION_LICENCE'
            : 'ROAD_TRANSPORT_LICENCE';
      const c = {
        kind,
        status,
        category: r() < 0.5 ? null : '施工总承包',
        grade: r() < 0.5 ? null : '一级',
        validFrom,
        validTo,
        issuerDepartment,
        validNow: (!validFrom || validFrom <= TODAY) && (!validTo || TODAY <= validTo) && status !== 'SUSPENDED',
      };
      e.credentials.push(c);
      byDept[issuerDepartment].push({
        id: `C-${id++}`,
        kind: 'credential',
        credentialKind: kind as 'SAFETY_PRODUCTION_LICENCE',
        number: `N${id}`,
        enterprise: ref,
        category: c.category,
        grade: c.grade,
        issuerDepartment,
        validFrom,
        validTo,
        status,
      });
    }
    for (let k = int(0, 3); k > 0; k--) {
      const department = pick(['MARKET', 'EMERGENCY', 'TRANSPORT', 'FIRE'] as const);
      const p = {
        decisionDate: daysAgo(int(10, 1200)),
        penaltyType: pick(['罚款', '警告', '责令停产停业']),
        amount: r() < 0.3 ? null : int(1, 30) * 1000,
        department,
      };
      e.penalties.push(p);
      byDept[department].push({
        id: `P-${id++}`,
        kind: 'penalty',
        enterprise: ref,
        decisionNumber: `PD${id}`,
        decisionDate: p.decisionDate,
        penaltyType: p.penaltyType,
        reason: '违法',
        amount: p.amount,
      });
    }
    for (let k = r() < 0.15 ? 1 : 0; k > 0; k--) {
      const level = pick(['GENERAL', 'LARGER', 'MAJOR']);
      const a = {
        level,
        occurredOn: daysAgo(int(10, 1800)),
        deaths: level === 'GENERAL' ? int(0, 2) : level === 'LARGER' ? int(3, 9) : int(10, 12),
        department: 'EMERGENCY',
      };
      e.accidents.push(a);
      byDept.EMERGENCY.push({
        id: `A-${id++}`,
        kind: 'accident',
        enterprise: ref,
        occurredOn: a.occurredOn,
        level: level as 'MAJOR',
        deaths: a.deaths,
        seriousInjuries: 0,
        directLoss: 10,
        description: '事故',
      });
    }
    out.push(e);
  }
  for (const dept of Object.keys(byDept) as WorldDepartment[]) {
    const res = await store(ds, vault, dept, byDept[dept]);
    if (res.quarantined) throw new Error(`${dept}: ${res.quarantined} records quarantined`);
  }
  return out;
}
