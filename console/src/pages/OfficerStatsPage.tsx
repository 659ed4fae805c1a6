/** 反馈率统计: per office (办理机构), checks run in a period, with feedback, awaiting, and the feedback rate. */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, graphql } from '../api/client';
import { FEEDBACK_STATS } from './officer/queries';
import { useSession } from '../api/session';
import { DataTable } from '../components/DataTable';
import { Field, Notice } from '../components/Field';
import { Page, Section } from '../components/Layout';

interface OfficeStats {
  office: string | null;
  checks: number;
  withFeedback: number;
  awaiting: number;
  feedbackRate: number;
}

/** yyyy-MM-dd of a date in the browser's time zone (toISOString would give the UTC day) */
const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

export function OfficerStatsPage() {
  const { user } = useSession();
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(day(today));
  const [rows, setRows] = useState<OfficeStats[] | null>(null);
  const [errors, setErrors] = useState<{ from?: string; to?: string; form?: string }>({});

  const load = async (f: string, t: string) => {
    const next: typeof errors = {};
    if (f && !/^\d{4}-\d{2}-\d{2}$/.test(f)) next.from = '请输入有效日期。';
    if (t && !/^\d{4}-\d{2}-\d{2}$/.test(t)) next.to = '请输入有效日期。';
    if (!next.from && !next.to && f && t && f > t) next.to = '截止日期不能早于起始日期。';
    setErrors(next);
    if (next.from || next.to) return;
    try {
      // the period is whole days in local time: to is exclusive, so the day after the chosen end
      const end = t ? new Date(`${t}T00:00:00`) : null;
      if (end) end.setDate(end.getDate() + 1);
      const d = await graphql<{ checkFeedbackStats: OfficeStats[] }>(FEEDBACK_STATS, {
        from: f ? new Date(`${f}T00:00:00`).toISOString() : null,
        to: end ? end.toISOString() : null,
      });
      setRows(d.checkFeedbackStats);
    } catch (e) {
      const err = e instanceof ApiError ? e : null;
      if (err?.isFor('from')) setErrors({ from: err.messageZh });
      else if (err?.isFor('to')) setErrors({ to: err.messageZh });
      else setErrors({ form: err?.messageZh ?? '统计加载失败。' });
    }
  };

  useEffect(() => {
    void load(from, to);
    // first load only; later loads follow the form
  }, []);

  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    void load(from, to);
  };

  const total = rows?.reduce(
    (a, r) => ({ checks: a.checks + r.checks, withFeedback: a.withFeedback + r.withFeedback, awaiting: a.awaiting + r.awaiting }),
    { checks: 0, withFeedback: 0, awaiting: 0 },
  );

  return (
    <Page title="反馈率统计" subtitle="各办理机构在统计期内的核查数、已反馈数与反馈率；审批人员只能看到本机构">
      <Section>
        <form className="inline-form" onSubmit={onSubmit} noValidate aria-label="统计期">
          <Field label="起始日期" error={errors.from} name="from">
            <input className="input" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </Field>
          <Field label="截止日期" error={errors.to} name="to">
            <input className="input" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </Field>
          <button type="submit" className="btn btn-primary">
            查询
          </button>
        </form>
        {errors.form && <Notice tone="error">{errors.form}</Notice>}
      </Section>
      <Section title="按办理机构">
        <DataTable<OfficeStats>
          testId="feedback-stats"
          rows={rows ?? []}
          loading={rows === null}
          rowKey={(r) => r.office ?? '—'}
          empty="统计期内没有核查记录"
          columns={[
            {
              key: 'office',
              title: '办理机构',
              render: (r) =>
                r.office === null
                  ? '（未记录机构）'
                  : r.office === user?.office && user.officeName
                    ? `${user.officeName}（${r.office}）`
                    : r.office,
            },
            { key: 'checks', title: '核查数', render: (r) => r.checks, align: 'right' },
            { key: 'withFeedback', title: '已反馈', render: (r) => r.withFeedback, align: 'right' },
            { key: 'awaiting', title: '待反馈', render: (r) => r.awaiting, align: 'right' },
            {
              key: 'rate',
              title: '反馈率',
              align: 'right',
              render: (r) => (
                <span className="rate">
                  <span className="rate-bar">
                    <span
                      className={`rate-fill ${r.feedbackRate < 0.8 ? 'low' : ''}`}
                      style={{ width: `${Math.round(r.feedbackRate * 100)}%` }}
                    />
                  </span>
                  {(r.feedbackRate * 100).toFixed(1)}%
                </span>
              ),
            },
          ]}
        />
        {total && rows && rows.length > 1 && (
          <p className="muted">
            合计：核查 {total.checks} 次，已反馈 {total.withFeedback} 次，待反馈 {total.awaiting} 次，反馈率{' '}
            {total.checks ? ((total.withFeedback / total.checks) * 100).toFixed(1) : '0.0'}%。
          </p>
        )}
      </Section>
    </Page>
  );
}
