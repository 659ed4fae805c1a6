/**
 * Joint-punishment checks as the API offers them: run checks (check.ts), read stored checks, record
 * and amend their feedback, edit the measure catalogue. Validation and refusals here; every statement
 * is in store.ts.
 */
import { GraphQLError } from 'graphql';
import { badInput, notFound } from '../kernel/errors.js';
import { decodeJsonCursor, encodeJsonCursor } from '../kernel/paging.js';
import { creditCodeArg } from '../kernel/validate.js';
import { checkScope, mayGiveFeedback } from '../security/policy.js';
import { freshnessOf, refusal, runChecks, type CheckServices, type Freshness } from './check.js';
import type { FeedbackAction } from '../generated/enums.js';
import type { Caller, CheckAnswer, CheckInput, FeedbackRow, MeasureRow, PersonFollowPolicy, StatusPolicyRow } from './model.js';
import {
  answerOf,
  appendFeedback,
  deactivateMeasureRow,
  lastSuccessfulRuns,
  readCatalogue,
  readCheckPage,
  readCheckPolicy,
  readCheckRow,
  readFeedback,
  readFeedbackCounts,
  writeMeasure,
  type CheckRowOut,
  type MeasureInput,
} from './store.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function forbiddenOffice(): GraphQLError {
  return new GraphQLError(
    'only the officer who ran the check, an officer of the same office, or an administrator may record or amend its feedback',
    {
      extensions: {
        code: 'FORBIDDEN',
        reason: 'NOT_OWN_OFFICE',
        messageZh: '该核查记录不属于您所在的办理机构，只有经办人、同一办理机构的审批人员或管理员可以反馈或更正',
      },
    },
  );
}

export class JointPunishmentService {
  constructor(private readonly services: CheckServices) {}

  async runOne(input: CheckInput, caller: Caller): Promise<CheckAnswer> {
    const [answer] = await this.runMany([input], caller, (_i, f) => `input.${f}`);
    return answer!;
  }

  /**
   * Runs checks for many subjects with batched lookups. `fieldName(i, field)` names the input field
   * in errors (e.g. `inputs[3].creditCode`).
   */
  runMany(
    inputs: readonly CheckInput[],
    caller: Caller,
    fieldName = (i: number, f: string) => `inputs[${i}].${f}`,
  ): Promise<CheckAnswer[]> {
    return runChecks(this.services, inputs, caller, fieldName);
  }

  catalogue(activeOnly: boolean): Promise<{ version: number; measures: MeasureRow[] }> {
    return readCatalogue(this.services.ds, activeOnly);
  }

  /** The check's policy data (registration statuses, lists following persons). */
  policy(): Promise<{ version: number; statuses: StatusPolicyRow[]; follows: PersonFollowPolicy[] }> {
    return readCheckPolicy(this.services.ds);
  }

  /** Each connector's last successful sync, and whether it is older than the configured maximum. */
  async freshness(): Promise<Freshness[]> {
    return freshnessOf(this.services, await lastSuccessfulRuns(this.services.ds, [...this.services.connectors.keys()]));
  }

  /** A stored check the caller may see (checkScope), else null: another office's check answers as an unknown id. */
  async getCheck(checkId: string, caller: Caller & { roles: readonly string[] }): Promise<CheckAnswer | null> {
    const row = await this.checkRow(checkId, caller, false);
    return row ? answerOf(row) : null;
  }

  /** `unscoped`: any office's check (feedback refuses another office's by name). */
  private checkRow(checkId: string, caller: Caller & { roles: readonly string[] }, unscoped: boolean): Promise<CheckRowOut | null> {
    if (!UUID_RE.test(checkId)) {
      throw refusal('checkId', 'INVALID_CHECK_ID', 'not a check id (UUID)', '核查编号格式不正确');
    }
    return readCheckRow(this.services.ds, checkId, unscoped ? { all: true } : checkScope(caller));
  }

