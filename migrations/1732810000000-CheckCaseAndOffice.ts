import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Checks belong to an office, and their feedback keeps its history (issues 16.2, 17.4):
 * - joint_punishment_check: 申请事项编号 `case_number` (the approval system's application number),
 *   `caller_office` (办理机构) and `caller_name` (经办人), so officers list their own office's checks
 *   and the printout names who checked where.
 * - check_feedback: `recorded_by_name`, `office`, and `amends` (the feedback row a new row replaces).
 *   Amendments are new rows (the table stays append-only); the current feedback of a check is its
 *   latest row; a row is amended at most once, so the history is one line.
 * Existing rows keep NULLs (who checked where was not recorded then). The append-only triggers stay.
 *
 * Also: legal bases cite document titles, never the file numbers of our seed notes ("湖北 000 (三)").
 */

/** The seed documents' titles (first lines of the seed texts), by the file number the old strings used. */
const TITLE_000 =
  '《湖北省安全生产委员会关于贯彻落实国务院安全生产委员会〈关于进一步强化安全生产责任落实坚决防范遏制重特大事故的若干措施〉的实施意见》';
const TITLE_001 = '《中共湖南省委 湖南省人民政府关于推进安全生产领域改革发展的实施意见》';
const TITLE_002 = '《关于进一步加强我省安全生产工作的25条措施》';
const TITLE_003 = '《吉林省人防办关于进一步强化安全生产责任落实坚决防范遏制重特大事故实施方案的通知》（吉防办发〔2022〕42号）';

const BASIS: Record<string, [before: string, after: string]> = {
  'JP-BAN-01': [
    '《安全生产法》第九十四条；湖北 000 (三)；吉林 003 (十)',
    `《安全生产法》第九十四条；${TITLE_000}（三）；${TITLE_003}（十）`,
  ],
  'JP-BAN-02': [
    '《安全生产法》第九十四条第二款；湖北 000 (三)；吉林 003 (十)；湖南 001 (八)',
    `《安全生产法》第九十四条第二款；${TITLE_000}（三）；${TITLE_003}（十）；${TITLE_001}（八）`,
  ],
};

const RISK_MODEL_V1: [before: string, after: string] = [
  '初始权重 Initial weights (002 (二十四))',
  `初始权重 Initial weights (${TITLE_002}（二十四）)`,
];
const SETTINGS: Record<string, [before: string, after: string]> = {
  engineer_min_ratio: [
    '002 (四): intermediate-or-above registered safety engineers among safety managers',
    `${TITLE_002}（四）: intermediate-or-above registered safety engineers among safety managers`,
  ],
  engineer_min_grades: [
    '002 (四): registered safety engineer grades that count towards the ratio',
    `${TITLE_002}（四）: registered safety engineer grades that count towards the ratio`,
  ],
};

export class CheckCaseAndOffice1732810000000 implements MigrationInterface {
  name = 'CheckCaseAndOffice1732810000000';

  async up(q: QueryRunner): Promise<void> {
    // ADD COLUMN without a default touches no row, so the append-only triggers (UPDATE/DELETE) do not fire
    await q.query(
      `ALTER TABLE joint_punishment_check ADD COLUMN case_number text, ADD COLUMN caller_office text, ADD COLUMN caller_name text`,
    );
    await q.query(`CREATE INDEX jpc_case_number ON joint_punishment_check (case_number) WHERE case_number IS NOT NULL`);
    await q.query(`CREATE INDEX jpc_office_time ON joint_punishment_check (caller_office, checked_at DESC)`);
    // "my checks": the officer's own list, newest first
    await q.query(`CREATE INDEX jpc_caller_time ON joint_punishment_check (caller_subject, checked_at DESC)`);

    await q.query(`ALTER TABLE check_feedback ADD COLUMN recorded_by_name text, ADD COLUMN office text,
      ADD COLUMN amends bigint REFERENCES check_feedback(id)`);
    // one amendment per row: two officers amending the same current feedback cannot both win
    await q.query(`CREATE UNIQUE INDEX feedback_amends_once ON check_feedback (amends) WHERE amends IS NOT NULL`);

    for (const [code, [before, after]] of Object.entries(BASIS)) {
      await q.query(
        `UPDATE measure SET legal_basis = $2, updated_at = now(), updated_by = 'migration' WHERE code = $1 AND legal_basis = $3`,
        [code, after, before],
      );
    }
    // the checks record the catalogue version they used: a changed text is a new version
    await q.query(
      `INSERT INTO measure_catalogue_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', $1 FROM measure_catalogue_version`,
      [JSON.stringify({ legalBasisCitesTitles: Object.keys(BASIS) })],
    );
    await q.query(`UPDATE risk_model_version SET description = $1 WHERE description = $2`, [RISK_MODEL_V1[1], RISK_MODEL_V1[0]]);
    for (const [key, [before, after]] of Object.entries(SETTINGS)) {
      await q.query(`UPDATE compliance_setting SET description = $2 WHERE key = $1 AND description = $3`, [key, after, before]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [key, [before, after]] of Object.entries(SETTINGS)) {
      await q.query(`UPDATE compliance_setting SET description = $2 WHERE key = $1 AND description = $3`, [key, before, after]);
    }
    await q.query(`UPDATE risk_model_version SET description = $1 WHERE description = $2`, [RISK_MODEL_V1[0], RISK_MODEL_V1[1]]);
    for (const [code, [before, after]] of Object.entries(BASIS)) {
      await q.query(
        `UPDATE measure SET legal_basis = $2, updated_at = now(), updated_by = 'migration' WHERE code = $1 AND legal_basis = $3`,
        [code, before, after],
      );
    }
    await q.query(
      `INSERT INTO measure_catalogue_version (version, changed_by, change)
       SELECT coalesce(max(version), 0) + 1, 'migration', '{"revert": "legalBasisCitesTitles"}' FROM measure_catalogue_version`,
    );
    await q.query(`DROP INDEX IF EXISTS feedback_amends_once`);
    await q.query(`ALTER TABLE check_feedback DROP COLUMN amends, DROP COLUMN office, DROP COLUMN recorded_by_name`);
    await q.query(`DROP INDEX IF EXISTS jpc_case_number, jpc_office_time, jpc_caller_time`);
    await q.query(`ALTER TABLE joint_punishment_check DROP COLUMN case_number, DROP COLUMN caller_office, DROP COLUMN caller_name`);
  }
}
