/**
 * 分析工作区 — the analyst's query builder over the cross-department `where` filters: a form (region by
 * name or code, industry, status, risk tier, department, lists, hidden dangers, violations, penalties),
 * the result table (cursor paging), statistics grouped by a dimension (table and chart), and one-click
 * CSV / Excel download of the current result. Every input mistake is shown in Chinese next to its field.
 */
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, graphql } from '../api/client';
import { DataTable } from '../components/DataTable';
import { Badge, Field, Notice } from '../components/Field';
import { Page, Section } from '../components/Layout';
import { DEPARTMENT_ZH, ENTERPRISE_STATUS_ZH, LIST_ZH, label } from '../labels';
import { ExportBar } from './analyst/ExportBar';
import {
  buildWhere,
  DIVISION_BY_CODE,
  DIVISIONS_BY_NAME,
  EMPTY_FORM,
  SEARCH,
  TIER_ZH,
  type EnterprisePage,
  type QueryForm,
  type Region,
  type Where,
} from './analyst/queries';
import { StatsPanel } from './analyst/StatsPanel';
import { DEPARTMENTS } from '../generated/departments';

const PAGE_SIZE = 20;
const DEPARTMENT_CODES = DEPARTMENTS.map((d) => d.code);
const ORDER_ZH: Record<string, string> = {
  RISK_SCORE: '风险分值',
  CREDIT_CODE: '统一社会信用代码',
  NAME: '企业名称',
  REGISTERED_CAPITAL: '注册资本',
  ESTABLISHED_DATE: '成立日期',
};
const LEVEL_ZH: Record<string, string> = { PROVINCE: '省级', CITY: '地级', COUNTY: '县级' };

type Errors = Partial<Record<keyof QueryForm | 'form', string>>;

const tierTone = (t: string | undefined) => (t === 'D' ? 'deny' : t === 'C' ? 'restrict' : t === 'B' ? 'info' : 'pass');

/** The field a server error concerns (`where._and[1].divisionCode` → region). */
function fieldOfServerError(e: ApiError): keyof QueryForm | null {
  const f = e.field ?? '';
  if (/divisionCode/.test(f)) return 'region';
  if (/industryCode/.test(f)) return 'industry';
  if (/\.name\b/.test(f)) return 'name';
  if (/violations/.test(f)) return 'violationsMin';
  if (/risk/.test(f)) return 'tiers';
  return null;
}

