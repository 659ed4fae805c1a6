/**
 * The 自然资源 part of the generated world: for every enterprise in the mining sector, its 采矿许可证,
 * the 地质灾害隐患点 threatening its mine, 非法采矿/越界开采 penalties and the 自然资源领域严重失信主体名单.
 * Drawn from a stream of its own (NR_STREAM), so adding this department changes no other department's
 * data. Four background mines (the first active ones after the planted scenarios) carry planted cases
 * a test can find through `plantedCases()`; the planted scenarios' own mines (e.g. clean.mine) get one
 * valid licence and nothing else, so their cases stay exactly as planted.ts describes them; everything
 * else is background data with the usual dirt.
 */
import type {
  CredentialRecord,
  EnterpriseRef,
  FoundBy,
  HiddenDangerRecord,
  ListEntryRecord,
  PenaltyRecord,
} from '../../src/domain/canonical.js';
import { Emitter } from '../../src/generator/emitter.js';
import { PLANTED_COUNT, PlantedWorld } from '../../src/generator/planted.js';
import { enterpriseProfile, refOf, type EnterpriseProfile, type WorldParams } from '../../src/generator/profile.js';
import { addDays, addYears, Rng } from '../../src/generator/random.js';
import type { WorldItem } from '../../src/generator/world.js';
import { HAZARD_TYPE_BY_CODE, hazardDescription, licenceScope, MINING_METHODS } from './mapping.js';

/** This department's random stream ('NR'); the generator's own streams are small integers (random.ts STREAM). */
export const NR_STREAM = 0x4e52;

/** The planted cases, in the order they are given to the first active mines. */
export const PLANTED_CASES = ['licence.expired', 'licence.revoked', 'hazard.overdueMajor', 'list.NATURAL_RESOURCES_DISHONEST'] as const;
export type PlantedCase = (typeof PLANTED_CASES)[number];
const NOTES: Record<PlantedCase, string> = {
  'licence.expired': '采矿许可证已过期（30天前到期）',
  'licence.revoked': '越界开采被吊销采矿许可证',
  'hazard.overdueMajor': '威胁矿区的重大地质灾害隐患逾期未治理（逾期45天）',
  'list.NATURAL_RESOURCES_DISHONEST': '非法采矿被列入自然资源领域严重失信主体名单',
};

/** What a mine extracts and how, by industry (GB/T 4754). */
const MINE_OF: Record<
  string,
  { minerals: readonly string[]; methods: readonly (typeof MINING_METHODS)[number][]; scales: readonly number[]; years: number }
> = {
  B0610: { minerals: ['煤'], methods: ['地下开采'], scales: [30, 45, 60, 90, 120, 240], years: 10 },
  B0810: { minerals: ['铁矿'], methods: ['露天开采', '地下开采', '露天/地下开采'], scales: [10, 20, 30, 60], years: 8 },
  B1011: { minerals: ['水泥用石灰岩', '建筑石料用灰岩', '石膏'], methods: ['露天开采'], scales: [20, 50, 100], years: 5 },
};
const FALLBACK_MINE = MINE_OF.B1011!;

const HAZARD_SITES = ['采场北帮边坡', '排土场', '老采空区', '尾矿库下游沟谷', '工业广场后山', '矿区运输道路边坡', '废石堆'];
const THREATS = ['工业场地及作业人员', '下游村庄居民', '运矿道路', '矿区办公生活区', null];
const FOUND_WAYS: readonly (readonly [FoundBy, number])[] = [
  ['SELF_INSPECTION', 3],
  ['LOCAL_REPORT', 4],
  ['ENFORCEMENT', 2],
  ['HIGHER_SUPERVISION', 1],
  ['PUBLIC_REPORT', 1],
];
const ILLEGAL = [
  {
    reason: '未取得采矿许可证擅自采矿（非法采矿）',
    basis: '《中华人民共和国矿产资源法》第三十九条',
    type: '责令停止开采，没收违法所得，罚款',
  },
  {
    reason: '超越批准的矿区范围采矿（越界开采）',
    basis: '《中华人民共和国矿产资源法》第四十条',
    type: '责令退回本矿区范围内开采，没收越界开采的矿产品和违法所得，罚款',
  },
] as const;
const LIST_BASIS = '《自然资源领域严重失信主体名单管理办法》第五条';

