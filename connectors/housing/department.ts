/** 住房城乡建设: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'housing',
  code: 'HOUSING',
  nameZh: '住房城乡建设',
  recordPrefix: 'ZJ',
  field: 'housing',
  sectionType: 'HousingSection',
});