  async listChecks(
    filter: {
      creditCode?: string | null;
      matter?: string | null;
      decision?: string | null;
      from?: Date | string | null;
      to?: Date | string | null;
      callerSubject?: string | null;
      caseNumber?: string | null;
      awaitingFeedback?: boolean | null;
      mine?: boolean | null;
    },
    first: number,
    after: string | null,
    caller: Caller & { roles: readonly string[] },
  ): Promise<{ totalCount: number; items: { cursor: string; answer: CheckAnswer }[]; hasNextPage: boolean }> {
    let cursor: { t: string; id: string } | null = null;
    if (after) {
      try {
        cursor = decodeJsonCursor(after) as { t: string; id: string } | null;
        if (!cursor || typeof cursor.t !== 'string' || typeof cursor.id !== 'string') throw new Error('shape');
      } catch {
        throw badInput('after', 'not a cursor this list gave out');
      }
    }
    // exactly what this list gives out: an ISO instant and a check id (UUID); anything else would fail in the database
    if (
      cursor &&
      (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(cursor.t) ||
        Number.isNaN(new Date(cursor.t).getTime()) ||
        !UUID_RE.test(cursor.id))
    ) {
      throw badInput('after', 'not a cursor this list gave out');
    }
    // the filter's code too: a lower-case or spaced code would silently match nothing
    if (filter.creditCode != null) filter = { ...filter, creditCode: creditCodeArg('filter.creditCode', filter.creditCode).code };
    const mine = filter.mine ? caller.subject : null;
    const { total, rows } = await readCheckPage(
      this.services.ds,
      {
        creditCode: filter.creditCode ?? null,
        matter: filter.matter ?? null,
        decision: filter.decision ?? null,
        from: filter.from ?? null,
        to: filter.to ?? null,
        callerSubject: filter.callerSubject ?? null,
        caseNumber: filter.caseNumber?.trim() || null,
        awaitingFeedback: filter.awaitingFeedback ?? null,
        mine,
      },
      checkScope(caller),
      cursor,
      first,
    );
    const items = rows.slice(0, first).map((r) => ({
      cursor: encodeJsonCursor({ t: new Date(r.checked_at).toISOString(), id: r.check_id }),
      answer: answerOf(r),
    }));
    return { totalCount: total, items, hasNextPage: rows.length > first };
  }

  feedbackFor(checkIds: readonly string[]): Promise<FeedbackRow[][]> {
    return readFeedback(this.services.ds, checkIds);
  }

