import { describe, expect, it } from 'vitest';
import { todayIso } from '../src/records/rules.js';
import { applicableMeasures, decide, findHits, inForce, personEntryHits, type ListEntryRow, type MeasureRow } from '../src/credit/rules.js';

const entry = (over: Partial<ListEntryRow>): ListEntryRow => ({
  id: 1, source_record_id: 'E1', department: 'EMERGENCY', list: 'SAFETY_DISHONEST', subject_type: 'ENTERPRISE',
  credit_code: 'C1', person_key: null, person_name: null, reason: 'r', legal_basis: 'b', decision_number: 'd',
  start_date: '2026-01-01', end_date: '2026-12-31', removed_date: null, ban_scope: null, ban_industry: null, ...over,
});
const measure = (over: Partial<MeasureRow>): MeasureRow => ({
  code: 'M1', text: 't', applying_department: 'EMERGENCY', trigger_lists: ['SAFETY_DISHONEST'], trigger_ban_scopes: null, matters: ['PUBLIC_BIDDING'],
  subject_types: ['ENTERPRISE'], effect: 'DENY', mandatory: true, legal_basis: 'b', active: true, updated_at: new Date(), updated_by: 'x', ...over,
});

describe('the default as-of date', () => {
  it('is the calendar day in China, not in UTC: after 16:00 UTC it is already tomorrow', () => {
    expect(todayIso(new Date('2026-11-23T15:59:59Z'))).toBe('2026-11-23');
    expect(todayIso(new Date('2026-11-23T16:11:50Z'))).toBe('2026-11-24');
  });
});

describe('entries in force', () => {
  it('counts start and end days as inside the period', () => {
    const e = entry({});
    expect(inForce(e, '2025-12-31')).toBe(false);
    expect(inForce(e, '2026-01-01')).toBe(true);
    expect(inForce(e, '2026-12-31')).toBe(true);
    expect(inForce(e, '2027-01-01')).toBe(false);
  });
  it('stops on the removal (信用修复) day', () => {
    const e = entry({ removed_date: '2026-06-01' });
    expect(inForce(e, '2026-05-31')).toBe(true);
    expect(inForce(e, '2026-06-01')).toBe(false);
  });
  it('a five-year ban from 2020-03-15 ends on 2025-03-15 inclusive', () => {
    const ban = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', start_date: '2020-03-15', end_date: '2025-03-15', ban_scope: 'ALL_UNITS' });
    expect(inForce(ban, '2025-03-15')).toBe(true);
    expect(inForce(ban, '2025-03-16')).toBe(false);
  });
  it('an open-ended (lifetime) entry never expires', () => {
    expect(inForce(entry({ end_date: null }), '2090-01-01')).toBe(true);
  });
});

describe('principal bans', () => {
  const lifetime = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', ban_scope: 'INDUSTRY', ban_industry: 'B06', end_date: null });
  it('a lifetime ban hits only in its industry', () => {
    expect(personEntryHits(lifetime, 'PRINCIPAL', 'B0610')).toBe(true);
    expect(personEntryHits(lifetime, 'PRINCIPAL', 'E4710')).toBe(false);
  });
  it('a ban concerns the principal capacity, not the actual controller', () => {
    const all = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', ban_scope: 'ALL_UNITS' });
    expect(personEntryHits(all, 'LEGAL_REPRESENTATIVE', 'E4710')).toBe(true);
    expect(personEntryHits(all, 'ACTUAL_CONTROLLER', 'E4710')).toBe(false);
  });
  it('hits through the enterprise when its principal is banned', () => {
    const ban = entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', credit_code: null, person_key: 'P1', ban_scope: 'ALL_UNITS' });
    const hits = findHits({ credit_code: 'C9', industry_code: 'E4710' }, [{ personKey: 'P1', idMasked: 'x', name: '张三', roles: ['PRINCIPAL'] }], [], [ban], '2026-03-01');
    expect(hits).toHaveLength(1);
    expect(hits[0]!.subject).toBe('PRINCIPAL');
  });
});

