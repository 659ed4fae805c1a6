/** 消防救援: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'fire',
  code: 'FIRE',
  nameZh: '消防救援',
  recordPrefix: 'XF',
  field: 'fire',
  sectionType: 'FireSection',
});
