/** 市场监管: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'market',
  code: 'MARKET',
  nameZh: '市场监管',
  recordPrefix: 'SC',
  field: 'market',
  sectionType: 'MarketSection',
});