  /**
   * 反馈: what the officer did, following the check's decision (issue 16.2). Refusals name the field,
   * a reason code and a Chinese sentence for the console. An amendment is a new row naming the current
   * feedback it replaces; the history stays (the table is append-only).
   */
  async recordFeedback(
    checkId: string,
    action: FeedbackAction,
    note: string | null,
    measuresApplied: string[],
    amends: string | null,
    caller: Caller & { roles: readonly string[] },
  ): Promise<FeedbackRow> {
    // the check is looked up unscoped: another office's check is refused by name (NOT_OWN_OFFICE), an unknown one is NOT_FOUND
    const row = await this.checkRow(checkId, caller, true);
    if (!row) throw notFound(`check ${checkId}`, { field: 'checkId', messageZh: '未找到该核查记录' });
    if (!mayGiveFeedback(caller, { callerSubject: row.caller_subject, office: row.caller_office })) throw forbiddenOffice();
    const answer = row.answer;
    const text = note?.trim() || null;
    const named = new Set(answer.measures.map((m) => m.code));
    const unknown = measuresApplied.filter((m) => !named.has(m));
    if (unknown.length) {
      throw refusal(
        'measuresApplied',
        'UNKNOWN_MEASURE',
        `not among the measures of this check: ${unknown.join(', ')}`,
        `措施 ${unknown.join('、')} 不在本次核查的适用措施之中`,
      );
    }
    if (answer.decision === 'DENY' && action === 'GRANTED') {
      throw refusal(
        'action',
        'DECISION_CONTRADICTED',
        'the check decided DENY: the licence cannot be recorded as granted',
        '该核查结论为不予许可（DENY），不能反馈为准予许可',
      );
    }
    const mandatory = answer.measures.filter((m) => m.mandatory).map((m) => m.code);
    if (action === 'NO_MEASURE_APPLIED' && mandatory.length) {
      throw refusal(
        'action',
        'MANDATORY_MEASURES_MISSING',
        `mandatory measures apply to this check and must be applied: ${mandatory.join(', ')}`,
        `本次核查有约束性措施（${mandatory.join('、')}），必须实施，不能反馈为未实施措施`,
        { measures: mandatory },
      );
    }
    if (action === 'NO_MEASURE_APPLIED' && !text) {
      throw refusal('note', 'REASON_REQUIRED', 'a reason is required when no measure was applied', '未实施惩戒措施时须填写理由');
    }
    if (action === 'MEASURES_APPLIED' && measuresApplied.length === 0) {
      throw refusal('measuresApplied', 'MEASURES_REQUIRED', 'name the measures that were applied', '请选择已实施的惩戒措施');
    }
    // every mandatory (约束性) measure is applied, whatever else was done (refusing the licence applies a denying measure: name it)
    const missing = mandatory.filter((m) => !measuresApplied.includes(m));
    if (missing.length) {
      throw refusal(
        'measuresApplied',
        'MANDATORY_MEASURES_MISSING',
        `mandatory measures not named as applied: ${missing.join(', ')}`,
        `约束性措施 ${missing.join('、')} 必须实施并在反馈中勾选`,
        { measures: missing },
      );
    }
    const admit = (current: string | null) => {
      if (current && !amends) {
        throw refusal(
          'amends',
          'AMENDS_REQUIRED',
          `feedback ${current} is already recorded: to amend it, give amends: ${current} and a note saying why`,
          '该核查已有反馈；如需更正，请注明更正的是哪条反馈并填写更正理由',
          { current },
        );
      }
      if (amends && amends !== current) {
        throw refusal(
          'amends',
          'STALE_AMENDMENT',
          current
            ? `feedback ${amends} is not the current feedback of this check (the current one is ${current})`
            : 'this check has no feedback to amend',
          current ? '您更正的反馈已不是最新的反馈，请刷新后重试' : '该核查尚无反馈，无需更正',
          { current },
        );
      }
      if (amends && !text) {
        throw refusal('note', 'AMENDMENT_NOTE_REQUIRED', 'an amendment needs a note saying why', '更正反馈时须填写更正理由');
      }
    };
    return appendFeedback(this.services.ds, checkId, admit, {
      action,
      note: text,
      measuresApplied,
      recordedBy: caller.subject,
      recordedByName: caller.name ?? null,
      office: caller.office ?? null,
      amends,
    });
  }

  /** 反馈率 per office over [from, to), scoped like the list (an officer: their own office). */
  async feedbackStats(from: Date | string | null, to: Date | string | null, caller: Caller & { roles: readonly string[] }) {
    const rows = await readFeedbackCounts(this.services.ds, from, to, checkScope(caller));
    return rows.map((r) => ({
      office: r.office,
      checks: r.checks,
      withFeedback: r.with_feedback,
      awaiting: r.checks - r.with_feedback,
      feedbackRate: r.checks ? r.with_feedback / r.checks : 0,
    }));
  }

  async upsertMeasure(m: MeasureInput, caller: Caller): Promise<MeasureRow> {
    const banScopes = m.triggerBanScopes?.length ? m.triggerBanScopes : null;
    if (banScopes && !m.triggerLists.includes('PRINCIPAL_BAN'))
      throw badInput('input.triggerBanScopes', 'only for measures triggered by PRINCIPAL_BAN');
    for (const s of m.subjectTypes)
      if (!['ENTERPRISE', 'PERSON'].includes(s)) throw badInput('input.subjectTypes', `'${s}' is not ENTERPRISE or PERSON`);
    if (!m.triggerLists.length) throw badInput('input.triggerLists', 'name at least one list');
    if (!m.matters.length) throw badInput('input.matters', 'name at least one licensing matter');
    if (!m.text.trim()) throw badInput('input.text', 'must not be empty');
    return writeMeasure(this.services.ds, m, banScopes, caller.subject);
  }

  async deactivateMeasure(code: string, reason: string, caller: Caller): Promise<MeasureRow> {
    if (!reason.trim()) throw badInput('reason', 'must not be empty');
    return deactivateMeasureRow(this.services.ds, code, reason, caller.subject, () => notFound(`measure ${code}`, { field: 'code' }));
  }
}
