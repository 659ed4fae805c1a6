import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The hub's canonical store. Every department record keeps its provenance (source connector, source
 * record id, fetch time, raw record) and a content hash, so a repeated sync can tell "unchanged" from
 * "written". A person row is derived from every record naming the person; its provenance is the
 * latest of them. Enterprises are keyed by credit code; persons by a keyed hash of the ID number (the ID
 * itself is stored only encrypted).
 */
const PROVENANCE_COLUMNS = `
  department      text        NOT NULL,
  source          text        NOT NULL,
  source_record_id text       NOT NULL,
  fetched_at      timestamptz NOT NULL,
  source_updated_at timestamptz,
  raw             jsonb       NOT NULL,
  content_hash    text        NOT NULL,
  stored_at       timestamptz NOT NULL DEFAULT now()`;
const PROVENANCE = `${PROVENANCE_COLUMNS},
  UNIQUE (source, source_record_id)`;

export class CanonicalModel1732300000000 implements MigrationInterface {
  name = 'CanonicalModel1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);

    await q.query(`CREATE TABLE enterprise (
      credit_code     varchar(18) PRIMARY KEY,
      credit_code_checksum_failed boolean NOT NULL DEFAULT false,
      org_code        varchar(9)  NOT NULL,
      name            text        NOT NULL,
      name_normalised text        NOT NULL,
      type            text        NOT NULL,
      status          text        NOT NULL CHECK (status IN ('ACTIVE','REVOKED','CANCELLED')),
      legal_representative text   NOT NULL,
      division_code   varchar(6)  NOT NULL,
      industry_code   text        NOT NULL,
      registered_capital numeric(16,2) NOT NULL,
      established_date date       NOT NULL,
      address         text,
      business_scope  text,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX enterprise_org_code ON enterprise (org_code)`);
    await q.query(`CREATE INDEX enterprise_name_normalised ON enterprise (name_normalised)`);
    await q.query(`CREATE INDEX enterprise_name_trgm ON enterprise USING gin (name gin_trgm_ops)`);
    await q.query(`CREATE INDEX enterprise_division ON enterprise (division_code)`);
    await q.query(`CREATE INDEX enterprise_industry ON enterprise (industry_code)`);
    await q.query(`CREATE INDEX enterprise_status ON enterprise (status)`);

    await q.query(`CREATE TABLE person (
      person_key      varchar(64) PRIMARY KEY,
      id_encrypted    text        NOT NULL,
      id_masked       text        NOT NULL,
      name            text        NOT NULL,
      phone_encrypted text,
      phone_masked    text,
      ${PROVENANCE_COLUMNS})`);

    await q.query(`CREATE TABLE enterprise_person_role (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      person_key      varchar(64) NOT NULL REFERENCES person(person_key),
      role            text        NOT NULL,
      since           date,
      until           date,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX role_enterprise ON enterprise_person_role (credit_code, role)`);
    await q.query(`CREATE INDEX role_person ON enterprise_person_role (person_key)`);

    await q.query(`CREATE TABLE credential (
      id              bigserial PRIMARY KEY,
      credential_kind text        NOT NULL,
      number          text        NOT NULL,
      credit_code     varchar(18) REFERENCES enterprise(credit_code),
      person_key      varchar(64) REFERENCES person(person_key),
      category        text,
      grade           text,
      scope           text,
      registered_credit_code varchar(18),
      issuer_department text      NOT NULL,
      valid_from      date,
      valid_to        date,
      status          text        NOT NULL,
      ${PROVENANCE},
      CHECK (credit_code IS NOT NULL OR person_key IS NOT NULL))`);
    await q.query(`CREATE INDEX credential_enterprise ON credential (credit_code, credential_kind)`);
    await q.query(`CREATE INDEX credential_person ON credential (person_key, credential_kind)`);
    await q.query(`CREATE INDEX credential_registered ON credential (registered_credit_code)`);

    await q.query(`CREATE TABLE penalty (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      decision_number text        NOT NULL,
      decision_date   date        NOT NULL,
      penalty_type    text        NOT NULL,
      reason          text        NOT NULL,
      legal_basis     text,
      amount          numeric(16,2),
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX penalty_enterprise ON penalty (credit_code, decision_date)`);

    await q.query(`CREATE TABLE hidden_danger (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      level           text        NOT NULL,
      description     text        NOT NULL,
      found_date      date        NOT NULL,
      deadline        date        NOT NULL,
      found_by        text        NOT NULL,
      status          text        NOT NULL,
      closed_date     date,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX hidden_danger_enterprise ON hidden_danger (credit_code, level, status)`);
    await q.query(`CREATE INDEX hidden_danger_open_deadline ON hidden_danger (deadline) WHERE status <> 'CLOSED'`);

    await q.query(`CREATE TABLE accident (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      occurred_on     date        NOT NULL,
      level           text        NOT NULL,
      deaths          integer     NOT NULL,
      serious_injuries integer    NOT NULL,
      direct_loss     numeric(16,2) NOT NULL,
      description     text        NOT NULL,
      reporting_violation text,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX accident_enterprise ON accident (credit_code, occurred_on)`);

    await q.query(`CREATE TABLE inspection (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      inspected_on    date        NOT NULL,
      inspection_type text        NOT NULL,
      result          text        NOT NULL,
      findings        text,
      key_fire_safety_unit boolean,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX inspection_enterprise ON inspection (credit_code, inspected_on)`);

    await q.query(`CREATE TABLE vehicle (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      plate_number    text        NOT NULL,
      vehicle_kind    text        NOT NULL,
      operating_certificate text  NOT NULL,
      certificate_valid_to date,
      monitoring_online boolean   NOT NULL,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX vehicle_enterprise ON vehicle (credit_code)`);

