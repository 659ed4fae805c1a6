/**
 * The check form: applicant by credit code or name (with suggestions), licensing matter, case number
 * (申请事项编号) and further persons. Codes are normalised VISIBLY (the field shows the canonical form
 * before sending) and explained in Chinese; the server still judges and its messageZh lands on the field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, graphql } from '../../api/client';
import { Field, Notice } from '../../components/Field';
import { ENTERPRISE_STATUS_ZH, MATTER_ZH, NAME_MATCH_ZH, label } from '../../labels';
import { canonicalCode, creditCodeProblemZh, idNumberProblemZh, looksLikeCode } from '../../lib/codes';
import { CODE_LOOKUP, NAME_SUGGEST, RUN_CHECK, type Check, type NameMatch } from './queries';

interface Picked {
  creditCode: string;
  name: string;
}

type Errors = Partial<Record<'applicant' | 'matter' | 'caseNumber' | 'persons' | 'form', string>>;

/** Splits the persons box (one per line, or separated by commas/spaces) into canonical ID numbers. */
function personsOf(text: string): string[] {
  return text
    .split(/[\s,，、;；]+/)
    .map((s) => canonicalCode(s))
    .filter(Boolean);
}

export function CheckForm({ onChecked }: { onChecked: (c: Check) => void }) {
  const [applicant, setApplicant] = useState('');
  const [picked, setPicked] = useState<Picked | null>(null);
  const [normalisedFrom, setNormalisedFrom] = useState<string | null>(null);
  const [codeName, setCodeName] = useState<string | null | undefined>(undefined);
  const [suggestions, setSuggestions] = useState<NameMatch[]>([]);
  const [suggestOpen, setSuggestOpen] = useState(false);
  const [highlight, setHighlight] = useState(-1);
  const [matter, setMatter] = useState('');
  const [caseNumber, setCaseNumber] = useState('');
  const [persons, setPersons] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const seq = useRef(0);

  const codeMode = !picked && looksLikeCode(applicant);

  // suggestions: names → enterpriseByName(fuzzy); a complete valid code → the enterprise's name (debounced)
  useEffect(() => {
    const text = applicant.trim();
    const my = ++seq.current;
    if (picked || text.length < 2) {
      setSuggestions([]);
      setCodeName(undefined);
      return;
    }
    const timer = setTimeout(() => {
      if (looksLikeCode(text)) {
        setSuggestions([]);
        const code = canonicalCode(text);
        if (code.length === 18 && !creditCodeProblemZh(code)) {
          graphql<{ enterprise: { name: string } | null }>(CODE_LOOKUP, { code }).then(
            (d) => my === seq.current && setCodeName(d.enterprise?.name ?? null),
            () => my === seq.current && setCodeName(undefined),
          );
        } else setCodeName(undefined);
        return;
      }
      setCodeName(undefined);
      graphql<{ enterpriseByName: NameMatch[] }>(NAME_SUGGEST, { name: text }).then(
        (d) => {
          if (my !== seq.current) return;
          setSuggestions(d.enterpriseByName.slice(0, 8));
          setSuggestOpen(true);
          setHighlight(-1);
        },
        () => my === seq.current && setSuggestions([]),
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [applicant, picked]);

  /** Shows the canonical form of a code in the field; returns it. */
  const normaliseVisibly = (): string => {
    const text = applicant;
    if (!looksLikeCode(text)) return text.trim();
    const code = canonicalCode(text);
    if (code !== text) {
      setApplicant(code);
      setNormalisedFrom(text);
    }
    return code;
  };

  const clientCodeError = (code: string): string | null => creditCodeProblemZh(code);

  const choose = (m: NameMatch) => {
    setPicked({ creditCode: m.enterprise.creditCode, name: m.enterprise.name });
    setApplicant(m.enterprise.name);
    setSuggestOpen(false);
    setErrors((e) => ({ ...e, applicant: undefined }));
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const next: Errors = {};
    let input: Record<string, unknown> = {};
    if (picked) input = { creditCode: picked.creditCode };
    else if (!applicant.trim()) next.applicant = '请输入申请人的统一社会信用代码或企业名称。';
    else if (looksLikeCode(applicant)) {
      const code = normaliseVisibly();
      const problem = clientCodeError(code);
      if (problem) next.applicant = problem;
      input = { creditCode: code };
    } else input = { name: applicant.trim() };
    if (!matter) next.matter = '请选择许可事项。';
    const ids = personsOf(persons);
    const badIds = ids.map((id, i) => [i, idNumberProblemZh(id)] as const).filter(([, p]) => p);
    if (badIds.length) next.persons = badIds.map(([i, p]) => `第${i + 1}个：${p}`).join(' ');
    if (caseNumber.trim().length > 64) next.caseNumber = '申请事项编号不超过64个字符。';
    setErrors(next);
    // the applicant's code is still sent when only our check character test failed: the server is the judge
    const blocking = next.matter || next.persons || next.caseNumber || (next.applicant && !input.creditCode);
    if (blocking) return;
    setBusy(true);
    try {
      const d = await graphql<{ runJointPunishmentCheck: Check }>(RUN_CHECK, {
        input: {
          ...input,
          matter,
          ...(caseNumber.trim() ? { caseNumber: caseNumber.trim() } : {}),
          ...(ids.length ? { persons: ids } : {}),
        },
      });
      setErrors({});
      onChecked(d.runJointPunishmentCheck);
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('UNKNOWN', '核查未成功，请稍后再试。');
      // the server's own Chinese sentence wins; without one, our explanation of the code (expected check character)
      if (e.isFor('creditCode') || e.isFor('name'))
        setErrors({ ...next, applicant: e.serverWorded || !next.applicant ? e.messageZh : next.applicant });
      else if (e.isFor('matter')) setErrors({ ...next, matter: e.messageZh });
      else if (e.isFor('caseNumber')) setErrors({ ...next, caseNumber: e.messageZh });
      else if (e.isFor('persons')) setErrors({ ...next, persons: e.messageZh });
      else setErrors({ ...next, form: e.messageZh });
    } finally {
      setBusy(false);
    }
  };

  const liveCode = codeMode ? canonicalCode(applicant) : '';
  const hint = picked ? (
    <>
      已选择：{picked.name}（<code>{picked.creditCode}</code>）
      <button type="button" className="btn-link" onClick={() => setPicked(null)}>
        重新选择
      </button>
    </>
  ) : normalisedFrom && codeMode ? (
    <>
      已规范为标准格式（原输入：{normalisedFrom}）{codeName ? `，对应企业：${codeName}` : ''}
    </>
  ) : codeMode && liveCode.length === 18 && codeName !== undefined ? (
    codeName ? (
      <>对应企业：{codeName}</>
    ) : (
      <>未找到该代码对应的企业</>
    )
  ) : (
    '输入18位统一社会信用代码，或输入企业名称后从候选中选择'
  );

  return (
    <form onSubmit={submit} noValidate aria-label="联合惩戒核查" className="check-form">
      <div className="grid grid-2">
        <Field label="申请人（统一社会信用代码或企业名称）" required error={errors.applicant} hint={hint} name="applicant">
          {(aria) => (
            <div className="combo">
              <input
                id={aria.id}
                aria-invalid={aria['aria-invalid']}
                aria-describedby={aria['aria-describedby']}
                className="input"
                value={applicant}
                autoComplete="off"
                placeholder="如 91420115MA4K…… 或 企业名称"
                role="combobox"
                aria-expanded={suggestOpen && suggestions.length > 0}
                aria-autocomplete="list"
                onChange={(e) => {
                  setApplicant(e.target.value);
                  setPicked(null);
                  setNormalisedFrom(null);
                  setErrors((x) => ({ ...x, applicant: undefined }));
                }}
                onBlur={() => {
                  setTimeout(() => setSuggestOpen(false), 150);
                  if (!picked && looksLikeCode(applicant)) {
                    const code = normaliseVisibly();
                    if (code.length >= 18) setErrors((x) => ({ ...x, applicant: clientCodeError(code) ?? undefined }));
                  }
                }}
                onFocus={() => suggestions.length && setSuggestOpen(true)}
                onKeyDown={(e) => {
                  if (!suggestOpen || !suggestions.length) return;
                  if (e.key === 'ArrowDown') {
                    e.preventDefault();
                    setHighlight((h) => Math.min(h + 1, suggestions.length - 1));
                  } else if (e.key === 'ArrowUp') {
                    e.preventDefault();
                    setHighlight((h) => Math.max(h - 1, 0));
                  } else if (e.key === 'Enter' && highlight >= 0) {
                    e.preventDefault();
                    choose(suggestions[highlight]!);
                  } else if (e.key === 'Escape') setSuggestOpen(false);
                }}
              />
              {suggestOpen && suggestions.length > 0 && (
                <ul className="suggest" role="listbox" aria-label="候选企业">
                  {suggestions.map((m, i) => (
                    <li key={m.enterprise.creditCode}>
                      <button
                        type="button"
                        className={i === highlight ? 'hl' : ''}
                        onMouseDown={(e) => e.preventDefault()}
                        onClick={() => choose(m)}
                      >
                        <span>
                          {m.enterprise.name}
                          {m.enterprise.status !== 'ACTIVE' && (
                            <span className="badge badge-deny">{label(ENTERPRISE_STATUS_ZH, m.enterprise.status)}</span>
                          )}
                        </span>
                        <span className="muted">
                          <code>{m.enterprise.creditCode}</code> · {label(NAME_MATCH_ZH, m.matchedBy)}
                        </span>
                      </button>
                    </li>
                  ))}
                </ul>
              )}
              {suggestOpen && suggestions.length === 0 && !codeMode && !picked && applicant.trim().length >= 2 && (
                <div className="muted suggest-none">没有名称相近的企业</div>
              )}
            </div>
          )}
        </Field>
        <Field label="许可事项" required error={errors.matter} name="matter">
          <select
            className="input"
            value={matter}
            onChange={(e) => {
              setMatter(e.target.value);
              setErrors((x) => ({ ...x, matter: undefined }));
            }}
          >
            <option value="">请选择许可事项</option>
            {Object.entries(MATTER_ZH).map(([k, v]) => (
              <option key={k} value={k}>
                {v}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <div className="grid grid-2">
        <Field label="申请事项编号" error={errors.caseNumber} hint="审批系统中的申请事项编号（可选），将记入核查记录" name="caseNumber">
          <input className="input" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} placeholder="如 XK-2026-000123" />
        </Field>
        <Field label="其他需核查人员的身份证号" error={errors.persons} hint="可选；如拟任主要负责人，每行一个" name="persons">
          <textarea
            className="input"
            rows={2}
            value={persons}
            onChange={(e) => {
              setPersons(e.target.value);
              setErrors((x) => ({ ...x, persons: undefined }));
            }}
          />
        </Field>
      </div>
      {errors.form && <Notice tone="error">{errors.form}</Notice>}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? '正在核查…' : '开始核查'}
        </button>
        <span className="muted">核查将查询各部门的名单，并记录核查记录。</span>
      </div>
    </form>
  );
}
