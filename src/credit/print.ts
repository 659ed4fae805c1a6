/** The printable record of a check (Chinese), to attach to the licensing file. */
import { departmentTable, packageLabels } from '../../connectors/registry.js';

interface PrintableCheck {
  checkId: string;
  checkedAt: string;
  matter: string;
  asOf: string;
  decision: string;
  summary: string;
  catalogueVersion: number;
  policyVersion?: number | null;
  statusBasis?: string | null;
  enterprise: { creditCode: string; name: string; status: string; industryCode: string };
  hits: {
    entryId: string;
    list: string;
    department: string;
    reason: string;
    legalBasis: string;
    decisionNumber: string;
    startDate: string;
    endDate: string | null;
    subject: string;
    personName: string | null;
    personIdNumber: string | null;
    listedEnterprise?: { creditCode: string; name: string; role: string; legalBasis: string } | null;
  }[];
  measures: { code: string; text: string; applyingDepartment: string; effect: string; mandatory: boolean; legalBasis: string }[];
  personsChecked: { idNumber: string; name: string | null; roles: string[] }[];
  sources: { source: string; department: string; lastSyncedAt: string | null; stale: boolean }[];
  feedback: {
    id: string;
    action: string;
    note: string | null;
    measuresApplied: string[];
    recordedBy: string;
    recordedByName: string | null;
    office: string | null;
    amends: string | null;
    recordedAt: string;
  }[];
  caseNumber: string | null;
  office: string | null;
  checkedByName: string | null;
}

export const MATTER_ZH: Record<string, string> = {
  CONSTRUCTION_QUALIFICATION: '建筑业企业资质',
  CONSTRUCTION_SAFETY_LICENCE: '建筑施工企业安全生产许可证',
  MINE_SAFETY_LICENCE: '矿山安全生产许可证',
  HAZCHEM_SAFETY_LICENCE: '危险化学品安全生产许可证',
  FIREWORKS_SAFETY_LICENCE: '烟花爆竹安全生产许可证',
  ROAD_TRANSPORT_LICENCE: '道路运输经营许可证',
  FIRE_SAFETY_ACCEPTANCE: '消防验收',
  FIRE_PRE_OPENING_INSPECTION: '投入使用、营业前消防安全检查',
  GOVERNMENT_PROCUREMENT: '政府采购',
  PUBLIC_BIDDING: '公共资源招投标',
  PRINCIPAL_APPOINTMENT: '担任主要负责人',
};
export const LIST_ZH: Record<string, string> = {
  SAFETY_DISHONEST: '安全生产失信联合惩戒名单',
  SERIOUS_ILLEGAL_DISHONEST: '严重违法失信名单',
  ABNORMAL_OPERATION: '经营异常名录',
  CONSTRUCTION_BLACKLIST: '建筑市场主体黑名单',
  TRANSPORT_DISHONEST: '交通运输严重失信名单',
  FIRE_DISHONEST: '消防安全严重失信名单',
  PRINCIPAL_BAN: '主要负责人从业禁止',
  ...packageLabels('listKinds'),
};
const DEPT_ZH: Record<string, string> = departmentTable((d) => d.nameZh);
const SUBJECT_ZH: Record<string, string> = {
  ENTERPRISE: '企业',
  LEGAL_REPRESENTATIVE: '法定代表人',
  PRINCIPAL: '主要负责人',
  ACTUAL_CONTROLLER: '实际控制人',
  NAMED_PERSON: '申报人员',
};
const DECISION_ZH: Record<string, string> = { PASS: '通过', RESTRICT: '限制（从严审查）', DENY: '不予许可' };
const STATUS_ZH: Record<string, string> = { ACTIVE: '存续', REVOKED: '吊销', CANCELLED: '注销' };
const ACTION_ZH: Record<string, string> = {
  MEASURES_APPLIED: '已实施惩戒措施',
  NO_MEASURE_APPLIED: '未实施措施',
  GRANTED: '准予许可',
  REFUSED: '不予许可',
};

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const zh = (table: Record<string, string>, k: string) => esc(table[k] ?? k);

