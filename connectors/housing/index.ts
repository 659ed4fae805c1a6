/** 住房城乡建设 Housing and construction: the department source (connector + stand-in system + seeder). */
import { defineDepartmentSource } from '../types.js';
import department from './department.js';
import { PII_FIELDS } from './pii.js';
import { createHousingConnector, SOURCE_ID } from './connector.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: department.code,
  title: '建筑市场监管公共服务平台',
  piiFields: PII_FIELDS,
  createConnector: createHousingConnector,
  simulator: { reset, seed, touch, start: startSimulator },
});