    await q.query(`CREATE TABLE transport_violation (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      plate_number    text        NOT NULL,
      occurred_at     timestamptz NOT NULL,
      violation_kind  text        NOT NULL,
      location        text,
      fine            numeric(16,2),
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX violation_enterprise ON transport_violation (credit_code, occurred_at)`);

    await q.query(`CREATE TABLE project (
      project_code    text        PRIMARY KEY,
      name            text        NOT NULL,
      builder_credit_code varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      construction_permit text,
      scale           text        NOT NULL,
      required_category text      NOT NULL,
      required_sequence text      NOT NULL,
      division_code   varchar(6)  NOT NULL,
      start_date      date,
      investment      numeric(16,2),
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX project_builder ON project (builder_credit_code)`);

    await q.query(`CREATE TABLE contract (
      contract_number text        PRIMARY KEY,
      project_code    text        NOT NULL,
      parent_contract_number text,
      contract_kind   text        NOT NULL,
      employer_credit_code varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      contractor_credit_code varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      scope           text        NOT NULL,
      value           numeric(16,2) NOT NULL,
      covers_main_structure boolean NOT NULL,
      covers_all_work boolean     NOT NULL,
      safety_agreement_signed boolean NOT NULL,
      project_manager_key varchar(64),
      signed_on       date        NOT NULL,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX contract_project ON contract (project_code)`);
    await q.query(`CREATE INDEX contract_parent ON contract (parent_contract_number)`);
    await q.query(`CREATE INDEX contract_contractor ON contract (contractor_credit_code)`);
    await q.query(`CREATE INDEX contract_employer ON contract (employer_credit_code)`);

    await q.query(`CREATE TABLE insurance_policy (
      id              bigserial PRIMARY KEY,
      credit_code     varchar(18) NOT NULL REFERENCES enterprise(credit_code),
      policy_number   text        NOT NULL,
      insurance_kind  text        NOT NULL,
      insurer         text        NOT NULL,
      valid_from      date        NOT NULL,
      valid_to        date        NOT NULL,
      ${PROVENANCE})`);
    await q.query(`CREATE INDEX insurance_enterprise ON insurance_policy (credit_code, valid_to)`);

    await q.query(`CREATE TABLE list_entry (
      id              bigserial PRIMARY KEY,
      list            text        NOT NULL,
      subject_type    text        NOT NULL CHECK (subject_type IN ('ENTERPRISE','PERSON')),
      credit_code     varchar(18) REFERENCES enterprise(credit_code),
      person_key      varchar(64) REFERENCES person(person_key),
      person_name     text,
      reason          text        NOT NULL,
      legal_basis     text        NOT NULL,
      decision_number text        NOT NULL,
      start_date      date        NOT NULL,
      end_date        date,
      removed_date    date,
      ban_scope       text,
      ban_industry    text,
      ${PROVENANCE},
      CHECK ((subject_type = 'ENTERPRISE' AND credit_code IS NOT NULL) OR (subject_type = 'PERSON' AND person_key IS NOT NULL)))`);
    await q.query(`CREATE INDEX list_entry_enterprise ON list_entry (credit_code, list)`);
    await q.query(`CREATE INDEX list_entry_person ON list_entry (person_key, list)`);

    // records that could not be parsed or linked: kept with the reason and candidates, never dropped
    await q.query(`CREATE TABLE quarantined_record (
      id              bigserial PRIMARY KEY,
      source          text        NOT NULL,
      kind            text        NOT NULL,
      source_record_id text       NOT NULL,
      reason_code     text        NOT NULL CHECK (reason_code IN ('PARSE_ERROR','UNLINKED','AMBIGUOUS_LINK','CONSTRAINT')),
      reason          text        NOT NULL,
      raw             jsonb       NOT NULL,
      record          jsonb,
      candidates      jsonb       NOT NULL DEFAULT '[]',
      first_seen_at   timestamptz NOT NULL DEFAULT now(),
      last_seen_at    timestamptz NOT NULL DEFAULT now(),
      attempts        integer     NOT NULL DEFAULT 1,
      resolved_at     timestamptz,
      UNIQUE (source, kind, source_record_id))`);
    await q.query(`CREATE INDEX quarantine_open ON quarantined_record (source, id) WHERE resolved_at IS NULL`);

    await q.query(`CREATE TABLE sync_run (
      id              bigserial PRIMARY KEY,
      connector       text        NOT NULL,
      started_at      timestamptz NOT NULL DEFAULT now(),
      finished_at     timestamptz,
      status          text        NOT NULL CHECK (status IN ('RUNNING','SUCCEEDED','FAILED','ABORTED')),
      records_read    integer     NOT NULL DEFAULT 0,
      records_written integer     NOT NULL DEFAULT 0,
      records_unchanged integer   NOT NULL DEFAULT 0,
      records_quarantined integer NOT NULL DEFAULT 0,
      watermark_from  text,
      watermark_to    text,
      error           text,
      CHECK (records_read = records_written + records_unchanged + records_quarantined))`);
    await q.query(`CREATE INDEX sync_run_connector ON sync_run (connector, started_at DESC)`);

    await q.query(`CREATE TABLE sync_watermark (
      connector       text        PRIMARY KEY,
      watermark       text        NOT NULL,
      updated_at      timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'sync_watermark',
      'sync_run',
      'quarantined_record',
      'list_entry',
      'insurance_policy',
      'contract',
      'project',
      'transport_violation',
      'vehicle',
      'inspection',
      'accident',
      'hidden_danger',
      'penalty',
      'credential',
      'enterprise_person_role',
      'person',
      'enterprise',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
