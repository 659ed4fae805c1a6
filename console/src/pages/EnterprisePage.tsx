/**
 * 企业画像 — one enterprise across the registered departments (/enterprise/:creditCode), with each source's
 * freshness; /enterprise offers the search box (credit code or name). A typed code is normalised VISIBLY
 * (full-width → half-width, spaces removed, upper case) and the canonical code is shown before it is sent.
 * A department whose live read failed says so in Chinese; the other sections still show.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, graphql, graphqlPartial } from '../api/client';
import { useSession } from '../api/session';
import { DataTable } from '../components/DataTable';
import { Badge, Field, Notice } from '../components/Field';
import { Page, Section } from '../components/Layout';
import {
  ACCIDENT_LEVEL_ZH,
  ENTERPRISE_STATUS_ZH,
  INSPECTION_RESULT_ZH,
  NAME_MATCH_ZH,
  VEHICLE_KIND_ZH,
  VIOLATION_KIND_ZH,
  formatDateTime,
  label,
} from '../labels';
import { canonicalCode, creditCodeProblemZh, looksLikeCode } from '../lib/codes';
import {
  CredentialTable,
  DepartmentPanel,
  GenericSectionLists,
  HiddenDangerTable,
  ListTable,
  PenaltyTable,
  PersonTable,
  Sub,
} from './enterprise/DepartmentPanel';
import { OTHER_DEPARTMENTS, profileQuery, SUGGEST, type GenericSection, type Profile } from './enterprise/queries';
import { DEPARTMENTS as REGISTERED } from '../generated/departments';
import { TIER_ZH } from './analyst/queries';

/** Roles the policy lets read person names (src/security/policy.ts PERSONAL). */
const NAME_ROLES = ['licensing_officer', 'inspector', 'department_operator', 'admin'];
/** Each registered department's Enterprise field (errors at its path concern its section). */
const DEPARTMENTS = REGISTERED.map((d) => d.field);
const NAMES_ZH = REGISTERED.map((d) => d.nameZh).join('、');

const isChecksumOnly = (problem: string) => problem.startsWith('校验码错误');

interface Match {
  enterprise: { creditCode: string; name: string; divisionCode: string };
  matchedBy: string;
}

