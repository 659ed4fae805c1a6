/**
 * A table with Chinese headers and paging. Client paging (all rows given) or server paging (give `total`,
 * `page` and `onPage`: the page fetches its rows). Cells render through `render` (never raw JSON).
 */
import { useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: ReactNode;
  render?: (row: T, index: number) => ReactNode;
  width?: string | number;
  align?: 'left' | 'right' | 'center';
  /** keep codes on one line */
  nowrap?: boolean;
}

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T, index: number) => string;
  empty?: ReactNode;
  pageSize?: number;
  /** server paging: total rows over all pages, current page (0-based) and the page change */
  total?: number;
  page?: number;
  onPage?: (page: number) => void;
  loading?: boolean;
  caption?: ReactNode;
  testId?: string;
}

export function DataTable<T>({
  columns,
  rows,
  rowKey,
  empty = '暂无数据',
  pageSize = 20,
  total,
  page,
  onPage,
  loading,
  caption,
  testId,
}: DataTableProps<T>) {
  const [localPage, setLocalPage] = useState(0);
  const server = onPage !== undefined;
  const current = server ? (page ?? 0) : localPage;
  const count = server ? (total ?? rows.length) : rows.length;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  const shown = server ? rows : rows.slice(current * pageSize, current * pageSize + pageSize);
  const go = (p: number) => (server ? onPage!(p) : setLocalPage(p));
  return (
    <div className="table-wrap" data-testid={testId}>
      <table className="table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} style={{ width: c.width, textAlign: c.align }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="table-empty">
                {loading ? '正在加载…' : empty}
              </td>
            </tr>
          )}
          {shown.map((row, i) => (
            <tr key={rowKey(row, i)}>
              {columns.map((c) => (
                <td key={c.key} style={{ textAlign: c.align }} className={c.nowrap ? 'nowrap' : undefined}>
                  {c.render ? c.render(row, i) : String((row as Record<string, unknown>)[c.key] ?? '—')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {count > pageSize && (
        <div className="pager">
          <span>
            共 {count} 条 · 第 {current + 1}/{pages} 页
          </span>
          <button type="button" className="btn btn-small" disabled={current === 0 || loading} onClick={() => go(current - 1)}>
            上一页
          </button>
          <button type="button" className="btn btn-small" disabled={current + 1 >= pages || loading} onClick={() => go(current + 1)}>
            下一页
          </button>
        </div>
      )}
    </div>
  );
}
