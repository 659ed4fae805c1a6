import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Accident levels from the facts (issue 18.3): the thresholds of 《生产安全事故报告和调查处理条例》
 * （国务院令第493号）第三条 as a table, so the level the facts put an accident in is policy data the risk
 * statement (SQL) and the profile read alike, and a change of the regulation is a data change.
 * Direct loss is in 万元 as the accident table stores it; "以上" includes the number (第三条第二款).
 */
const BASIS = '《生产安全事故报告和调查处理条例》（国务院令第493号）第三条';
const LEVELS: [string, number, string, number, number, number][] = [
  // level, rank, name, min deaths, min serious injuries (incl. acute industrial poisoning), min direct loss (万元)
  ['ESPECIALLY_MAJOR', 4, '特别重大事故', 30, 100, 10000],
  ['MAJOR', 3, '重大事故', 10, 50, 5000],
  ['LARGER', 2, '较大事故', 3, 10, 1000],
  ['GENERAL', 1, '一般事故', 0, 0, 0],
];

export class AccidentLevelThresholds1732855000000 implements MigrationInterface {
  name = 'AccidentLevelThresholds1732855000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE accident_level_threshold (
      level                 text          PRIMARY KEY CHECK (level IN ('ESPECIALLY_MAJOR','MAJOR','LARGER','GENERAL')),
      rank                  smallint      NOT NULL UNIQUE,
      name_zh               text          NOT NULL,
      min_deaths            integer       NOT NULL CHECK (min_deaths >= 0),
      min_serious_injuries  integer       NOT NULL CHECK (min_serious_injuries >= 0),
      min_direct_loss       numeric(16,2) NOT NULL CHECK (min_direct_loss >= 0),
      legal_basis           text          NOT NULL)`);
    await q.query(
      `INSERT INTO accident_level_threshold (level, rank, name_zh, min_deaths, min_serious_injuries, min_direct_loss, legal_basis)
       SELECT *, $7::text FROM unnest($1::text[], $2::smallint[], $3::text[], $4::int[], $5::int[], $6::numeric[])`,
      [
        LEVELS.map((l) => l[0]),
        LEVELS.map((l) => l[1]),
        LEVELS.map((l) => l[2]),
        LEVELS.map((l) => l[3]),
        LEVELS.map((l) => l[4]),
        LEVELS.map((l) => l[5]),
        BASIS,
      ],
    );
    // the highest level any one of the three facts reaches (one fact is enough: 第三条 "或者")
    await q.query(`CREATE FUNCTION accident_level_from_facts(deaths integer, serious_injuries integer, direct_loss numeric) RETURNS text
      LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT t.level FROM accident_level_threshold t
        WHERE deaths >= t.min_deaths OR serious_injuries >= t.min_serious_injuries OR direct_loss >= t.min_direct_loss
        ORDER BY t.rank DESC LIMIT 1 $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS accident_level_from_facts(integer, integer, numeric)`);
    await q.query(`DROP TABLE IF EXISTS accident_level_threshold`);
  }
}
