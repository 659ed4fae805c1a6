/** 我的待反馈核查: the signed-in officer's checks that still need feedback, each linking back to its check. */
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, graphql } from '../../api/client';
import { Notice } from '../../components/Field';
import { Section } from '../../components/Layout';
import { MATTER_ZH, formatDateTime, label } from '../../labels';
import { DecisionBadge } from './CheckResult';
import { AWAITING, type AwaitingCheck } from './queries';

export function AwaitingList({ version, currentId }: { version: number; currentId?: string }) {
  const [rows, setRows] = useState<AwaitingCheck[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    graphql<{ checks: { totalCount: number; edges: { node: AwaitingCheck }[] } }>(AWAITING, { first: 50 }).then(
      (d) => {
        if (!live) return;
        setRows(d.checks.edges.map((e) => e.node));
        setTotal(d.checks.totalCount);
        setError(null);
      },
      (e: unknown) => live && setError(e instanceof ApiError ? e.messageZh : '待反馈列表加载失败。'),
    );
    return () => {
      live = false;
    };
  }, [version]);
  return (
    <Section title={<>我的待反馈核查{rows ? `（${total}）` : ''}</>} className="awaiting">
      {error && <Notice tone="error">{error}</Notice>}
      {!rows && !error && <div className="muted">正在加载…</div>}
      {rows && rows.length === 0 && <div className="muted">没有待反馈的核查。</div>}
      {rows && rows.length > 0 && (
        <ul className="awaiting-list" data-testid="awaiting">
          {rows.map((c) => (
            <li key={c.checkId} className={c.checkId === currentId ? 'current' : ''}>
              <Link to={`/officer/checks/${c.checkId}`}>
                <div className="awaiting-top">
                  <strong>{c.enterprise.name}</strong>
                  <DecisionBadge decision={c.decision} />
                </div>
                <div className="muted">{label(MATTER_ZH, c.matter)}</div>
                <div className="muted">
                  {c.caseNumber ? `${c.caseNumber} · ` : ''}
                  {formatDateTime(c.checkedAt)}
                </div>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
