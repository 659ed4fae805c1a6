/** 分析 workspace — placeholder; the analyst workspace (query builder, table, chart, CSV) replaces it. */
import { Page } from '../components/Layout';
import { Notice } from '../components/Field';

export function AnalystPage() {
  return (
    <Page title="分析工作区" subtitle="跨部门条件查询、分组统计与导出">
      <Notice>分析工作区正在建设中。</Notice>
    </Page>
  );
}
