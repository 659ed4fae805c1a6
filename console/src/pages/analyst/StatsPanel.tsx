/** 分组统计: the current query grouped by one dimension, as a table and a bar chart. */
import { useEffect, useState } from 'react';
import { ApiError, graphql } from '../../api/client';
import { DataTable } from '../../components/DataTable';
import { Field, Notice } from '../../components/Field';
import { Section } from '../../components/Layout';
import { DEPARTMENT_ZH, ENTERPRISE_STATUS_ZH, LIST_ZH, label } from '../../labels';
import { StatsChart } from './StatsChart';
import { GROUP_OPTIONS, STATS, TIER_ZH, type StatsGroup, type Where } from './queries';

function groupLabel(g: StatsGroup, dim: string): string {
  switch (dim) {
    case 'RISK_TIER':
      return g.riskTier ? label(TIER_ZH, g.riskTier) : '尚未评级';
    case 'REGION':
      return g.region?.fullName || g.regionCode || '未知地区';
    case 'INDUSTRY':
      return g.industry ?? '未知行业';
    case 'STATUS':
      return label(ENTERPRISE_STATUS_ZH, g.status);
    case 'DEPARTMENT_LIST':
      return g.list ? `${label(DEPARTMENT_ZH, g.department)} · ${label(LIST_ZH, g.list)}` : '未列入名单';
    default:
      return '全部';
  }
}

export function StatsPanel({ where }: { where: Where | null }) {
  const [group, setGroup] = useState('RISK_TIER');
  // the groups with the dimension they were asked for: rows of one dimension are never labelled as another's
  const [result, setResult] = useState<{ group: string; groups: StatsGroup[] } | null>(null);
  const groups = result && result.group === group ? result.groups : null;
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const option = GROUP_OPTIONS.find((o) => o.value === group)!;

  useEffect(() => {
    if (!where) return;
    let live = true;
    setLoading(true);
    graphql<{ enterpriseStats: StatsGroup[] }>(STATS, { where, groupBy: [option.groupBy], regionLevel: option.regionLevel ?? 'PROVINCE' })
      .then((d) => {
        if (!live) return;
        setResult({ group, groups: [...d.enterpriseStats].sort((a, b) => (b.count ?? 0) - (a.count ?? 0)) });
        setError(null);
      })
      .catch((e: unknown) => live && (setResult(null), setError(e instanceof ApiError ? e.messageZh : '统计加载失败。')))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [where, group]);

  const rows = (groups ?? []).map((g, i) => ({ ...g, label: groupLabel(g, option.groupBy), key: `${i}:${groupLabel(g, option.groupBy)}` }));
  return (
    <Section
      title="分组统计"
      extra={
        <Field label="分组维度" name="groupBy" className="field-inline">
          <select className="input" value={group} onChange={(e) => setGroup(e.target.value)}>
            {GROUP_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
      }
    >
      {!where && <div className="muted">设置查询条件并点击“查询”后显示分组统计。</div>}
      {error && <Notice tone="error">{error}</Notice>}
      {where && groups && (
        <div className="stats-grid">
          <DataTable
            testId="stats-table"
            rowKey={(r) => r.key}
            rows={rows}
            pageSize={12}
            loading={loading}
            columns={[
              { key: 'key', title: option.label, render: (r) => r.label },
              { key: 'count', title: '企业数', align: 'right', render: (r) => String(r.count ?? 0) },
              { key: 'high', title: '高风险（C、D级）', align: 'right', render: (r) => String(r.highRiskCount ?? 0) },
              {
                key: 'avg',
                title: '平均风险分值',
                align: 'right',
                render: (r) => (r.riskScoreAvg == null ? '—' : r.riskScoreAvg.toFixed(1)),
              },
              {
                key: 'cap',
                title: '注册资本合计（万元）',
                align: 'right',
                render: (r) =>
                  r.registeredCapitalSum == null ? '—' : r.registeredCapitalSum.toLocaleString('zh-CN', { maximumFractionDigits: 2 }),
              },
            ]}
            empty="没有符合条件的企业。"
          />
          {rows.length > 0 && (
            <StatsChart
              title={option.label}
              bars={rows.slice(0, 20).map((r) => ({ label: r.label, count: r.count ?? 0, highRisk: r.highRiskCount ?? 0 }))}
            />
          )}
        </div>
      )}
    </Section>
  );
}
