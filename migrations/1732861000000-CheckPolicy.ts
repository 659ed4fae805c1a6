import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Thresholds written down (issue 18.6, 18.1): what the checks used to decide in code is policy data
 * with its legal basis, versioned, shown in the API and on the printed record.
 * - joint-punishment check: which registration statuses decide the check (吊销/注销 ⇒ DENY), and which
 *   lists follow the listed enterprise's persons (法定代表人、主要负责人) to other enterprises;
 * - compliance: which lists count as "a party on a blacklist", and the legal basis of each setting
 *   (chain depth …), as a new compliance policy version.
 */

const MEMO_1001 = '《关于对安全生产领域失信生产经营单位及其有关人员开展联合惩戒的合作备忘录》（发改财金〔2016〕1001号）';
const MEMO_2045 = '《失信企业协同监管和联合惩戒合作备忘录》（发改财金〔2015〕2045号）';
const T = {
  '000':
    '《湖北省安全生产委员会关于贯彻落实国务院安全生产委员会〈关于进一步强化安全生产责任落实坚决防范遏制重特大事故的若干措施〉的实施意见》',
  '001': '《中共湖南省委 湖南省人民政府关于推进安全生产领域改革发展的实施意见》',
  '002': '《关于进一步加强我省安全生产工作的25条措施》',
  '003': '《吉林省人防办关于进一步强化安全生产责任落实坚决防范遏制重特大事故实施方案的通知》（吉防办发〔2022〕42号）',
};

const STATUS: [status: string, decision: string, basis: string][] = [
  // a revoked enterprise is dissolved and in liquidation: it exists only to wind up, and may not take up new business
  [
    'REVOKED',
    'DENY',
    '《中华人民共和国公司法》第二百二十九条第一款第（四）项（依法被吊销营业执照的，公司解散）、第二百三十六条第三款（清算期间不得开展与清算无关的经营活动）',
  ],
  // a cancelled enterprise no longer exists
  ['CANCELLED', 'DENY', '《中华人民共和国市场主体登记管理条例》第三十一条（经登记机关注销登记，市场主体终止）'],
];

/**
 * Lists whose enterprise entries also hit the persons who were the enterprise's legal representative or
 * principal when it was listed, wherever they serve as legal representative, principal or proposed person.
 */
const FOLLOWS: [list: string, followsRoles: string[], applicantRoles: string[], basis: string][] = [
  [
    'SAFETY_DISHONEST',
    ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'],
    ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'NAMED_PERSON'],
    `${MEMO_1001} 一、联合惩戒对象（失信生产经营单位及其法定代表人、主要负责人、分管安全生产负责人和负有直接责任的有关人员）`,
  ],
  [
    'SERIOUS_ILLEGAL_DISHONEST',
    ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'],
    ['LEGAL_REPRESENTATIVE', 'PRINCIPAL', 'NAMED_PERSON'],
    `《企业信息公示暂行条例》第十七条第二款（被列入严重违法企业名单的企业的法定代表人、负责人，3年内不得担任其他企业的法定代表人、负责人）；${MEMO_2045}`,
  ],
];

/** Lists that make a project party "on a blacklist" (BLACKLISTED_PARTY); 经营异常名录 is a notice, not a blacklist. */
const BLACKLISTS: [list: string, basis: string][] = [
  ['SAFETY_DISHONEST', `${T['001']}（二十七）；${T['002']}（十八）`],
  ['SERIOUS_ILLEGAL_DISHONEST', `${T['002']}（二十）（跨地区、跨行业、跨领域联合惩戒）`],
  ['CONSTRUCTION_BLACKLIST', `${T['002']}（十八）；《建筑市场信用管理暂行办法》（建市〔2017〕241号）第十四条`],
  ['TRANSPORT_DISHONEST', `${T['002']}（二十）（跨地区、跨行业、跨领域联合惩戒）`],
  ['FIRE_DISHONEST', `${T['002']}（二十）（跨地区、跨行业、跨领域联合惩戒）`],
  ['PRINCIPAL_BAN', `${T['000']}（三）；${T['003']}（十）；《中华人民共和国安全生产法》第九十四条`],
];

const SETTING_BASIS: [key: string, basis: string][] = [
  ['max_chain_depth', `${T['000']}（十四）（层层转包）；${T['002']}（十四）；《中华人民共和国建筑法》第二十九条`],
  ['engineer_min_ratio', `${T['002']}（四）`],
  ['engineer_min_grades', `${T['002']}（四）`],
  ['joint_punishment_matter', `${T['002']}（十八）、（二十）`],
];

export class CheckPolicy1732861000000 implements MigrationInterface {
  name = 'CheckPolicy1732861000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE check_policy_version (
      version     integer PRIMARY KEY,
      changed_at  timestamptz NOT NULL DEFAULT now(),
      changed_by  text NOT NULL,
      change      jsonb NOT NULL)`);
    await q.query(
      `CREATE TRIGGER check_policy_version_append_only BEFORE UPDATE OR DELETE ON check_policy_version FOR EACH ROW EXECUTE FUNCTION refuse_change()`,
    );
    await q.query(`CREATE TABLE registration_status_policy (
      status      text PRIMARY KEY CHECK (status IN ('REVOKED','CANCELLED')),
      decision    text NOT NULL CHECK (decision IN ('DENY','RESTRICT')),
      legal_basis text NOT NULL)`);
    await q.query(`CREATE TABLE list_person_policy (
      list            text PRIMARY KEY,
      follows_roles   text[] NOT NULL,
      applicant_roles text[] NOT NULL,
      legal_basis     text NOT NULL)`);
    for (const [status, decision, basis] of STATUS) {
      await q.query(`INSERT INTO registration_status_policy (status, decision, legal_basis) VALUES ($1,$2,$3)`, [status, decision, basis]);
    }
    for (const [list, follows, applicant, basis] of FOLLOWS) {
      await q.query(`INSERT INTO list_person_policy (list, follows_roles, applicant_roles, legal_basis) VALUES ($1,$2,$3,$4)`, [
        list,
        follows,
        applicant,
        basis,
      ]);
    }
    await q.query(`INSERT INTO check_policy_version (version, changed_by, change) VALUES (1, 'migration', '{"seeded": true}')`);

    await q.query(`CREATE TABLE blacklist_list (
      list        text PRIMARY KEY,
      legal_basis text NOT NULL)`);
    for (const [list, basis] of BLACKLISTS) await q.query(`INSERT INTO blacklist_list (list, legal_basis) VALUES ($1,$2)`, [list, basis]);
    await q.query(`ALTER TABLE compliance_setting ADD COLUMN legal_basis text`);
    for (const [key, basis] of SETTING_BASIS) await q.query(`UPDATE compliance_setting SET legal_basis = $2 WHERE key = $1`, [key, basis]);
    await q.query(
      `INSERT INTO compliance_policy_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', '{"blacklistLists": true, "settingLegalBasis": true}' FROM compliance_policy_version`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE compliance_setting DROP COLUMN legal_basis`);
    await q.query(`DROP TABLE IF EXISTS blacklist_list, list_person_policy, registration_status_policy, check_policy_version`);
  }
}
