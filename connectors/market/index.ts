/** 市场监管 Market regulation: the department source (connector + stand-in system + seeder). */
import { defineDepartmentSource } from '../types.js';
import department from './department.js';
import { PII_FIELDS } from './pii.js';
import { createMarketConnector, SOURCE_ID } from './connector.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: department.code,
  title: '市场监管信用信息开放平台',
  piiFields: PII_FIELDS,
  createConnector: createMarketConnector,
  simulator: { reset, seed, touch, start: startSimulator },
});
