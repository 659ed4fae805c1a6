import { Page } from '../components/Layout';

export function OfficerPage() {
  return <Page title="联合惩戒核查">…</Page>;
}
