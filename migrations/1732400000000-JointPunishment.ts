import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Joint punishment 联合惩戒: the measures catalogue (data, editable by an administrator, versioned),
 * and the append-only record of every check and the officer's feedback (发起—响应—反馈).
 */
interface SeedMeasure {
  code: string;
  text: string;
  department: string;
  lists: string[];
  matters: string[];
  subjects: string[];
  effect: 'DENY' | 'RESTRICT';
  mandatory: boolean;
  basis: string;
}

const ALL_MATTERS = [
  'CONSTRUCTION_QUALIFICATION',
  'CONSTRUCTION_SAFETY_LICENCE',
  'MINE_SAFETY_LICENCE',
  'HAZCHEM_SAFETY_LICENCE',
  'FIREWORKS_SAFETY_LICENCE',
  'ROAD_TRANSPORT_LICENCE',
  'FIRE_SAFETY_ACCEPTANCE',
  'FIRE_PRE_OPENING_INSPECTION',
  'GOVERNMENT_PROCUREMENT',
  'PUBLIC_BIDDING',
  'PRINCIPAL_APPOINTMENT',
];
const SAFETY_LICENCES = ['MINE_SAFETY_LICENCE', 'HAZCHEM_SAFETY_LICENCE', 'FIREWORKS_SAFETY_LICENCE', 'CONSTRUCTION_SAFETY_LICENCE'];
const MEMO_1001 = '《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）';
const MEMO_SERIOUS = '《关于对失信被执行人实施联合惩戒的合作备忘录》及《企业信息公示暂行条例》第十八条';