export interface PlantedMine {
  index: number;
  creditCode: string;
  name: string;
  note: string;
}

/**
 * This department's view of one world: which background mines carry the planted cases (found once,
 * when built) and the items of any enterprise. Build one per world and ask it for each enterprise.
 */
export class NaturalResourcesWorld {
  private readonly planted = new Map<number, PlantedCase>();
  private readonly mines: Partial<Record<PlantedCase, EnterpriseProfile>> = {};
  private readonly scenarios: PlantedWorld;

  constructor(readonly p: WorldParams) {
    this.scenarios = new PlantedWorld(p);
    const firstFree = this.scenarios.active ? PLANTED_COUNT : 0;
    for (let i = firstFree, k = 0; i < p.enterprises && k < PLANTED_CASES.length; i++) {
      const e = enterpriseProfile(p, i);
      if (e.sector !== 'MINE' || e.status !== 'ACTIVE') continue;
      const key = PLANTED_CASES[k++]!;
      this.planted.set(i, key);
      this.mines[key] = e;
    }
  }

  /** Where each planted case is (cases a small world has no mine for are absent). */
  plantedCases(): Partial<Record<PlantedCase, PlantedMine>> {
    const out: Partial<Record<PlantedCase, PlantedMine>> = {};
    for (const [key, e] of Object.entries(this.mines) as [PlantedCase, EnterpriseProfile][]) {
      out[key] = { index: e.index, creditCode: e.creditCode, name: e.name, note: NOTES[key] };
    }
    return out;
  }

