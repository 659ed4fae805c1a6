/** 自然资源 Natural resources: the department source (connector + stand-in system + seeder). */
import { defineDepartmentSource } from '../types.js';
import { createNaturalResourcesConnector, SOURCE_ID } from './connector.js';
import { PII_FIELDS } from './pii.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: 'NATURAL_RESOURCES',
  title: '自然资源厅矿业权与地质灾害数据共享接口',
  piiFields: PII_FIELDS,
  createConnector: createNaturalResourcesConnector,
  simulator: { reset, seed, touch, start: startSimulator },
});
