import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Qualification and subcontracting checks 资质与分包转包核查: the policy the rules read, as data with a
 * version (which grade covers which project scale, which constructor level may manage which scale, what each
 * high-risk industry must have, the deepest allowed subcontracting chain, the engineer ratio). Every check
 * answers with the policy version it used.
 */

/** 建筑业企业资质 grade → project scales it may undertake (建筑业企业资质标准, 建市〔2014〕159号). */
const GRADE_SCALE: [category: string, grade: string, scales: string[]][] = [
  ['施工总承包', '特级', ['LARGE', 'MEDIUM', 'SMALL']],
  ['施工总承包', '一级', ['LARGE', 'MEDIUM', 'SMALL']],
  ['施工总承包', '二级', ['MEDIUM', 'SMALL']],
  ['施工总承包', '三级', ['SMALL']],
  ['专业承包', '一级', ['LARGE', 'MEDIUM', 'SMALL']],
  ['专业承包', '二级', ['MEDIUM', 'SMALL']],
  ['专业承包', '三级', ['SMALL']],
  // 施工劳务 is not graded
  ['施工劳务', '不分等级', ['LARGE', 'MEDIUM', 'SMALL']],
];

/** 注册建造师执业工程规模标准: large projects need a first-class constructor. */
const CONSTRUCTOR_LEVEL_SCALE: [level: string, scales: string[]][] = [
  ['一级建造师', ['LARGE', 'MEDIUM', 'SMALL']],
  ['二级建造师', ['MEDIUM', 'SMALL']],
];

/** 注册建造师 specialty that may manage a qualification sequence's work (建市〔2007〕171号 执业范围). */
const SPECIALTY: [sequence: string, specialty: string][] = [
  ['建筑工程', '建筑工程'],
  ['建筑装修装饰工程', '建筑工程'],
  ['地基基础工程', '建筑工程'],
  ['钢结构工程', '建筑工程'],
  ['模板脚手架', '建筑工程'],
  ['防水防腐保温工程', '建筑工程'],
  ['市政公用工程', '市政公用工程'],
  ['城市及道路照明工程', '市政公用工程'],
  ['机电工程', '机电工程'],
  ['消防设施工程', '机电工程'],
  ['建筑机电安装工程', '机电工程'],
  ['公路工程', '公路工程'],
  ['水利水电工程', '水利水电工程'],
  ['矿山工程', '矿业工程'],
  ['冶金工程', '机电工程'],
  ['石油化工工程', '机电工程'],
];

interface IndustrySeed {
  industry: string;
  nameZh: string;
  /** GB/T 4754 code prefixes; the longest matching prefix decides */
  prefixes: string[];
  safetyDirector: boolean;
  engineerRatio: boolean;
  liabilityInsurance: boolean;
  specialOperations: boolean;
  /** any of these credential kinds is the safety production licence the industry needs */
  licenceKinds: string[];
}

const INDUSTRIES: IndustrySeed[] = [
  // 000 (四): 矿山、建筑施工等高危行业企业必须配备安全总监; 002 (四): 危险物品、矿山、金属冶炼 ≥15 % 中级注安师;
  // 002 (二十一): 安全生产责任保险 in 煤矿、非煤矿山、危化、烟花爆竹、交通运输、建筑施工、民爆、金属冶炼
  {
    industry: 'MINE',
    nameZh: '矿山',
    prefixes: ['B06', 'B07', 'B08', 'B09', 'B10', 'B11', 'B12'],
    safetyDirector: true,
    engineerRatio: true,
    liabilityInsurance: true,
    specialOperations: true,
    licenceKinds: ['SAFETY_PRODUCTION_LICENCE'],
  },
  {
    industry: 'HAZCHEM',
    nameZh: '危险化学品',
    prefixes: ['C26', 'F5165'],
    safetyDirector: false,
    engineerRatio: true,
    liabilityInsurance: true,
    specialOperations: true,
    licenceKinds: ['SAFETY_PRODUCTION_LICENCE', 'HAZCHEM_OPERATION_LICENCE'],
  },
  {
    industry: 'FIREWORKS',
    nameZh: '烟花爆竹、民用爆炸物品',
    prefixes: ['C2671', 'C2672'],
    safetyDirector: false,
    engineerRatio: true,
    liabilityInsurance: true,
    specialOperations: true,
    licenceKinds: ['SAFETY_PRODUCTION_LICENCE'],
  },
  {
    industry: 'METALLURGY',
    nameZh: '金属冶炼',
    prefixes: ['C31', 'C32'],
    safetyDirector: false,
    engineerRatio: true,
    liabilityInsurance: true,
    specialOperations: true,
    licenceKinds: [],
  },
  {
    industry: 'CONSTRUCTION',
    nameZh: '建筑施工',
    prefixes: ['E47', 'E48', 'E49', 'E50'],
    safetyDirector: true,
    engineerRatio: false,
    liabilityInsurance: true,
    specialOperations: true,
    licenceKinds: ['CONSTRUCTION_SAFETY_LICENCE'],
  },
  {
    industry: 'TRANSPORT',
    nameZh: '道路运输',
    prefixes: ['G54'],
    safetyDirector: false,
    engineerRatio: false,
    liabilityInsurance: true,
    specialOperations: false,
    licenceKinds: ['ROAD_TRANSPORT_LICENCE'],
  },
  {
    industry: 'GAS',
    nameZh: '城镇燃气',
    prefixes: ['D45'],
    safetyDirector: false,
    engineerRatio: false,
    liabilityInsurance: false,
    specialOperations: true,
    licenceKinds: ['GAS_OPERATION_LICENCE'],
  },
];

