/**
 * Who is who in the generated world, as pure functions of (seed, index): enterprise i's registration
 * and its key persons, person j's identity. Nothing is stored, so 1,000,000 enterprises cost no memory
 * and any seeder can ask about any enterprise (a contractor, a builder) without the others.
 */
import type { EnterpriseRef, EnterpriseStatus } from '../domain/canonical.js';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar, idNumberCheckChar, makeCreditCode, orgCodeOfCreditCode } from '../domain/codes.js';
import { addDays, Rng, STREAM } from './random.js';
import {
  COUNTIES,
  GIVEN_CHARS,
  INDUSTRIES,
  LEGAL_FORMS,
  SURNAMES,
  TRADE_NAME_CHARS,
  type County,
  type Industry,
  type Sector,
} from './vocab.js';

export interface WorldParams {
  seed: number;
  enterprises: number;
  /** the world's today (ISO date): dates are laid out around it so that scenarios hold when it is generated */
  today: string;
  /**
   * scales the background enterprises' chances of being on a list (1, the default: the realistic rates;
   * 3: about three times as many entries, for measuring checks against a store with more lists)
   */
  listDensity?: number;
}

/** Qualification of a construction enterprise (建筑业企业资质). */
export interface Qualification {
  category: '施工总承包' | '专业承包' | '施工劳务';
  sequence: string;
  grade: '特级' | '一级' | '二级' | '三级' | null;
}

export interface EnterpriseProfile {
  index: number;
  creditCode: string;
  creditCodeChecksumFailed: boolean;
  orgCode: string;
  name: string;
  type: string;
  status: EnterpriseStatus;
  county: County;
  industry: Industry;
  sector: Sector;
  registeredCapital: number;
  establishedDate: string;
  address: string;
  /** construction enterprises only */
  qualification: Qualification | null;
}

/** Persons per enterprise: enterprise i's key persons are persons 8i … 8i+7, by slot. */
export const PERSON_SLOTS = 8;
export const SLOT = {
  LEGAL_REPRESENTATIVE: 0,
  PRINCIPAL: 1,
  SAFETY_MANAGER: 2,
  PROJECT_MANAGER: 3,
  SPECIAL_OPERATOR: 4,
  SAFETY_DIRECTOR: 5,
  SAFETY_MANAGER_2: 6,
  ENGINEER: 7,
} as const;

export interface PersonProfile {
  index: number;
  idNumber: string;
  name: string;
  phone: string;
}

const ORG_SPACE = 31 ** 6;
/** A bijection on [0, 31^6): distinct enterprises always get distinct organisation codes. */
const orgNumber = (i: number, seed: number): number => (i * 104729 + (seed % ORG_SPACE) + ORG_SPACE) % ORG_SPACE;

function orgBody(n: number): string {
  let s = '';
  for (let k = 0; k < 6; k++) {
    s = CREDIT_CODE_ALPHABET[n % 31]! + s;
    n = Math.floor(n / 31);
  }
  return `MA${s}`;
}

const CAPITALS = [50, 100, 200, 500, 1000, 2000, 5000, 10000, 30000];

/** Overrides a planted scenario fixes; everything else stays as drawn. */
export interface ProfileOverride {
  industryCode?: string;
  status?: EnterpriseStatus;
  name?: string;
  qualification?: Qualification | null;
  registeredCapital?: number;
  creditCodeChecksumFailed?: boolean;
}

