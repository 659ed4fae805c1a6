/**
 * 自然资源's policy data, appended to the hub's migrations (src/generated/department-migrations.ts): what the
 * joint-punishment check does with an entry of 自然资源领域严重失信主体名单, and that the compliance checks count
 * it as a blacklist. Each is a new version of its catalogue, as an administrator's edit would be.
 */
import type { MigrationInterface, QueryRunner } from 'typeorm';

const LIST = 'NATURAL_RESOURCES_DISHONEST';
const BASIS = '《自然资源领域严重失信主体名单管理办法》';
const MEASURES = [
  {
    code: 'JP-NR-01',
    text: '矿山安全生产许可依法从严审查，不适用告知承诺',
    department: 'EMERGENCY',
    matters: ['MINE_SAFETY_LICENCE'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${BASIS}（联合惩戒措施）；《安全生产许可证条例》第六条`,
  },
  {
    code: 'JP-NR-02',
    text: '限制参与政府采购、公共资源招投标活动',
    department: 'NATURAL_RESOURCES',
    matters: ['GOVERNMENT_PROCUREMENT', 'PUBLIC_BIDDING'],
    effect: 'RESTRICT',
    mandatory: false,
    basis: `${BASIS}（联合惩戒措施）；《政府采购法》第二十二条`,
  },
];

export class NaturalResourcesPolicy1733100000000 implements MigrationInterface {
  name = 'NaturalResourcesPolicy1733100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const m of MEASURES) {
      await q.query(
        `INSERT INTO measure (code, text, applying_department, trigger_lists, matters, subject_types, effect, mandatory, legal_basis)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
        [m.code, m.text, m.department, [LIST], m.matters, ['ENTERPRISE'], m.effect, m.mandatory, m.basis],
      );
    }
    await q.query(
      `INSERT INTO measure_catalogue_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', $1 FROM measure_catalogue_version`,
      [JSON.stringify({ added: MEASURES.map((m) => m.code) })],
    );
    await q.query(`INSERT INTO blacklist_list (list, legal_basis) VALUES ($1, $2)`, [LIST, `${BASIS}（跨部门联合惩戒）`]);
    await q.query(
      `INSERT INTO compliance_policy_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', $1 FROM compliance_policy_version`,
      [JSON.stringify({ blacklistLists: { added: [LIST] } })],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM blacklist_list WHERE list = $1`, [LIST]);
    await q.query(`DELETE FROM measure WHERE code = ANY($1)`, [MEASURES.map((m) => m.code)]);
  }
}

export default [NaturalResourcesPolicy1733100000000];
