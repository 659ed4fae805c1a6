/**
 * 联合惩戒核查 — the officer workbench: run a check (form), see its result, record the required feedback,
 * print the record; beside it, the officer's checks still awaiting feedback. `/officer` starts a new check,
 * `/officer/checks/:checkId` shows a stored one.
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, graphql } from '../api/client';
import { Notice } from '../components/Field';
import { Page, Section } from '../components/Layout';
import { AwaitingList } from './officer/AwaitingList';
import { CheckForm } from './officer/CheckForm';
import { CheckResult } from './officer/CheckResult';
import { FeedbackPanel } from './officer/FeedbackPanel';
import { GET_CHECK, type Check } from './officer/queries';

export function OfficerPage() {
  const { checkId } = useParams();
  const navigate = useNavigate();
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(async (id: string) => {
    try {
      const d = await graphql<{ check: Check | null }>(GET_CHECK, { id });
      if (!d.check) {
        setCheck(null);
        setError('未找到该核查记录，或该记录不属于您的办理机构。');
      } else {
        setCheck(d.check);
        setError(null);
      }
    } catch (e) {
      setCheck(null);
      setError(e instanceof ApiError ? e.messageZh : '核查记录加载失败。');
    }
  }, []);

  useEffect(() => {
    if (checkId) {
      if (check?.checkId !== checkId) void load(checkId);
    } else {
      setCheck(null);
      setError(null);
    }
  }, [checkId, load]);

  const onChecked = (c: Check) => {
    setCheck(c);
    setVersion((v) => v + 1);
    navigate(`/officer/checks/${c.checkId}`);
  };

  const onRecorded = () => {
    if (check) void load(check.checkId);
    setVersion((v) => v + 1);
  };

  return (
    <Page
      title="联合惩戒核查"
      subtitle="对许可申请人及其相关人员核查失信联合惩戒名单，并记录处理反馈"
      actions={
        checkId ? (
          <>
            {check && (
              <a className="btn" href={`/checks/${encodeURIComponent(check.checkId)}`} target="_blank" rel="noopener">
                打印核查记录
              </a>
            )}
            <Link className="btn btn-primary" to="/officer">
              新的核查
            </Link>
          </>
        ) : null
      }
    >
      <div className="split">
        <div>
          {!checkId && (
            <Section title="核查申请人">
              <CheckForm onChecked={onChecked} />
            </Section>
          )}
          {error && <Notice tone="error">{error}</Notice>}
          {checkId && !check && !error && <div className="muted">正在加载核查记录…</div>}
          {check && (
            <>
              <CheckResult check={check} />
              <FeedbackPanel key={`${check.checkId}-${check.feedback.length}`} check={check} onRecorded={onRecorded} />
            </>
          )}
        </div>
        <AwaitingList version={version} currentId={checkId} />
      </div>
    </Page>
  );
}