  /** The department's items about enterprise `e` (none unless it is a mine). */
  generate(e: EnterpriseProfile): WorldItem[] {
    if (e.sector !== 'MINE') return [];
    const rng = new Rng(this.p.seed, NR_STREAM, e.index);
    // another department's planted scenario: a clean mine here, whatever its case is about
    const planted = this.scenarios.isPlanted(e.index) ? 'clean' : this.planted.get(e.index);
    const out = new Emitter(this.p.today, rng, `E${e.index}`, !planted);
    const clean = planted ? { dirt: {} } : {};
    const t = this.p.today;
    const ref: EnterpriseRef = refOf(e);
    const mine = MINE_OF[e.industry.code] ?? FALLBACK_MINE;
    const prov = e.county.code.slice(0, 2);

    // ---------------- 采矿许可证: one per mine, a second mining area now and then
    const licences = planted ? 1 : rng.chance(0.1) ? 2 : 1;
    for (let n = 0; n < licences; n++) {
      const issued = addDays(t, -rng.int(30, mine.years * 365 - 30));
      let validFrom = issued;
      let validTo = addDays(addYears(issued, mine.years), -1);
      let status: CredentialRecord['status'] = 'VALID';
      const draw = rng.int(0, 999);
      if (planted === 'licence.expired' || (!planted && draw < 50)) {
        validTo = addDays(t, planted ? -30 : -rng.int(1, 400));
        validFrom = addDays(addYears(validTo, -mine.years), 1);
        status = 'EXPIRED';
      } else if (planted === 'licence.revoked' || (!planted && draw < 60)) status = 'REVOKED';
      else if (!planted && draw < 80) status = 'SUSPENDED';
      const area = `矿区面积${(rng.int(500, 60_000) / 10_000).toFixed(4)}平方公里，开采深度+${rng.int(200, 600)}米至${rng.int(-300, 150)}米`;
      const licence: CredentialRecord = {
        kind: 'credential',
        credentialKind: 'MINING_LICENCE',
        // C + province + year and month the current period began + 11 (采矿权) + serial, as the 配号 system numbers it
        number: `C${prov}0000${validFrom.slice(0, 4)}${validFrom.slice(5, 7)}11${String((e.index * 10 + n) % 100_000_000).padStart(8, '0')}`,
        enterprise: ref,
        category: rng.pick(mine.minerals),
        grade: `${rng.pick(mine.scales)}万吨/年`,
        scope: licenceScope(rng.pick(mine.methods), area),
        issuerDepartment: 'NATURAL_RESOURCES',
        validFrom,
        validTo,
        status,
      };
      out.add('NATURAL_RESOURCES', licence, clean);
    }

    // ---------------- 地质灾害隐患点 threatening the mine
    const hazards = planted === 'hazard.overdueMajor' ? 1 : planted ? 0 : rng.chance(0.25) ? rng.int(1, 2) : 0;
    for (let n = 0; n < hazards; n++) {
      const overdue = planted === 'hazard.overdueMajor';
      const level: HiddenDangerRecord['level'] = overdue || rng.chance(0.2) ? 'MAJOR' : 'GENERAL';
      const deadline = overdue ? addDays(t, -45) : addDays(t, rng.int(-600, 300));
      const passed = deadline < t;
      const s = rng.int(0, 9);
      const status: HiddenDangerRecord['status'] = overdue
        ? 'OPEN'
        : passed
          ? s < 8
            ? 'CLOSED'
            : s < 9
              ? 'RECTIFYING'
              : 'OPEN'
          : s < 5
            ? 'RECTIFYING'
            : 'OPEN';
      const typeCode = rng.pick(Object.keys(HAZARD_TYPE_BY_CODE).slice(0, 4)); // 滑坡 崩塌 泥石流 地面塌陷 threaten mines
      const hazard: HiddenDangerRecord = {
        kind: 'hidden_danger',
        enterprise: ref,
        level,
        description: hazardDescription(
          HAZARD_TYPE_BY_CODE[typeCode]!,
          rng.pick(HAZARD_SITES),
          overdue ? '工业场地及作业人员' : rng.pick(THREATS),
        ),
        foundDate: addDays(deadline, -rng.int(60, 365)),
        deadline,
        foundBy: overdue ? 'ENFORCEMENT' : rng.weighted(FOUND_WAYS),
        status,
        closedDate: status === 'CLOSED' ? addDays(deadline, -rng.int(0, 30)) : null,
      };
      out.add('NATURAL_RESOURCES', hazard, clean);
    }

    // ---------------- 行政处罚 for 非法采矿 / 越界开采, and the list
    const listed = planted === 'list.NATURAL_RESOURCES_DISHONEST' || (!planted && rng.chance(0.005 * (this.p.listDensity ?? 1)));
    const punished = planted === 'licence.revoked' || listed || (!planted && rng.chance(0.04));
    if (punished) {
      const what = planted === 'licence.revoked' ? ILLEGAL[1] : listed ? ILLEGAL[0] : rng.pick(ILLEGAL);
      const decisionDate = addDays(t, -(planted ? 120 : rng.int(30, 1000)));
      const penalty: PenaltyRecord = {
        kind: 'penalty',
        enterprise: ref,
        decisionNumber: `${e.county.abbr}自然资罚〔${decisionDate.slice(0, 4)}〕${e.index}号`,
        decisionDate,
        penaltyType: planted === 'licence.revoked' ? `${what.type}，吊销采矿许可证` : what.type,
        reason: what.reason,
        legalBasis: what.basis,
        amount: rng.int(2, 200) * 1000,
      };
      out.add('NATURAL_RESOURCES', penalty, clean);
    }
    if (listed) {
      const startDate = addDays(t, -(planted ? 60 : rng.int(10, 900)));
      const entry: ListEntryRecord = {
        kind: 'list_entry',
        list: 'NATURAL_RESOURCES_DISHONEST',
        subjectType: 'ENTERPRISE',
        enterprise: ref,
        reason: '非法采矿情节严重',
        legalBasis: LIST_BASIS,
        decisionNumber: `${e.county.abbr}自然资失信〔${startDate.slice(0, 4)}〕${e.index}号`,
        startDate,
        endDate: addYears(startDate, 3),
        removedDate: null,
      };
      out.add('NATURAL_RESOURCES', entry, clean);
    }
    return out.items;
  }
}

/** The department's items about enterprise `e` in world `p` (build a NaturalResourcesWorld once to ask about many). */
export const generate = (p: WorldParams, e: EnterpriseProfile, world = new NaturalResourcesWorld(p)): WorldItem[] => world.generate(e);

/** The package's part of the generated world: built once per world, then asked for each enterprise. */
const departmentWorld = (p: WorldParams): ((e: EnterpriseProfile) => WorldItem[]) => {
  const world = new NaturalResourcesWorld(p);
  return (e) => world.generate(e);
};
export default departmentWorld;