describe('measures and decision', () => {
  const hits = findHits({ credit_code: 'C1', industry_code: 'E4710' }, [], [entry({})], [], '2026-03-01');
  it('applies only measures for the matter, list and subject type', () => {
    const ms = [measure({}), measure({ code: 'M2', matters: ['ROAD_TRANSPORT_LICENCE'] }), measure({ code: 'M3', subject_types: ['PERSON'] }), measure({ code: 'M4', active: false })];
    expect(applicableMeasures(hits, ms, 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['M1']);
  });
  it('DENY beats RESTRICT; no measure → PASS; revoked enterprise → DENY', () => {
    const deny = applicableMeasures(hits, [measure({}), measure({ code: 'M2', effect: 'RESTRICT' })], 'PUBLIC_BIDDING');
    expect(decide({ enterpriseStatus: 'ACTIVE', applied: deny, hits, staleSources: [], failClosed: true }).decision).toBe('DENY');
    const restrict = applicableMeasures(hits, [measure({ effect: 'RESTRICT' })], 'PUBLIC_BIDDING');
    expect(decide({ enterpriseStatus: 'ACTIVE', applied: restrict, hits, staleSources: [], failClosed: true }).decision).toBe('RESTRICT');
    expect(decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: [], failClosed: true }).decision).toBe('PASS');
    expect(decide({ enterpriseStatus: 'REVOKED', applied: [], hits: [], staleSources: [], failClosed: false })).toEqual({ decision: 'DENY', summary: expect.stringContaining('吊销') });
  });
  it('stale data turns PASS into RESTRICT only when failing closed', () => {
    expect(decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: ['fire'], failClosed: true }).decision).toBe('RESTRICT');
    expect(decide({ enterpriseStatus: 'ACTIVE', applied: [], hits: [], staleSources: ['fire'], failClosed: false })).toEqual({ decision: 'PASS', summary: expect.stringContaining('fire') });
  });
});

describe('ban scopes and capacities', () => {
  const ban = (scope: 'ALL_UNITS' | 'INDUSTRY') =>
    entry({ list: 'PRINCIPAL_BAN', subject_type: 'PERSON', credit_code: null, person_key: 'P1', ban_scope: scope, ban_industry: scope === 'INDUSTRY' ? 'B06' : null, end_date: null });
  const five = measure({ code: 'BAN-5', trigger_lists: ['PRINCIPAL_BAN'], trigger_ban_scopes: ['ALL_UNITS'], subject_types: ['PERSON'] });
  const life = measure({ code: 'BAN-L', trigger_lists: ['PRINCIPAL_BAN'], trigger_ban_scopes: ['INDUSTRY'], subject_types: ['PERSON'] });
  const principal = { personKey: 'P1', idMasked: 'x', name: '张三', roles: ['LEGAL_REPRESENTATIVE', 'PRINCIPAL'] as const };
  it('a measure for one ban scope is not triggered by the other', () => {
    const h5 = findHits({ credit_code: 'C1', industry_code: 'B0610' }, [{ ...principal, roles: [...principal.roles] }], [], [ban('ALL_UNITS')], '2026-03-01');
    expect(applicableMeasures(h5, [five, life], 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['BAN-5']);
    const hl = findHits({ credit_code: 'C1', industry_code: 'B0610' }, [{ ...principal, roles: [...principal.roles] }], [], [ban('INDUSTRY')], '2026-03-01');
    expect(applicableMeasures(hl, [five, life], 'PUBLIC_BIDDING').map((a) => a.measure.code)).toEqual(['BAN-L']);
  });
  it('names the principal for a ban and the legal representative for a listing, whatever order the roles came in', () => {
    const listing = entry({ subject_type: 'PERSON', credit_code: null, person_key: 'P1' });
    for (const roles of [['LEGAL_REPRESENTATIVE', 'PRINCIPAL'], ['PRINCIPAL', 'LEGAL_REPRESENTATIVE']] as const) {
      const p = [{ ...principal, roles: [...roles] }];
      expect(findHits({ credit_code: 'C1', industry_code: 'E4710' }, p, [], [ban('ALL_UNITS')], '2026-03-01').map((h) => h.subject)).toEqual(['PRINCIPAL']);
      expect(findHits({ credit_code: 'C1', industry_code: 'E4710' }, p, [], [listing], '2026-03-01').map((h) => h.subject)).toEqual(['LEGAL_REPRESENTATIVE']);
    }
  });
});
