/** 应急管理: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'emergency',
  code: 'EMERGENCY',
  nameZh: '应急管理',
  recordPrefix: 'YJ',
  field: 'emergency',
  sectionType: 'EmergencySection',
});
