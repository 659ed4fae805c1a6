/** 企业画像 — placeholder; the enterprise profile (five departments, freshness per source) replaces it. */
import { Page } from '../components/Layout';
import { Notice } from '../components/Field';

export function EnterprisePage() {
  return (
    <Page title="企业画像" subtitle="按统一社会信用代码或名称查询企业在五个部门的信息">
      <Notice>企业画像页面正在建设中。</Notice>
    </Page>
  );
}
