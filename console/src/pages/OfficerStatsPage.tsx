import { Page } from '../components/Layout';

export function OfficerStatsPage() {
  return <Page title="反馈率统计">…</Page>;
}
