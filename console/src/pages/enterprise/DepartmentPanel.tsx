/**
 * One department's section of the profile: its source and freshness (数据时间, mode, stale) at the top,
 * the failure of a live read in Chinese when the source was down (the stored copy still shows below),
 * then the section's records.
 */
import type { ReactNode } from 'react';
import { DataTable, type Column } from '../../components/DataTable';
import { Badge, Notice } from '../../components/Field';
import { Section } from '../../components/Layout';
import {
  CREDENTIAL_KIND_ZH,
  CREDENTIAL_STATUS_ZH,
  DATA_MODE_ZH,
  DEPARTMENT_ZH,
  HIDDEN_DANGER_LEVEL_ZH,
  HIDDEN_DANGER_STATUS_ZH,
  LIST_ZH,
  PERSON_ROLE_ZH,
  SOURCE_REASON_ZH,
  formatDateTime,
  label,
} from '../../labels';
import type { Conn, Credential, Freshness, GenericSection, HiddenDanger, ListEntry, Penalty, RoleAssignment } from './queries';

export function FreshnessLine({ s }: { s: Freshness }) {
  const tone = s.mode === 'STORED_FALLBACK' ? 'warn' : s.mode === 'LIVE' ? 'pass' : 'info';
  return (
    <div className="freshness" data-testid="freshness">
      <span>数据来源：{s.sourceTitle ?? s.source}</span>
      <span>数据时间：{s.asOf ? formatDateTime(s.asOf) : '尚未同步'}</span>
      <Badge tone={tone}>{label(DATA_MODE_ZH, s.mode)}</Badge>
      {s.stale && <Badge tone="deny">数据可能已过期</Badge>}
    </div>
  );
}

export function DepartmentPanel({
  s,
  failure,
  children,
}: {
  s: Freshness | null;
  department: string;
  failure?: string | null;
  children: ReactNode;
}) {
  return (
    <Section title={label(DEPARTMENT_ZH, s?.department)} extra={s ? <FreshnessLine s={s} /> : null} className="dept-panel">
      <div data-testid={`dept-${s?.department ?? 'unknown'}`}>
        {s?.liveError && (
          <Notice tone="warning">
            {label(DEPARTMENT_ZH, s.department)}系统实时读取失败（{label(SOURCE_REASON_ZH, s.liveError.reason)}），以下为
            {s.asOf ? ` ${formatDateTime(s.asOf)} ` : ''}同步的库存数据，可能不是最新。
          </Notice>
        )}
        {failure && <Notice tone="error">{failure}</Notice>}
        {children}
      </div>
    </Section>
  );
}

export function Sub({ title, count, children }: { title: string; count?: number; children: ReactNode }) {
  return (
    <>
      <h3 className="sub-title">
        {title}
        {count !== undefined && <span className="muted">（共 {count} 条）</span>}
      </h3>
      {children}
    </>
  );
}

const dash = (v: string | null | undefined) => v || '—';

export function ListTable({ rows }: { rows: ListEntry[] }) {
  const cols: Column<ListEntry>[] = [
    { key: 'list', title: '名单', render: (r) => label(LIST_ZH, r.list) },
    { key: 'reason', title: '列入原因', render: (r) => r.reason },
    { key: 'decisionNumber', title: '决定文书号', nowrap: true, render: (r) => r.decisionNumber },
    { key: 'period', title: '有效期', nowrap: true, render: (r) => `${r.startDate} 至 ${r.endDate ?? '长期'}` },
    {
      key: 'inForce',
      title: '状态',
      nowrap: true,
      render: (r) => (r.inForce ? <Badge tone="deny">有效</Badge> : <Badge>{r.removedDate ? '已移出' : '已届满'}</Badge>),
    },
  ];
  return <DataTable columns={cols} rows={rows} rowKey={(r) => r.decisionNumber} empty="无名单记录" pageSize={5} />;
}

export function CredentialTable({ rows }: { rows: Credential[] }) {
  const cols: Column<Credential>[] = [
    { key: 'kind', title: '证照类别', render: (r) => label(CREDENTIAL_KIND_ZH, r.kind) },
    { key: 'number', title: '证书编号', nowrap: true, render: (r) => r.number },
    { key: 'grade', title: '类别/等级', render: (r) => [r.category, r.grade].filter(Boolean).join(' ') || '—' },
    { key: 'validTo', title: '有效期至', nowrap: true, render: (r) => dash(r.validTo) },
    {
      key: 'status',
      title: '状态',
      nowrap: true,
      render: (r) => (
        <Badge tone={r.validNow ? 'pass' : 'warn'}>
          {label(CREDENTIAL_STATUS_ZH, r.status)}
          {r.validNow ? '' : '（当前无效）'}
        </Badge>
      ),
    },
  ];
  return <DataTable columns={cols} rows={rows} rowKey={(r) => `${r.kind}-${r.number}`} empty="无证照记录" pageSize={5} />;
}