/** The printable page's Content-Security-Policy: no script at all, only its own <style> (marked with the nonce). */
export function checkPageCsp(nonce: string): string {
  return `default-src 'none'; style-src 'nonce-${nonce}'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** 名单随人: the listed enterprise the entry belongs to, the person's role there, and why the listing follows them. */
const followed = (v: { creditCode: string; name: string; role: string; legalBasis: string } | null | undefined) =>
  v
    ? `<br>名单随人：该人员系被列入企业 ${esc(v.name)}（${esc(v.creditCode)}）被列入时的${zh(SUBJECT_ZH, v.role)}；依据：${esc(v.legalBasis)}`
    : '';

/** The page; `nonce` marks its <style> element (checkPageCsp). */
export function renderCheckPage(c: PrintableCheck, nonce: string): string {
  const hits = c.hits.length
    ? c.hits
        .map(
          (h) =>
            `<tr><td>${zh(LIST_ZH, h.list)}</td><td>${zh(DEPT_ZH, h.department)}</td><td>${zh(SUBJECT_ZH, h.subject)}${h.personName ? `：${esc(h.personName)}（${esc(h.personIdNumber)}）` : ''}${followed(h.listedEnterprise)}</td><td>${esc(h.reason)}</td><td>${esc(h.legalBasis)}</td><td>${esc(h.decisionNumber)}</td><td>${esc(h.startDate)} 至 ${esc(h.endDate ?? '长期')}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="7">未命中任何名单</td></tr>';
  const measures = c.measures.length
    ? c.measures
        .map(
          (m) =>
            `<tr><td>${esc(m.code)}</td><td>${esc(m.text)}</td><td>${zh(DEPT_ZH, m.applyingDepartment)}</td><td>${m.effect === 'DENY' ? '禁止' : '限制'}${m.mandatory ? '（约束性）' : '（建议性）'}</td><td>${esc(m.legalBasis)}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="5">无适用措施</td></tr>';
  const persons =
    c.personsChecked
      .map((p) => `<li>${esc(p.name ?? '')}（${esc(p.idNumber)}）：${p.roles.map((r) => zh(SUBJECT_ZH, r)).join('、')}</li>`)
      .join('') || '<li>无</li>';
  const sources = c.sources
    .map(
      (s) =>
        `<li>${zh(DEPT_ZH, s.department)}：${s.lastSyncedAt ? esc(new Date(s.lastSyncedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' })) : '从未同步'}${s.stale ? '（数据已过期）' : ''}</li>`,
    )
    .join('');
  // every row, oldest first: an amendment (更正) names the row it replaces, and the last row is the current feedback
  const seq = new Map(c.feedback.map((f, i) => [f.id, i + 1]));
  const feedback = c.feedback.length
    ? c.feedback
        .map(
          (f, i) =>
            `<tr${i < c.feedback.length - 1 ? ' class="old"' : ''}><td>${seq.get(f.id)}${f.amends ? `（更正第${esc(seq.get(f.amends) ?? f.amends)}条）` : ''}${i === c.feedback.length - 1 ? '<br>当前' : '<br>已被更正'}</td><td>${esc(new Date(f.recordedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }))}</td><td>${zh(ACTION_ZH, f.action)}${f.measuresApplied.length ? `（${f.measuresApplied.map(esc).join('、')}）` : ''}</td><td>${esc(f.note ?? '')}</td><td>${esc(f.recordedByName ?? f.recordedBy)}</td><td>${esc(f.office ?? '')}</td></tr>`,
        )
        .join('')
    : '<tr><td colspan="6">尚未反馈（反馈后核查方为办结）</td></tr>';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>联合惩戒核查记录 ${esc(c.checkId)}</title>
<style nonce="${nonce}">body{font-family:"Noto Serif CJK SC","SimSun",serif;margin:2em;max-width:60em}table{border-collapse:collapse;width:100%;margin:.5em 0}td,th{border:1px solid #444;padding:.3em;font-size:.9em;vertical-align:top}h1{text-align:center;font-size:1.4em}.d{font-size:1.2em;font-weight:bold}.old{color:#666}@media print{a{display:none}}</style>
</head><body>
<h1>失信联合惩戒核查记录</h1>
<p>核查编号：${esc(c.checkId)}<br>核查时间：${esc(new Date(c.checkedAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai' }))}\u3000核查基准日：${esc(c.asOf)}<br>
许可事项：${zh(MATTER_ZH, c.matter)}\u3000措施清单版本：第${esc(c.catalogueVersion)}版${c.policyVersion != null ? `\u3000核查规则版本：第${esc(c.policyVersion)}版` : ''}<br>
申请事项编号：${esc(c.caseNumber ?? '（未填写）')}<br>
经办人：${esc(c.checkedByName ?? '（未记录）')}\u3000办理机构：${esc(c.office ?? '（未记录）')}</p>
<table><tr><th>被核查企业</th><td>${esc(c.enterprise.name)}</td><th>统一社会信用代码</th><td>${esc(c.enterprise.creditCode)}</td></tr>
<tr><th>登记状态</th><td>${zh(STATUS_ZH, c.enterprise.status)}</td><th>行业代码</th><td>${esc(c.enterprise.industryCode)}</td></tr></table>
<p class="d">核查结论：${zh(DECISION_ZH, c.decision)}</p><p>${esc(c.summary)}</p>
${c.statusBasis ? `<p>登记状态为${zh(STATUS_ZH, c.enterprise.status)}，依据：${esc(c.statusBasis)}</p>` : ''}
<h2>命中记录</h2><table><tr><th>名单</th><th>列入部门</th><th>命中主体</th><th>列入原因</th><th>法律依据</th><th>决定文书号</th><th>有效期</th></tr>${hits}</table>
<h2>适用惩戒措施</h2><table><tr><th>编号</th><th>措施</th><th>实施部门</th><th>效力</th><th>依据</th></tr>${measures}</table>
<h2>已核查人员</h2><ul>${persons}</ul>
<h2>数据来源时效</h2><ul>${sources}</ul>
<h2>反馈情况</h2><table><tr><th>序号</th><th>记录时间</th><th>处理结果</th><th>备注/理由</th><th>经办人</th><th>办理机构</th></tr>${feedback}</table>
<p>经办人签字：＿＿＿＿＿＿\u3000\u3000日期：＿＿＿＿＿＿</p>
</body></html>`;
}