export function enterpriseProfile(p: WorldParams, index: number, override: ProfileOverride = {}): EnterpriseProfile {
  const rng = new Rng(p.seed, STREAM.enterprise, index);
  const county = rng.pick(COUNTIES);
  let industry = rng.weighted(INDUSTRIES.map((x) => [x, x.weight] as const));
  if (override.industryCode) industry = INDUSTRIES.find((x) => x.code === override.industryCode) ?? industry;
  const formDraw = rng.int(0, 99);
  const form = LEGAL_FORMS[formDraw < 55 ? 0 : formDraw < 80 ? 1 : formDraw < 92 ? 2 : 3]!;
  // trade name from the index itself, so names never collide: 2 characters, a third once they run out
  const n = TRADE_NAME_CHARS.length;
  const a = index % n;
  const b = Math.floor(index / n) % n;
  const rest = Math.floor(index / (n * n));
  const trade =
    TRADE_NAME_CHARS[a]! +
    TRADE_NAME_CHARS[(a + 1 + b) % n]! +
    (rest > 0 ? TRADE_NAME_CHARS[rest % n]! + (rest >= n ? String(Math.floor(rest / n)) : '') : '');
  const name = override.name ?? `${county.city}${trade}${industry.word}${form.suffix}`;
  const good = makeCreditCode('9', '1', county.code, orgBody(orgNumber(index, p.seed)));
  const checksumFailed = override.creditCodeChecksumFailed ?? false;
  const creditCode = checksumFailed ? good.slice(0, 17) + wrongCheck(good) : good;
  const statusDraw = rng.int(0, 999);
  const status: EnterpriseStatus = override.status ?? (statusDraw < 20 ? 'REVOKED' : statusDraw < 45 ? 'CANCELLED' : 'ACTIVE');
  const establishedDate = addDays(p.today, -rng.int(400, 9000));
  const registeredCapital = override.registeredCapital ?? rng.pick(CAPITALS);
  const qualification =
    override.qualification !== undefined
      ? override.qualification
      : industry.sector === 'CONSTRUCTION'
        ? drawQualification(rng, industry, registeredCapital)
        : null;
  return {
    index,
    creditCode,
    creditCodeChecksumFailed: checksumFailed,
    orgCode: orgCodeOfCreditCode(creditCode),
    name,
    type: form.type,
    status,
    county,
    industry,
    sector: industry.sector,
    registeredCapital,
    establishedDate,
    address: `${county.city}市${rng.pick(['解放', '建设', '人民', '胜利', '中山', '和平'])}路${rng.int(1, 999)}号`,
    qualification,
  };
}

function wrongCheck(code: string): string {
  const right = creditCodeCheckChar(code.slice(0, 17));
  return right === '0' ? '1' : '0';
}

const SEQUENCE_OF: Record<string, string> = { E4710: '建筑工程', E4813: '市政公用工程', E4910: '机电工程', E5010: '建筑工程' };

function drawQualification(rng: Rng, industry: Industry, capital: number): Qualification {
  const kind = rng.int(0, 99);
  if (kind < 20) return { category: '施工劳务', sequence: '施工劳务', grade: null };
  const grade = capital >= 10000 ? (rng.chance(0.2) ? '特级' : '一级') : capital >= 2000 ? '一级' : capital >= 500 ? '二级' : '三级';
  if (kind < 50)
    return {
      category: '专业承包',
      sequence: rng.pick(['地基基础工程', '钢结构工程', '消防设施工程', '模板脚手架']),
      grade: grade === '特级' ? '一级' : grade,
    };
  return { category: '施工总承包', sequence: SEQUENCE_OF[industry.code] ?? '建筑工程', grade };
}

const ID_SPACE = 16_000_000;
export function personProfile(p: WorldParams, index: number): PersonProfile {
  const rng = new Rng(p.seed, STREAM.person, index);
  const perm = (index * 7919 + (p.seed % ID_SPACE) + ID_SPACE) % ID_SPACE;
  const birth = addDays('1960-01-01', perm % 16000).replace(/-/g, '');
  const seq = String(Math.floor(perm / 16000) % 1000).padStart(3, '0');
  const county = rng.pick(COUNTIES);
  const first17 = county.code + birth + seq;
  const given = rng.pick(GIVEN_CHARS) + (rng.chance(0.6) ? rng.pick(GIVEN_CHARS) : '');
  return {
    index,
    idNumber: first17 + idNumberCheckChar(first17),
    name: rng.pick(SURNAMES) + given,
    phone: `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(0, 999_999_999)).padStart(9, '0')}`,
  };
}

export const personOf = (p: WorldParams, enterprise: number, slot: number): PersonProfile =>
  personProfile(p, enterprise * PERSON_SLOTS + slot);

/** The full reference (credit code, org code, name): each department's system decides which parts it keeps. */
export const refOf = (e: EnterpriseProfile): EnterpriseRef => ({ creditCode: e.creditCode, orgCode: e.orgCode, name: e.name });
