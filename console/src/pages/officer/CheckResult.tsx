/** A check's result: decision (colour-coded), summary, hits, measures, persons checked (masked), source freshness. */
import { useSession } from '../../api/session';
import { Badge } from '../../components/Field';
import { DataTable } from '../../components/DataTable';
import { Section } from '../../components/Layout';
import {
  BAN_SCOPE_ZH,
  DECISION_ZH,
  DEPARTMENT_ZH,
  EFFECT_ZH,
  ENTERPRISE_STATUS_ZH,
  LIST_ZH,
  MATTER_ZH,
  SUBJECT_ZH,
  formatDateTime,
  label,
} from '../../labels';
import { isDone, type AppliedMeasure, type Check, type Hit } from './queries';

const TONE = { PASS: 'pass', RESTRICT: 'restrict', DENY: 'deny' } as const;

export function DecisionBadge({ decision }: { decision: string }) {
  return <Badge tone={TONE[decision as keyof typeof TONE] ?? 'neutral'}>{label(DECISION_ZH, decision)}</Badge>;
}

export function StatusBadge({ check }: { check: Pick<Check, 'feedback' | 'feedbackStatus'> }) {
  return isDone(check) ? <Badge tone="pass">已完成</Badge> : <Badge tone="warn">待反馈</Badge>;
}

export function CheckResult({ check }: { check: Check }) {
  const tone = TONE[check.decision] ?? 'pass';
  const { user } = useSession();
  // the check stores the office code; the signed-in officer's own office is shown by its name
  const office = check.office && check.office === user?.office && user.officeName ? `${user.officeName}（${check.office}）` : check.office;
  return (
    <div data-testid="check-result">
      <div className={`decision decision-${tone}`} data-testid="decision" data-decision={check.decision}>
        <div>
          <div className="muted decision-caption">核查结论</div>
          <div className="decision-label">{label(DECISION_ZH, check.decision)}</div>
        </div>
        <div className="decision-text">
          <div>{check.summary}</div>
          <div className="muted">
            {check.enterprise.name}（<code>{check.enterprise.creditCode}</code>）· 登记状态：
            {label(ENTERPRISE_STATUS_ZH, check.enterprise.status)}
          </div>
        </div>
        <div data-testid="check-status">
          <StatusBadge check={check} />
        </div>
      </div>

      <Section title="核查信息">
        <dl className="kv kv-cols">
          <dt>许可事项</dt>
          <dd>{label(MATTER_ZH, check.matter)}</dd>
          <dt>申请事项编号</dt>
          <dd>{check.caseNumber ?? <span className="muted">未填写</span>}</dd>
          <dt>核查时间</dt>
          <dd>{formatDateTime(check.checkedAt)}</dd>
          <dt>核查基准日</dt>
          <dd>{check.asOf}</dd>
          <dt>经办人</dt>
          <dd>{check.checkedByName ?? '—'}</dd>
          <dt>办理机构</dt>
          <dd>{office ?? '—'}</dd>
          <dt>措施清单版本</dt>
          <dd>第 {check.catalogueVersion} 版</dd>
          <dt>核查编号</dt>
          <dd>
            <code>{check.checkId}</code>
          </dd>
        </dl>
      </Section>

      <Section title={`命中记录（${check.hits.length}）`}>
        <DataTable<Hit>
          testId="hits"
          rows={check.hits}
          rowKey={(h) => `${h.entryId}-${h.subject}-${h.personIdNumber ?? ''}`}
          empty="未命中任何名单"
          columns={[
            { key: 'list', title: '名单', render: (h) => label(LIST_ZH, h.list) },
            { key: 'department', title: '列入部门', render: (h) => label(DEPARTMENT_ZH, h.department), nowrap: true },
            {
              key: 'subject',
              title: '命中主体',
              render: (h) => (
                <>
                  {label(SUBJECT_ZH, h.subject)}
                  {h.personName && <div>{h.personName}</div>}
                  {h.personIdNumber && (
                    <div className="muted">
                      <code>{h.personIdNumber}</code>
                    </div>
                  )}
                  {h.banScope && <div className="muted">{label(BAN_SCOPE_ZH, h.banScope)}</div>}
                  {h.listedEnterprise && (
                    <div className="muted" title={h.listedEnterprise.legalBasis}>
                      名单随人：系 {h.listedEnterprise.name}（<code>{h.listedEnterprise.creditCode}</code>）被列入时的
                      {label(SUBJECT_ZH, h.listedEnterprise.role)}
                    </div>
                  )}
                </>
              ),
            },
            { key: 'reason', title: '列入原因', render: (h) => h.reason },
            { key: 'legalBasis', title: '法律依据', render: (h) => h.legalBasis },
            { key: 'decisionNumber', title: '决定文书号', render: (h) => h.decisionNumber, nowrap: true },
            { key: 'validity', title: '有效期', render: (h) => `${h.startDate} 至 ${h.endDate ?? '长期'}`, nowrap: true },
          ]}
        />
      </Section>

      <Section title={`适用惩戒措施（${check.measures.length}）`}>
        <DataTable<AppliedMeasure>
          testId="measures"
          rows={check.measures}
          rowKey={(m) => m.code}
          empty="无适用措施"
          columns={[
            { key: 'code', title: '措施编码', render: (m) => <code>{m.code}</code>, nowrap: true },
            { key: 'text', title: '措施内容', render: (m) => m.text },
            { key: 'dept', title: '实施部门', render: (m) => label(DEPARTMENT_ZH, m.applyingDepartment), nowrap: true },
            {
              key: 'effect',
              title: '效力',
              render: (m) => <Badge tone={m.effect === 'DENY' ? 'deny' : 'restrict'}>{label(EFFECT_ZH, m.effect)}</Badge>,
            },
            { key: 'mandatory', title: '类别', render: (m) => (m.mandatory ? '约束性' : '倡导性'), nowrap: true },
            { key: 'legalBasis', title: '法律依据', render: (m) => m.legalBasis },
          ]}
        />
      </Section>

      <div className="grid grid-2">
        <Section title="已核查人员">
          <DataTable
            rows={check.personsChecked}
            rowKey={(p) => p.idNumber + p.roles.join()}
            empty="无"
            columns={[
              { key: 'name', title: '姓名', render: (p) => p.name ?? '—' },
              { key: 'id', title: '身份证号（脱敏）', render: (p) => <code>{p.idNumber}</code>, nowrap: true },
              { key: 'roles', title: '身份', render: (p) => p.roles.map((r) => label(SUBJECT_ZH, r)).join('、') },
            ]}
          />
        </Section>
        <Section title="数据时效">
          <DataTable
            rows={check.sources}
            rowKey={(s) => s.source}
            empty="无"
            columns={[
              { key: 'dept', title: '部门', render: (s) => label(DEPARTMENT_ZH, s.department) },
              { key: 'at', title: '最近同步', render: (s) => (s.lastSyncedAt ? formatDateTime(s.lastSyncedAt) : '从未同步'), nowrap: true },
              {
                key: 'stale',
                title: '状态',
                render: (s) => (s.stale ? <Badge tone="warn">数据已过期</Badge> : <Badge tone="pass">正常</Badge>),
              },
            ]}
          />
        </Section>
      </div>
    </div>
  );
}