export function AnalystPage() {
  const [form, setForm] = useState<QueryForm>(EMPTY_FORM);
  const [errors, setErrors] = useState<Errors>({});
  const [region, setRegion] = useState<Region | null>(null);
  const [candidates, setCandidates] = useState<Region[] | null>(null);
  const [where, setWhere] = useState<Where | null>(null);
  const [orderBy, setOrderBy] = useState<{ field: string; direction: string }>({ field: 'RISK_SCORE', direction: 'DESC' });
  const [page, setPage] = useState<EnterprisePage | null>(null);
  const [pageNo, setPageNo] = useState(0);
  /** cursor to pass as `after` for each page already seen (page 0: null) */
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [loading, setLoading] = useState(false);

  const set = <K extends keyof QueryForm>(k: K, v: QueryForm[K]) => {
    setForm((f) => ({ ...f, [k]: v }));
    setErrors((e) => ({ ...e, [k]: undefined, form: undefined }));
    if (k === 'region') {
      setRegion(null);
      setCandidates(null);
    }
  };

  /** The typed region as a division: by code, or by name (several with the name: the analyst picks). */
  const resolveRegion = async (text: string): Promise<Region | null | 'ask' | 'error'> => {
    const q = text.replace(/\s+/g, '');
    if (!q) return null;
    if (region && (q === region.code || q === region.name || q === region.fullName)) return region;
    try {
      if (/^\d+$/.test(q)) {
        if (!/^(\d{2}|\d{4}|\d{6})$/.test(q)) {
          setErrors((e) => ({ ...e, region: '行政区划代码应为2位（省）、4位（市）或6位（县）数字。' }));
          return 'error';
        }
        const d = await graphql<{ division: Region | null }>(DIVISION_BY_CODE, { code: q });
        if (!d.division) {
          setErrors((e) => ({ ...e, region: `未找到代码为“${q}”的行政区划。` }));
          return 'error';
        }
        return d.division;
      }
      const d = await graphql<{ divisions: Region[] }>(DIVISIONS_BY_NAME, { name: q });
      const exact = d.divisions.filter((x) => x.name === q || x.fullName === q);
      if (exact.length === 1) return exact[0]!;
      if (exact.length > 1 || (exact.length === 0 && d.divisions.length > 1)) {
        setCandidates(exact.length > 1 ? exact : d.divisions);
        setErrors((e) => ({ ...e, region: `“${q}”对应多个行政区划，请在下方选择一个。` }));
        return 'ask';
      }
      if (d.divisions.length === 1) return d.divisions[0]!;
      setErrors((e) => ({ ...e, region: `未找到名为“${q}”的行政区划，请检查名称或改用行政区划代码（如 420106）。` }));
      return 'error';
    } catch (e) {
      setErrors((x) => ({ ...x, region: e instanceof ApiError ? e.messageZh : '行政区划查询失败，请稍后再试。' }));
      return 'error';
    }
  };

  const load = async (w: Where, o: typeof orderBy, p: number, after: string | null) => {
    setLoading(true);
    try {
      const d = await graphql<{ enterprises: EnterprisePage }>(SEARCH, { where: w, orderBy: o, first: PAGE_SIZE, after });
      setPage(d.enterprises);
      setPageNo(p);
      setCursors((c) => {
        const next = c.slice(0, p + 1);
        next[p + 1] = d.enterprises.pageInfo.endCursor;
        return next;
      });
      return true;
    } catch (e) {
      const err = e instanceof ApiError ? e : null;
      const field = err ? fieldOfServerError(err) : null;
      const text = err?.messageZh ?? '查询失败，请稍后再试。';
      setErrors((x) => (field ? { ...x, [field]: err?.serverWorded ? text : `此条件有误：${text}` } : { ...x, form: text }));
      return false;
    } finally {
      setLoading(false);
    }
  };

  const run = async (r: Region | null) => {
    const w = buildWhere(form, r);
    setCursors([null]);
    if (await load(w, orderBy, 0, null)) setWhere(w);
  };

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    const next: Errors = {};
    const v = form.violationsMin.trim();
    if (v && !/^\d+$/.test(v)) next.violationsMin = '请输入不小于1的整数（次数）。';
    else if (v && (Number(v) < 1 || Number(v) > 100000)) next.violationsMin = '次数应在 1 到 100000 之间。';
    if (form.industry.trim() && !/^[A-Ta-t](\d{1,4})?$/.test(form.industry.trim()))
      next.industry = '行业代码应为门类字母加0至4位数字（GB/T 4754），如 E 或 E47。';
    if (form.name.trim().length > 100) next.name = '企业名称最多100个字。';
    setErrors(next);
    if (Object.keys(next).length) return;
    const r = await resolveRegion(form.region);
    if (r === 'ask' || r === 'error') return;
    setRegion(r);
    await run(r);
  };

  const pick = async (r: Region) => {
    setForm((f) => ({ ...f, region: r.fullName }));
    setRegion(r);
    setCandidates(null);
    setErrors((e) => ({ ...e, region: undefined }));
    await run(r);
  };

  const onPage = (p: number) => {
    if (!where) return;
    const after = cursors[p];
    if (after === undefined) return;
    void load(where, orderBy, p, after);
  };

  const onOrder = (field: string) => {
    const o = { field, direction: field === 'CREDIT_CODE' || field === 'NAME' ? 'ASC' : 'DESC' };
    setOrderBy(o);
    if (where) {
      setCursors([null]);
      void load(where, o, 0, null);
    }
  };

  const reset = () => {
    setForm(EMPTY_FORM);
    setErrors({});
    setRegion(null);
    setCandidates(null);
  };

  const toggleTier = (t: string) => set('tiers', form.tiers.includes(t) ? form.tiers.filter((x) => x !== t) : [...form.tiers, t]);

  return (
    <Page title="分析工作区" subtitle="跨部门条件查询、分组统计与导出：条件之间为“并且”关系">
      <Section title="查询条件">
        <form onSubmit={(e) => void onSubmit(e)} noValidate aria-label="查询条件" data-testid="query-form">
          <div className="grid grid-4">
            <Field
              label="地区（名称或行政区划代码）"
              name="region"
              error={errors.region}
              hint={region ? `已选：${region.fullName}（${region.code}，${LEVEL_ZH[region.level]}）` : '如 武汉市、武昌区 或 4201'}
            >
              <input className="input" value={form.region} onChange={(e) => set('region', e.target.value)} placeholder="全部地区" />
            </Field>
            <Field
              label="涉及部门"
              name="department"
              error={errors.department}
              hint="限定下方名单、隐患、违法、处罚条件的部门；单独使用时为“该部门有该企业的记录”"
            >
              <select className="input" value={form.department} onChange={(e) => set('department', e.target.value)}>
                <option value="">全部部门</option>
                {DEPARTMENT_CODES.map((d) => (
                  <option key={d} value={d}>
                    {DEPARTMENT_ZH[d]}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="企业名称包含" name="name" error={errors.name}>
              <input className="input" value={form.name} onChange={(e) => set('name', e.target.value)} placeholder="如 建工" />
            </Field>
            <Field label="行业代码（前缀）" name="industry" error={errors.industry} hint="GB/T 4754，如 E（建筑业）、G54（道路运输业）">
              <input className="input" value={form.industry} onChange={(e) => set('industry', e.target.value)} />
            </Field>
          </div>
          {candidates && (
            <div className="candidates" role="listbox" aria-label="候选行政区划" data-testid="region-candidates">
              {candidates.map((c) => (
                <button key={c.code} type="button" className="btn btn-small" onClick={() => void pick(c)}>
                  {c.fullName}（{c.code}）
                </button>
              ))}
            </div>
          )}
          <div className="grid grid-4">
            <Field label="风险等级" name="tiers" error={errors.tiers}>
              {(aria) => (
                <div className="radio-row" role="group" aria-labelledby={aria.labelId}>
                  {['A', 'B', 'C', 'D'].map((t) => (
                    <label key={t}>
                      <input type="checkbox" checked={form.tiers.includes(t)} onChange={() => toggleTier(t)} />
                      {TIER_ZH[t]}
                    </label>
                  ))}
                </div>
              )}
            </Field>
            <Field label="登记状态" name="status" error={errors.status}>
              <select className="input" value={form.status} onChange={(e) => set('status', e.target.value)}>
                <option value="">全部</option>
                {Object.entries(ENTERPRISE_STATUS_ZH).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="名单（有效期内）" name="list" error={errors.list}>
              <select className="input" value={form.list} onChange={(e) => set('list', e.target.value)}>
                <option value="">不限</option>
                <option value="ANY">在任一名单上</option>
                {Object.entries(LIST_ZH)
                  .filter(([k]) => k !== 'PRINCIPAL_BAN')
                  .map(([k, v]) => (
                    <option key={k} value={k}>
                      {v}
                    </option>
                  ))}
              </select>
            </Field>
            <Field label="隐患" name="hiddenDanger" error={errors.hiddenDanger}>
              <select className="input" value={form.hiddenDanger} onChange={(e) => set('hiddenDanger', e.target.value)}>
                <option value="">不限</option>
                <option value="MAJOR_OPEN">有未销号的重大隐患</option>
                <option value="OVERDUE">有逾期未整改隐患</option>
                <option value="ANY_OPEN">有未销号隐患</option>
              </select>
            </Field>
          </div>
          <div className="grid grid-4">
            <Field label="近一年交通违法（三超一疲劳）不少于" name="violationsMin" error={errors.violationsMin} hint="次数，留空为不限">
              <input
                className="input"
                inputMode="numeric"
                value={form.violationsMin}
                onChange={(e) => set('violationsMin', e.target.value)}
              />
            </Field>
            <Field label="行政处罚" name="penalties">
              {(aria) => (
                <label className="check-inline" id={aria.id}>
                  <input type="checkbox" checked={form.penalties} onChange={(e) => set('penalties', e.target.checked)} />
                  近两年受过行政处罚
                </label>
              )}
            </Field>
          </div>
          {errors.form && <Notice tone="error">{errors.form}</Notice>}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={loading}>
              查询
            </button>
            <button type="button" className="btn" onClick={reset}>
              清空条件
            </button>
          </div>
        </form>
      </Section>

      <Section
        title={page ? `查询结果（共 ${page.totalCount} 家企业）` : '查询结果'}
        extra={
          <div className="result-tools">
            <label className="check-inline">
              排序
              <select className="input input-small" value={orderBy.field} onChange={(e) => onOrder(e.target.value)} aria-label="排序">
                {Object.entries(ORDER_ZH).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
            <ExportBar where={where} orderBy={orderBy} total={page?.totalCount ?? null} />
          </div>
        }
      >
        {!page && <div className="muted">设置条件后点击“查询”。不设条件则查询全部企业。</div>}
        {page && (
          <DataTable
            testId="result-table"
            rows={page.edges.map((e) => e.node)}
            rowKey={(r) => r.creditCode}
            total={page.totalCount}
            page={pageNo}
            pageSize={PAGE_SIZE}
            onPage={onPage}
            loading={loading}
            empty="没有符合条件的企业。"
            columns={[
              {
                key: 'creditCode',
                title: '统一社会信用代码',
                nowrap: true,
                render: (r) => (
                  <Link to={`/enterprise/${r.creditCode}`}>
                    <code>{r.creditCode}</code>
                  </Link>
                ),
              },
              { key: 'name', title: '企业名称', render: (r) => r.name },
              { key: 'status', title: '登记状态', nowrap: true, render: (r) => label(ENTERPRISE_STATUS_ZH, r.status) },
              { key: 'divisionCode', title: '行政区划', nowrap: true, render: (r) => <code>{r.divisionCode}</code> },
              { key: 'industryCode', title: '行业', nowrap: true, render: (r) => <code>{r.industryCode}</code> },
              {
                key: 'registeredCapital',
                title: '注册资本（万元）',
                align: 'right',
                render: (r) => r.registeredCapital.toLocaleString('zh-CN'),
              },
              { key: 'score', title: '风险分值', align: 'right', render: (r) => (r.risk ? r.risk.score.toFixed(1) : '—') },
              {
                key: 'tier',
                title: '风险等级',
                nowrap: true,
                render: (r) =>
                  r.risk ? (
                    <Badge tone={tierTone(r.risk.tier)}>{label(TIER_ZH, r.risk.tier)}</Badge>
                  ) : (
                    <span className="muted">未评级</span>
                  ),
              },
            ]}
          />
        )}
      </Section>

      <StatsPanel where={where} />
    </Page>
  );
}