export function PenaltyTable({ rows }: { rows: Penalty[] }) {
  const cols: Column<Penalty>[] = [
    { key: 'decisionNumber', title: '处罚决定书文号', nowrap: true, render: (r) => r.decisionNumber },
    { key: 'decisionDate', title: '决定日期', nowrap: true, render: (r) => r.decisionDate },
    { key: 'penaltyType', title: '处罚种类', render: (r) => r.penaltyType },
    { key: 'reason', title: '违法事实', render: (r) => r.reason },
    { key: 'amount', title: '罚款（元）', align: 'right', render: (r) => (r.amount == null ? '—' : r.amount.toLocaleString('zh-CN')) },
  ];
  return <DataTable columns={cols} rows={rows} rowKey={(r) => r.decisionNumber} empty="无行政处罚记录" pageSize={5} />;
}

/** Persons as the API answers them: names only when the role may read them, ID numbers and phones masked. */
export function PersonTable({ rows, withNames }: { rows: RoleAssignment[]; withNames: boolean }) {
  const cols: Column<RoleAssignment>[] = [
    { key: 'role', title: '角色', nowrap: true, render: (r) => label(PERSON_ROLE_ZH, r.role) },
    ...(withNames ? [{ key: 'name', title: '姓名', render: (r: RoleAssignment) => dash(r.person.name) }] : []),
    { key: 'id', title: '身份证号（脱敏）', nowrap: true, render: (r) => <code>{r.person.idNumberMasked}</code> },
    { key: 'phone', title: '联系电话（脱敏）', nowrap: true, render: (r) => dash(r.person.phoneMasked) },
    { key: 'since', title: '任职期间', nowrap: true, render: (r) => `${r.since ?? '—'} 至 ${r.until ?? '今'}` },
  ];
  return (
    <DataTable columns={cols} rows={rows} rowKey={(r, i) => `${r.role}-${r.person.idNumberMasked}-${i}`} empty="无人员记录" pageSize={5} />
  );
}

export function HiddenDangerTable({ rows }: { rows: HiddenDanger[] }) {
  const cols: Column<HiddenDanger>[] = [
    {
      key: 'level',
      title: '等级',
      nowrap: true,
      render: (r) => <Badge tone={r.level === 'MAJOR' ? 'deny' : 'neutral'}>{label(HIDDEN_DANGER_LEVEL_ZH, r.level)}</Badge>,
    },
    { key: 'description', title: '隐患描述', render: (r) => r.description },
    { key: 'deadline', title: '整改期限', nowrap: true, render: (r) => r.deadline },
    {
      key: 'status',
      title: '状态',
      nowrap: true,
      render: (r) =>
        r.overdue && r.status !== 'CLOSED' ? <Badge tone="deny">逾期 {r.daysOverdue} 天</Badge> : label(HIDDEN_DANGER_STATUS_ZH, r.status),
    },
  ];
  return <DataTable columns={cols} rows={rows} rowKey={(r, i) => `${r.foundDate}-${i}`} empty="无隐患记录" pageSize={5} />;
}

/** A department the page does not lay out by name: each of its lists, as the table of its record type. */
export function GenericSectionLists({ s, lists }: { s: GenericSection; lists: { field: string; connection: string; title: string }[] }) {
  return (
    <>
      {lists.map((l) => {
        const conn = s[l.field] as Conn<never> | undefined;
        if (!conn) return null;
        const table =
          l.connection === 'CredentialConnection' ? (
            <CredentialTable rows={conn.nodes} />
          ) : l.connection === 'PenaltyConnection' ? (
            <PenaltyTable rows={conn.nodes} />
          ) : l.connection === 'ListEntryConnection' ? (
            <ListTable rows={conn.nodes} />
          ) : l.connection === 'HiddenDangerConnection' ? (
            <HiddenDangerTable rows={conn.nodes} />
          ) : null;
        return (
          <Sub key={l.field} title={l.title} count={conn.totalCount}>
            {table}
          </Sub>
        );
      })}
    </>
  );
}