const SETTINGS: [key: string, value: unknown, description: string][] = [
  [
    'max_chain_depth',
    3,
    '层层转包: most non-labour contract layers allowed below the builder (general contract = 1, professional subcontract = 2, …); labour subcontracts do not count',
  ],
  ['engineer_min_ratio', 0.15, '002 (四): intermediate-or-above registered safety engineers among safety managers'],
  ['engineer_min_grades', ['中级', '高级'], '002 (四): registered safety engineer grades that count towards the ratio'],
  [
    'joint_punishment_matter',
    'PUBLIC_BIDDING',
    'licensing matter under which every party of a project is run through the joint-punishment check',
  ],
];

export class Compliance1732600000000 implements MigrationInterface {
  name = 'Compliance1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE compliance_policy_version (
      version     integer PRIMARY KEY,
      changed_at  timestamptz NOT NULL DEFAULT now(),
      changed_by  text NOT NULL,
      change      jsonb NOT NULL)`);
    await q.query(`CREATE TABLE qualification_grade_scale (
      category    text NOT NULL,
      grade       text NOT NULL,
      scale       text NOT NULL CHECK (scale IN ('LARGE','MEDIUM','SMALL')),
      PRIMARY KEY (category, grade, scale))`);
    await q.query(`CREATE TABLE constructor_level_scale (
      level       text NOT NULL,
      scale       text NOT NULL CHECK (scale IN ('LARGE','MEDIUM','SMALL')),
      PRIMARY KEY (level, scale))`);
    await q.query(`CREATE TABLE constructor_specialty (
      sequence    text PRIMARY KEY,
      specialty   text NOT NULL)`);
    await q.query(`CREATE TABLE high_risk_industry (
      industry            text PRIMARY KEY,
      name_zh             text NOT NULL,
      industry_prefixes   text[] NOT NULL,
      safety_director_required boolean NOT NULL,
      engineer_ratio_required  boolean NOT NULL,
      liability_insurance_required boolean NOT NULL,
      special_operations_checked boolean NOT NULL,
      licence_kinds       text[] NOT NULL)`);
    await q.query(`CREATE TABLE compliance_setting (
      key         text PRIMARY KEY,
      value       jsonb NOT NULL,
      description text NOT NULL)`);

    for (const [category, grade, scales] of GRADE_SCALE) {
      for (const scale of scales) {
        await q.query(`INSERT INTO qualification_grade_scale (category, grade, scale) VALUES ($1,$2,$3)`, [category, grade, scale]);
      }
    }
    for (const [level, scales] of CONSTRUCTOR_LEVEL_SCALE) {
      for (const scale of scales) await q.query(`INSERT INTO constructor_level_scale (level, scale) VALUES ($1,$2)`, [level, scale]);
    }
    for (const [sequence, specialty] of SPECIALTY) {
      await q.query(`INSERT INTO constructor_specialty (sequence, specialty) VALUES ($1,$2)`, [sequence, specialty]);
    }
    for (const i of INDUSTRIES) {
      await q.query(
        `INSERT INTO high_risk_industry (industry, name_zh, industry_prefixes, safety_director_required, engineer_ratio_required,
           liability_insurance_required, special_operations_checked, licence_kinds) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [i.industry, i.nameZh, i.prefixes, i.safetyDirector, i.engineerRatio, i.liabilityInsurance, i.specialOperations, i.licenceKinds],
      );
    }
    for (const [key, value, description] of SETTINGS) {
      await q.query(`INSERT INTO compliance_setting (key, value, description) VALUES ($1,$2,$3)`, [
        key,
        JSON.stringify(value),
        description,
      ]);
    }
    await q.query(`INSERT INTO compliance_policy_version (version, changed_by, change) VALUES (1, 'migration', '{"seeded": true}')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DROP TABLE IF EXISTS compliance_setting, high_risk_industry, constructor_specialty, constructor_level_scale, qualification_grade_scale, compliance_policy_version`,
    );
  }
}
