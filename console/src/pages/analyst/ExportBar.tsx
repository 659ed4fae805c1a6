/**
 * 导出: one click downloads the current result (same `where` and order as the table) as CSV or Excel
 * through the hub's export routes, read as a stream so a long export shows bytes and rows so far.
 */
import { useRef, useState } from 'react';
import { ApiError, download, type DownloadProgress } from '../../api/client';
import { Notice } from '../../components/Field';
import type { Where } from './queries';

const kb = (n: number) => (n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`);

export function ExportBar({ where, orderBy, total }: { where: Where | null; orderBy: Record<string, string>; total: number | null }) {
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [progress, setProgress] = useState<DownloadProgress | null>(null);
  const [message, setMessage] = useState<{ tone: 'error' | 'success'; text: string } | null>(null);
  const abort = useRef<AbortController | null>(null);

  const start = async (format: 'csv' | 'xlsx') => {
    if (!where) return;
    setBusy(format);
    setProgress({ bytes: 0, lines: 0 });
    setMessage(null);
    const ctrl = new AbortController();
    abort.current = ctrl;
    const url = `/export/enterprises.${format}?where=${encodeURIComponent(JSON.stringify(where))}&orderBy=${encodeURIComponent(JSON.stringify(orderBy))}`;
    try {
      const { blob, filename } = await download(url, setProgress, ctrl.signal);
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = filename ?? (format === 'csv' ? '企业名单.csv' : '企业名单.xlsx');
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      setMessage({ tone: 'success', text: `已下载 ${a.download}（${kb(blob.size)}）。` });
    } catch (e) {
      setMessage({ tone: 'error', text: e instanceof ApiError ? e.messageZh : '导出失败，请稍后再试。' });
    } finally {
      setBusy(null);
      abort.current = null;
    }
  };

  // CSV: one line per row plus the header line
  const rows = progress && busy === 'csv' ? Math.max(0, progress.lines - 1) : null;
  return (
    <div className="export-bar" data-testid="export-bar">
      <button type="button" className="btn" disabled={!where || !!busy} onClick={() => void start('csv')}>
        下载 CSV
      </button>
      <button type="button" className="btn" disabled={!where || !!busy} onClick={() => void start('xlsx')}>
        下载 Excel
      </button>
      {busy && progress && (
        <span className="export-progress" data-testid="export-progress" role="status">
          正在导出{busy === 'csv' ? ' CSV' : ' Excel'}：已接收 {kb(progress.bytes)}
          {rows !== null && `，${rows} 行${total !== null ? ` / 共 ${total} 行` : ''}`}
          {rows !== null && total ? <progress max={total} value={Math.min(rows, total)} /> : null}
          <button type="button" className="btn btn-small" onClick={() => abort.current?.abort()}>
            取消
          </button>
        </span>
      )}
      {message && !busy && <Notice tone={message.tone}>{message.text}</Notice>}
    </div>
  );
}