/** A realistic starting catalogue; administrators edit it through the API afterwards. */
const SEED: SeedMeasure[] = [
  {
    code: 'JP-SAFE-01',
    text: '依法暂停审批其新的重大项目申报，核减、停止拨付或收回政府补贴资金',
    department: 'EMERGENCY',
    lists: ['SAFETY_DISHONEST'],
    matters: ['CONSTRUCTION_QUALIFICATION', 'GOVERNMENT_PROCUREMENT'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${MEMO_1001} 第三部分（一）`,
  },
  {
    code: 'JP-SAFE-02',
    text: '依法限制参与建设工程招投标，限制参与政府采购活动',
    department: 'EMERGENCY',
    lists: ['SAFETY_DISHONEST'],
    matters: ['PUBLIC_BIDDING', 'GOVERNMENT_PROCUREMENT'],
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: `${MEMO_1001} 第三部分（二）；《政府采购法》第二十二条`,
  },
  {
    code: 'JP-SAFE-03',
    text: '依法暂停审批新的安全生产许可证及相关行政许可，从严审查已有许可的延续',
    department: 'EMERGENCY',
    lists: ['SAFETY_DISHONEST'],
    matters: SAFETY_LICENCES,
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: `${MEMO_1001} 第三部分（四）；《安全生产许可证条例》第十四条`,
  },
  {
    code: 'JP-SAFE-04',
    text: '限制取得或升级建筑业企业资质，作为重点监管对象加大检查频次',
    department: 'HOUSING',
    lists: ['SAFETY_DISHONEST'],
    matters: ['CONSTRUCTION_QUALIFICATION'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${MEMO_1001} 第三部分（五）`,
  },
  {
    code: 'JP-SAFE-05',
    text: '限制担任生产经营单位主要负责人、董事、监事、高级管理人员',
    department: 'EMERGENCY',
    lists: ['SAFETY_DISHONEST'],
    matters: ['PRINCIPAL_APPOINTMENT'],
    subjects: ['PERSON'],
    effect: 'DENY',
    mandatory: true,
    basis: `${MEMO_1001} 第三部分（十）`,
  },
  {
    code: 'JP-SAFE-06',
    text: '道路运输经营许可从严审核，限制新增客运班线及危险货物运输车辆',
    department: 'TRANSPORT',
    lists: ['SAFETY_DISHONEST'],
    matters: ['ROAD_TRANSPORT_LICENCE'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${MEMO_1001} 第三部分（七）`,
  },
  {
    code: 'JP-SAFE-07',
    text: '消防验收和公众聚集场所投入使用、营业前消防安全检查从严审查',
    department: 'FIRE',
    lists: ['SAFETY_DISHONEST'],
    matters: ['FIRE_SAFETY_ACCEPTANCE', 'FIRE_PRE_OPENING_INSPECTION'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${MEMO_1001} 第三部分（十二）`,
  },
  {
    code: 'JP-SID-01',
    text: '严重违法失信企业不得参加政府采购活动、工程招投标',
    department: 'MARKET',
    lists: ['SERIOUS_ILLEGAL_DISHONEST'],
    matters: ['GOVERNMENT_PROCUREMENT', 'PUBLIC_BIDDING'],
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: `${MEMO_SERIOUS}；《政府采购法实施条例》第十九条`,
  },
  {
    code: 'JP-SID-02',
    text: '在行政许可、资质审核中作为重点审查对象，依法限制或禁止',
    department: 'MARKET',
    lists: ['SERIOUS_ILLEGAL_DISHONEST'],
    matters: [
      'CONSTRUCTION_QUALIFICATION',
      'CONSTRUCTION_SAFETY_LICENCE',
      'MINE_SAFETY_LICENCE',
      'HAZCHEM_SAFETY_LICENCE',
      'FIREWORKS_SAFETY_LICENCE',
      'ROAD_TRANSPORT_LICENCE',
    ],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${MEMO_SERIOUS}`,
  },
  {
    code: 'JP-SID-03',
    text: '法定代表人、负责人三年内不得担任其他企业的法定代表人、负责人',
    department: 'MARKET',
    lists: ['SERIOUS_ILLEGAL_DISHONEST'],
    matters: ['PRINCIPAL_APPOINTMENT'],
    subjects: ['PERSON', 'ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: '《企业信息公示暂行条例》第十七条',
  },
  {
    code: 'JP-ABN-01',
    text: '列入经营异常名录期间，在行政许可、政府采购、招投标中作为重点审查对象',
    department: 'MARKET',
    lists: ['ABNORMAL_OPERATION'],
    matters: ALL_MATTERS.filter((m) => m !== 'PRINCIPAL_APPOINTMENT'),
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: '《企业经营异常名录管理暂行办法》第十八条',
  },
  {
    code: 'JP-CON-01',
    text: '限制参与工程招投标，限制资质资格申请、升级、增项',
    department: 'HOUSING',
    lists: ['CONSTRUCTION_BLACKLIST'],
    matters: ['PUBLIC_BIDDING', 'CONSTRUCTION_QUALIFICATION'],
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: '《建筑市场信用管理暂行办法》（建市〔2017〕241号）第十四条',
  },
  {
    code: 'JP-CON-02',
    text: '建筑施工企业安全生产许可证延续、变更从严审查',
    department: 'HOUSING',
    lists: ['CONSTRUCTION_BLACKLIST'],
    matters: ['CONSTRUCTION_SAFETY_LICENCE'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: '《建筑市场信用管理暂行办法》第十四条',
  },
  {
    code: 'JP-CON-03',
    text: '限制参与政府采购活动',
    department: 'HOUSING',
    lists: ['CONSTRUCTION_BLACKLIST'],
    matters: ['GOVERNMENT_PROCUREMENT'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: '《建筑市场信用管理暂行办法》第十四条',
  },
  {
    code: 'JP-TRA-01',
    text: '暂停或限制新增道路运输经营许可、客运线路和运力',
    department: 'TRANSPORT',
    lists: ['TRANSPORT_DISHONEST'],
    matters: ['ROAD_TRANSPORT_LICENCE'],
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: '《交通运输部关于印发〈交通运输严重失信主体名单管理办法〉的通知》第十五条',
  },
  {
    code: 'JP-TRA-02',
    text: '限制参与交通运输工程招投标及政府采购',
    department: 'TRANSPORT',
    lists: ['TRANSPORT_DISHONEST'],
    matters: ['PUBLIC_BIDDING', 'GOVERNMENT_PROCUREMENT'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: '《交通运输严重失信主体名单管理办法》第十五条',
  },
  {
    code: 'JP-FIRE-01',
    text: '消防验收、投入使用营业前消防安全检查依法从严审查，不予适用告知承诺',
    department: 'FIRE',
    lists: ['FIRE_DISHONEST'],
    matters: ['FIRE_SAFETY_ACCEPTANCE', 'FIRE_PRE_OPENING_INSPECTION'],
    subjects: ['ENTERPRISE'],
    effect: 'DENY',
    mandatory: true,
    basis: '《消防安全领域信用管理暂行办法》第十九条',
  },
  {
    code: 'JP-FIRE-02',
    text: '限制参与政府采购、招投标活动',
    department: 'FIRE',
    lists: ['FIRE_DISHONEST'],
    matters: ['GOVERNMENT_PROCUREMENT', 'PUBLIC_BIDDING'],
    subjects: ['ENTERPRISE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: '《消防安全领域信用管理暂行办法》第十九条',
  },
  {
    code: 'JP-BAN-01',
    text: '五年内不得担任任何生产经营单位的主要负责人（刑事处罚或撤职处分执行完毕之日起）',
    department: 'EMERGENCY',
    lists: ['PRINCIPAL_BAN'],
    matters: ALL_MATTERS,
    subjects: ['PERSON'],
    effect: 'DENY',
    mandatory: true,
    basis: '《安全生产法》第九十四条；湖北 000 (三)；吉林 003 (十)',
  },
  {
    code: 'JP-BAN-02',
    text: '对重大、特别重大生产安全事故负有主要责任的，终身不得担任本行业生产经营单位的主要负责人',
    department: 'EMERGENCY',
    lists: ['PRINCIPAL_BAN'],
    matters: ALL_MATTERS,
    subjects: ['PERSON'],
    effect: 'DENY',
    mandatory: true,
    basis: '《安全生产法》第九十四条第二款；湖北 000 (三)；吉林 003 (十)；湖南 001 (八)',
  },
];

export class JointPunishment1732400000000 implements MigrationInterface {
  name = 'JointPunishment1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE measure (
      code              text PRIMARY KEY,
      text              text NOT NULL,
      applying_department text NOT NULL,
      trigger_lists     text[] NOT NULL,
      matters           text[] NOT NULL,
      subject_types     text[] NOT NULL,
      effect            text NOT NULL CHECK (effect IN ('DENY','RESTRICT')),
      mandatory         boolean NOT NULL,
      legal_basis       text NOT NULL,
      active            boolean NOT NULL DEFAULT true,
      updated_at        timestamptz NOT NULL DEFAULT now(),
      updated_by        text NOT NULL DEFAULT 'migration')`);
    // every edit bumps the catalogue version, which each check records
    await q.query(`CREATE TABLE measure_catalogue_version (
      version     integer PRIMARY KEY,
      changed_at  timestamptz NOT NULL DEFAULT now(),
      changed_by  text NOT NULL,
      change      jsonb NOT NULL)`);
    for (const m of SEED) {
      await q.query(
        `INSERT INTO measure (code, text, applying_department, trigger_lists, matters, subject_types, effect, mandatory, legal_basis)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [m.code, m.text, m.department, m.lists, m.matters, m.subjects, m.effect, m.mandatory, m.basis],
      );
    }
    await q.query(`INSERT INTO measure_catalogue_version (version, changed_by, change) VALUES (1, 'migration', '{"seeded": true}')`);

    await q.query(`CREATE TABLE joint_punishment_check (
      check_id          uuid PRIMARY KEY,
      checked_at        timestamptz NOT NULL DEFAULT now(),
      caller_subject    text NOT NULL,
      caller_department text,
      matter            text NOT NULL,
      credit_code       varchar(18),
      enterprise_name   text,
      decision          text NOT NULL CHECK (decision IN ('PASS','RESTRICT','DENY')),
      as_of             date NOT NULL,
      input             jsonb NOT NULL,
      answer            jsonb NOT NULL,
      catalogue_version integer NOT NULL,
      data_versions     jsonb NOT NULL)`);
    await q.query(`CREATE INDEX jpc_enterprise ON joint_punishment_check (credit_code, checked_at DESC)`);
    await q.query(`CREATE INDEX jpc_time ON joint_punishment_check (checked_at DESC)`);

    await q.query(`CREATE TABLE check_feedback (
      id          bigserial PRIMARY KEY,
      check_id    uuid NOT NULL REFERENCES joint_punishment_check(check_id),
      action      text NOT NULL,
      note        text,
      measures_applied text[] NOT NULL DEFAULT '{}',
      recorded_by text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX feedback_check ON check_feedback (check_id)`);

    // append-only: the record of a check is evidence for a licensing file
    await q.query(`CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`);
    for (const t of ['joint_punishment_check', 'check_feedback', 'measure_catalogue_version']) {
      await q.query(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS check_feedback, joint_punishment_check, measure_catalogue_version, measure`);
    await q.query(`DROP FUNCTION IF EXISTS refuse_change()`);
  }
}
