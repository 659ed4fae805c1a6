/** 交通运输: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'transport',
  code: 'TRANSPORT',
  nameZh: '交通运输',
  recordPrefix: 'JT',
  field: 'transport',
  sectionType: 'TransportSection',
});
