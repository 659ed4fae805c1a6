/**
 * 反馈 — the required last step of a check: what was done (measures applied, none with a reason, or the
 * licensing outcome), recorded by the officer who ran the check or their office. The server refuses
 * feedback contradicting the decision or from another office; its Chinese message is shown next to the
 * field it names. Recorded feedback can be amended (更正); every version stays in the history.
 */
import { useState, type FormEvent } from 'react';
import { ApiError, graphql } from '../../api/client';
import { Badge, Field, Notice } from '../../components/Field';
import { Section } from '../../components/Layout';
import { FEEDBACK_ACTION_ZH, formatDateTime, label } from '../../labels';
import { RECORD_FEEDBACK, isDone, type Check, type Feedback } from './queries';

type Errors = Partial<Record<'action' | 'measuresApplied' | 'note' | 'form', string>>;

const ACTIONS = ['MEASURES_APPLIED', 'NO_MEASURE_APPLIED', 'GRANTED', 'REFUSED'] as const;

function FeedbackHistory({ feedback }: { feedback: Feedback[] }) {
  const seq = new Map(feedback.map((f, i) => [f.id, i + 1]));
  return (
    <ol className="history" data-testid="feedback-history">
      {feedback.map((f, i) => {
        const current = i === feedback.length - 1;
        return (
          <li key={f.id} className={current ? 'current' : ''}>
            <div>
              <strong>{label(FEEDBACK_ACTION_ZH, f.action)}</strong> {current ? <Badge tone="info">当前</Badge> : <Badge>已更正</Badge>}
              {f.amends && <span className="muted">（更正第 {seq.get(f.amends) ?? '?'} 条）</span>}
            </div>
            {f.measuresApplied.length > 0 && <div>已实施措施：{f.measuresApplied.join('、')}</div>}
            {f.note && <div>备注/理由：{f.note}</div>}
            <div className="meta">
              第 {i + 1} 条 · {formatDateTime(f.recordedAt)} · {f.recordedByName ?? f.recordedBy}
              {f.office ? ` · ${f.office}` : ''}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

export function FeedbackPanel({ check, onRecorded }: { check: Check; onRecorded: () => void }) {
  const done = isDone(check);
  const current = check.feedback[check.feedback.length - 1] ?? null;
  const [editing, setEditing] = useState(!done);
  const [action, setAction] = useState<string>(check.measures.length ? 'MEASURES_APPLIED' : '');
  const [applied, setApplied] = useState<string[]>(check.measures.filter((m) => m.mandatory).map((m) => m.code));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);

  const startAmend = () => {
    if (current) {
      setAction(current.action);
      setApplied(current.measuresApplied);
      setNote(current.note ?? '');
    }
    setErrors({});
    setSaved(false);
    setEditing(true);
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const next: Errors = {};
    if (!action) next.action = '请选择处理结果。';
    if (action === 'NO_MEASURE_APPLIED' && !note.trim()) next.note = '选择“未实施”时必须填写理由。';
    if (action === 'MEASURES_APPLIED' && applied.length === 0) next.measuresApplied = '请勾选已实施的惩戒措施。';
    if (done && !note.trim()) next.note = '更正反馈时请填写更正理由。';
    setErrors(next);
    if (Object.keys(next).length) return;
    setBusy(true);
    try {
      await graphql(RECORD_FEEDBACK, {
        id: check.checkId,
        action,
        note: note.trim() || null,
        measuresApplied: action === 'NO_MEASURE_APPLIED' ? [] : applied,
        ...(done && current ? { amends: current.id } : {}),
      });
      setEditing(false);
      setSaved(true);
      setNote('');
      onRecorded();
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError('UNKNOWN', '反馈未能保存，请稍后再试。');
      if (e.isFor('action')) setErrors({ action: e.messageZh });
      else if (e.isFor('measuresApplied')) setErrors({ measuresApplied: e.messageZh });
      else if (e.isFor('note')) setErrors({ note: e.messageZh });
      else setErrors({ form: e.messageZh });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section
      title={<>反馈 {done ? <Badge tone="pass">已完成</Badge> : <Badge tone="warn">待反馈</Badge>}</>}
      extra={
        done && !editing ? (
          <button type="button" className="btn btn-small" onClick={startAmend}>
            更正反馈
          </button>
        ) : null
      }
      className="feedback-panel"
    >
      {!done && <Notice tone="warning">核查须记录反馈后方为办结：请填写对申请人的处理情况。</Notice>}
      {saved && <Notice tone="success">反馈已记录。</Notice>}
      {check.feedback.length > 0 && <FeedbackHistory feedback={check.feedback} />}
      {editing && (
        <form onSubmit={submit} noValidate aria-label="反馈" data-testid="feedback-form">
          {done && <h3 className="form-title">更正反馈（原记录保留在历史中）</h3>}
          <Field label="处理结果" required error={errors.action} name="action">
            {(aria) => (
              <div className="radio-row" role="radiogroup" aria-labelledby={aria.labelId} aria-describedby={aria['aria-describedby']}>
                {ACTIONS.map((a) => (
                  <label key={a}>
                    <input
                      type="radio"
                      name="action"
                      value={a}
                      checked={action === a}
                      onChange={() => {
                        setAction(a);
                        setErrors({});
                      }}
                    />
                    {label(FEEDBACK_ACTION_ZH, a)}
                  </label>
                ))}
              </div>
            )}
          </Field>
          {action !== '' && action !== 'NO_MEASURE_APPLIED' && (check.measures.length > 0 || action === 'MEASURES_APPLIED') && (
            <Field
              label="已实施的惩戒措施"
              required={action === 'MEASURES_APPLIED'}
              error={errors.measuresApplied}
              name="measuresApplied"
              hint="约束性措施必须实施并勾选"
            >
              {() => (
                <div className="checks">
                  {check.measures.length === 0 && <span className="muted">本次核查无适用措施。</span>}
                  {check.measures.map((m) => (
                    <label key={m.code} className="check-line">
                      <input
                        type="checkbox"
                        value={m.code}
                        checked={applied.includes(m.code)}
                        onChange={(e) => setApplied((xs) => (e.target.checked ? [...xs, m.code] : xs.filter((x) => x !== m.code)))}
                      />
                      <span>
                        <code>{m.code}</code> {m.text}
                        {m.mandatory ? <Badge tone="deny">约束性</Badge> : <Badge>倡导性</Badge>}
                      </span>
                    </label>
                  ))}
                </div>
              )}
            </Field>
          )}
          <Field
            label={action === 'NO_MEASURE_APPLIED' ? '未实施理由' : done ? '更正理由' : '备注'}
            required={action === 'NO_MEASURE_APPLIED' || done}
            error={errors.note}
            name="note"
          >
            <textarea className="input" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
          </Field>
          {errors.form && <Notice tone="error">{errors.form}</Notice>}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? '正在保存…' : done ? '保存更正' : '提交反馈'}
            </button>
            {done && (
              <button type="button" className="btn" onClick={() => setEditing(false)}>
                取消
              </button>
            )}
          </div>
        </form>
      )}
    </Section>
  );
}