function SearchBox({ initial }: { initial: string }) {
  const navigate = useNavigate();
  const [text, setText] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [canonicalNote, setCanonicalNote] = useState<string | null>(null);
  const [matches, setMatches] = useState<Match[] | null>(null);

  useEffect(() => setText(initial), [initial]);

  /** Shows the canonical form of a code in the field, says so when it changed; returns it. */
  const normalise = (): string => {
    const code = canonicalCode(text);
    if (code !== text) {
      setText(code);
      setCanonicalNote(`已规范为：${code}（全角转半角、去除空格、字母大写）`);
    } else setCanonicalNote(null);
    return code;
  };

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    setMatches(null);
    const t = text.trim();
    if (!t) {
      setError('请输入统一社会信用代码或企业名称。');
      return;
    }
    if (looksLikeCode(t)) {
      const code = normalise();
      const problem = creditCodeProblemZh(code);
      // a wrong check character alone is still looked up: a few really issued codes fail the checksum
      if (problem && !isChecksumOnly(problem)) {
        setError(problem);
        return;
      }
      setError(null);
      navigate(`/enterprise/${code}`);
      return;
    }
    setCanonicalNote(null);
    try {
      const d = await graphql<{ enterpriseByName: Match[] }>(SUGGEST, { name: t });
      if (d.enterpriseByName.length === 0) setError(`未找到名称为“${t}”或与之相似的企业。`);
      else if (d.enterpriseByName.length === 1) navigate(`/enterprise/${d.enterpriseByName[0]!.enterprise.creditCode}`);
      else {
        setError(null);
        setMatches(d.enterpriseByName.slice(0, 10));
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.messageZh : '查询失败，请稍后再试。');
    }
  };

  return (
    <Section>
      <form className="search-bar" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="查询企业">
        <Field
          label="统一社会信用代码或企业名称"
          name="query"
          error={error}
          hint={canonicalNote ?? '代码可输入小写、全角或带空格，查询前自动规范'}
        >
          <input
            className="input"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
              setCanonicalNote(null);
            }}
            onBlur={() => looksLikeCode(text) && normalise()}
          />
        </Field>
        <button type="submit" className="btn btn-primary">
          查询
        </button>
      </form>
      {matches && (
        <ul className="match-list" aria-label="候选企业">
          {matches.map((m) => (
            <li key={m.enterprise.creditCode}>
              <Link to={`/enterprise/${m.enterprise.creditCode}`}>{m.enterprise.name}</Link> <code>{m.enterprise.creditCode}</code>{' '}
              <Badge>{label(NAME_MATCH_ZH, m.matchedBy)}</Badge>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

export function EnterprisePage() {
  const { creditCode: param } = useParams();
  const { user } = useSession();
  const withNames = !!user?.roles.some((r) => NAME_ROLES.includes(r));
  const [live, setLive] = useState(false);
  const [profile, setProfile] = useState<Profile | null>(null);
  const [failures, setFailures] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const code = param ? canonicalCode(param) : null;

  useEffect(() => {
    if (!code) {
      setProfile(null);
      setError(null);
      return;
    }
    const problem = creditCodeProblemZh(code);
    if (problem && !isChecksumOnly(problem)) {
      setProfile(null);
      setError(problem);
      return;
    }
    let current = true;
    setLoading(true);
    graphqlPartial<{ enterprise: Profile | null }>(profileQuery(withNames), { code, freshness: live ? 'LIVE' : 'STORED' })
      .then(({ data, errors }) => {
        if (!current) return;
        setProfile(data.enterprise);
        setError(data.enterprise ? null : `未找到统一社会信用代码为 ${code} 的企业。`);
        // errors at a department section's path: that section says why, the others still show
        const f: Record<string, string> = {};
        for (const e of errors) {
          const dept = DEPARTMENTS.find((d) => e.path[1] === d);
          if (dept && e.code !== 'SOURCE_UNAVAILABLE') f[dept] = e.messageZh;
          else if (!dept && e.code !== 'SOURCE_UNAVAILABLE') f.general = e.messageZh;
        }
        setFailures(f);
      })
      .catch((e: unknown) => current && (setProfile(null), setError(e instanceof ApiError ? e.messageZh : '企业画像加载失败。')))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [code, live, withNames]);

  const p = profile;
  return (
    <Page title="企业画像" subtitle={`一家企业在${NAMES_ZH}各部门的信息及各数据源时效`}>
      <SearchBox initial={code ?? ''} />
      {code && param !== code && (
        <Notice>
          地址中的代码已规范为 <code>{code}</code>。
        </Notice>
      )}
      {code && isChecksumOnly(creditCodeProblemZh(code) ?? '') && (
        <Notice tone="warning">{creditCodeProblemZh(code)} 个别实际颁发的代码不符合校验规则，仍按此代码查询。</Notice>
      )}
      {error && <Notice tone="error">{error}</Notice>}
      {failures.general && <Notice tone="error">{failures.general}</Notice>}
      {loading && !p && <div className="muted">正在加载企业画像…</div>}
      {p && (
        <>
          <Section
            title={p.name}
            extra={
              <label className="check-inline">
                <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
                实时读取各部门系统
              </label>
            }
          >
            <dl className="kv kv-cols" data-testid="registration">
              <dt>统一社会信用代码</dt>
              <dd className="canonical">
                <code data-testid="canonical-code">{p.creditCode}</code>
              </dd>
              <dt>登记状态</dt>
              <dd>{label(ENTERPRISE_STATUS_ZH, p.status)}</dd>
              <dt>企业类型</dt>
              <dd>{p.type}</dd>
              {withNames && (
                <>
                  <dt>法定代表人</dt>
                  <dd>{p.legalRepresentative ?? '—'}</dd>
                </>
              )}
              <dt>行政区划代码</dt>
              <dd>
                <code>{p.divisionCode}</code>
              </dd>
              <dt>行业代码</dt>
              <dd>
                <code>{p.industryCode}</code>
              </dd>
              <dt>注册资本</dt>
              <dd>{p.registeredCapital.toLocaleString('zh-CN')} 万元</dd>
              <dt>成立日期</dt>
              <dd>{p.establishedDate}</dd>
              <dt>住所</dt>
              <dd>{p.address ?? '—'}</dd>
              <dt>风险等级</dt>
              <dd data-testid="risk">
                {p.risk ? (
                  <>
                    <Badge tone={p.risk.tier === 'D' ? 'deny' : p.risk.tier === 'C' ? 'restrict' : 'info'}>
                      {label(TIER_ZH, p.risk.tier)}
                    </Badge>{' '}
                    分值 {p.risk.score.toFixed(1)}
                    <span className="muted">（评估日期 {p.risk.asOf}）</span>
                  </>
                ) : (
                  <span className="muted">尚未评级</span>
                )}
              </dd>
            </dl>
            {p.risk && p.risk.factors.length > 0 && (
              <Sub title="主要风险因子">
                <ul className="factor-list">
                  {p.risk.factors.map((f) => (
                    <li key={f.factor}>
                      {f.description}：+{f.contribution.toFixed(1)} 分
                    </li>
                  ))}
                </ul>
              </Sub>
            )}
          </Section>

          <div className="dept-grid" data-testid="departments">
            <DepartmentPanel s={p.market} department="MARKET" failure={failures.market}>
              <Sub title="人员（法定代表人等）" count={p.market.persons.totalCount}>
                <PersonTable rows={p.market.persons.nodes} withNames={withNames} />
              </Sub>
              <Sub title="严重违法失信名单 / 经营异常名录" count={p.market.listEntries.totalCount}>
                <ListTable rows={p.market.listEntries.nodes} />
              </Sub>
              <Sub title="行政处罚" count={p.market.penalties.totalCount}>
                <PenaltyTable rows={p.market.penalties.nodes} />
              </Sub>
            </DepartmentPanel>
            <DepartmentPanel s={p.housing} department="HOUSING" failure={failures.housing}>
              <Sub title="资质与许可" count={p.housing.credentials.totalCount}>
                <CredentialTable rows={p.housing.credentials.nodes} />
              </Sub>
              <Sub title="注册人员证书" count={p.housing.personCredentials.totalCount}>
                <CredentialTable rows={p.housing.personCredentials.nodes} />
              </Sub>
              <Sub title="建筑市场主体黑名单" count={p.housing.listEntries.totalCount}>
                <ListTable rows={p.housing.listEntries.nodes} />
              </Sub>
            </DepartmentPanel>
            <DepartmentPanel s={p.emergency} department="EMERGENCY" failure={failures.emergency}>
              <Sub title="隐患台账" count={p.emergency.hiddenDangers.totalCount}>
                <HiddenDangerTable rows={p.emergency.hiddenDangers.nodes} />
              </Sub>
              <Sub title="安全生产许可证等" count={p.emergency.credentials.totalCount}>
                <CredentialTable rows={p.emergency.credentials.nodes} />
              </Sub>
              <Sub title="主要负责人、安全总监等" count={p.emergency.persons.totalCount}>
                <PersonTable rows={p.emergency.persons.nodes} withNames={withNames} />
              </Sub>
              <Sub title="生产安全事故" count={p.emergency.accidents.totalCount}>
                <DataTable
                  rows={p.emergency.accidents.nodes}
                  rowKey={(r, i) => `${r.occurredOn}-${i}`}
                  pageSize={5}
                  empty="无事故记录"
                  columns={[
                    { key: 'occurredOn', title: '发生日期', nowrap: true, render: (r) => r.occurredOn },
                    {
                      key: 'level',
                      title: '等级（来源记录）',
                      nowrap: true,
                      // the source's level is kept; where the facts reach higher (条例 第三条) the derived one is shown beside it
                      render: (r) =>
                        r.levelUnderstated ? (
                          <>
                            {label(ACCIDENT_LEVEL_ZH, r.level)}{' '}
                            <Badge tone="deny">按伤亡损失应为{label(ACCIDENT_LEVEL_ZH, r.derivedLevel)}</Badge>
                          </>
                        ) : (
                          label(ACCIDENT_LEVEL_ZH, r.level)
                        ),
                    },
                    { key: 'deaths', title: '死亡人数', align: 'right', render: (r) => String(r.deaths) },
                    { key: 'seriousInjuries', title: '重伤人数', align: 'right', render: (r) => String(r.seriousInjuries) },
                    { key: 'directLoss', title: '直接经济损失（万元）', align: 'right', render: (r) => String(r.directLoss) },
                    { key: 'description', title: '事故概况', render: (r) => r.description },
                  ]}
                />
              </Sub>
              <Sub title="安全生产失信联合惩戒名单" count={p.emergency.listEntries.totalCount}>
                <ListTable rows={p.emergency.listEntries.nodes} />
              </Sub>
              <Sub title="行政处罚" count={p.emergency.penalties.totalCount}>
                <PenaltyTable rows={p.emergency.penalties.nodes} />
              </Sub>
            </DepartmentPanel>
            <DepartmentPanel s={p.transport} department="TRANSPORT" failure={failures.transport}>
              <Sub title="道路运输经营许可证" count={p.transport.credentials.totalCount}>
                <CredentialTable rows={p.transport.credentials.nodes} />
              </Sub>
              <Sub title="营运车辆" count={p.transport.vehicles.totalCount}>
                <DataTable
                  rows={p.transport.vehicles.nodes}
                  rowKey={(r) => r.plateNumber}
                  pageSize={5}
                  empty="无营运车辆"
                  columns={[
                    { key: 'plate', title: '车牌号', nowrap: true, render: (r) => r.plateNumber },
                    { key: 'kind', title: '车辆类型', render: (r) => label(VEHICLE_KIND_ZH, r.vehicleKind) },
                    { key: 'valid', title: '营运证有效期至', nowrap: true, render: (r) => r.certificateValidTo ?? '—' },
                    {
                      key: 'online',
                      title: '动态监控',
                      nowrap: true,
                      render: (r) => (r.monitoringOnline ? '在线' : <Badge tone="warn">离线</Badge>),
                    },
                  ]}
                />
              </Sub>
              <Sub title="三超一疲劳违法" count={p.transport.violations.totalCount}>
                <DataTable
                  rows={p.transport.violations.nodes}
                  rowKey={(r, i) => `${r.plateNumber}-${r.occurredAt}-${i}`}
                  pageSize={5}
                  empty="无违法记录"
                  columns={[
                    { key: 'at', title: '发生时间', nowrap: true, render: (r) => formatDateTime(r.occurredAt) },
                    { key: 'plate', title: '车牌号', nowrap: true, render: (r) => r.plateNumber },
                    { key: 'kind', title: '违法类型', render: (r) => label(VIOLATION_KIND_ZH, r.violationKind) },
                    { key: 'fine', title: '罚款（元）', align: 'right', render: (r) => (r.fine == null ? '—' : String(r.fine)) },
                  ]}
                />
              </Sub>
              <Sub title="交通运输严重失信名单" count={p.transport.listEntries.totalCount}>
                <ListTable rows={p.transport.listEntries.nodes} />
              </Sub>
              <Sub title="行政处罚" count={p.transport.penalties.totalCount}>
                <PenaltyTable rows={p.transport.penalties.nodes} />
              </Sub>
            </DepartmentPanel>
            <DepartmentPanel s={p.fire} department="FIRE" failure={failures.fire}>
              <div className="muted">
                消防安全重点单位：{p.fire.keyFireSafetyUnit == null ? '未知' : p.fire.keyFireSafetyUnit ? '是' : '否'}
              </div>
              <Sub title="消防监督检查" count={p.fire.inspections.totalCount}>
                <DataTable
                  rows={p.fire.inspections.nodes}
                  rowKey={(r, i) => `${r.inspectedOn}-${i}`}
                  pageSize={5}
                  empty="无检查记录"
                  columns={[
                    { key: 'on', title: '检查日期', nowrap: true, render: (r) => r.inspectedOn },
                    { key: 'type', title: '检查类型', render: (r) => r.inspectionType },
                    { key: 'result', title: '结果', nowrap: true, render: (r) => label(INSPECTION_RESULT_ZH, r.result) },
                    { key: 'findings', title: '发现问题', render: (r) => r.findings ?? '—' },
                  ]}
                />
              </Sub>
              <Sub title="消防安全严重失信名单" count={p.fire.listEntries.totalCount}>
                <ListTable rows={p.fire.listEntries.nodes} />
              </Sub>
              <Sub title="行政处罚" count={p.fire.penalties.totalCount}>
                <PenaltyTable rows={p.fire.penalties.nodes} />
              </Sub>
            </DepartmentPanel>
            {OTHER_DEPARTMENTS.map((d) => {
              const s = (p as unknown as Record<string, GenericSection | null>)[d.field] ?? null;
              return (
                <DepartmentPanel key={d.code} s={s} department={d.code} failure={failures[d.field]}>
                  {s && <GenericSectionLists s={s} lists={d.lists} />}
                </DepartmentPanel>
              );
            })}
          </div>
          <p className="muted">部门：{NAMES_ZH}。人员身份证号、电话按权限脱敏显示。</p>
        </>
      )}
    </Page>
  );
}
