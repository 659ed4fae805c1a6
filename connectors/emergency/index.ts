/** 应急管理 Emergency management: the department source (connector + stand-in system + seeder). */
import { defineDepartmentSource } from '../types.js';
import department from './department.js';
import { PII_FIELDS } from './pii.js';
import { createEmergencyConnector, SOURCE_ID } from './connector.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: department.code,
  title: '应急管理综合应用平台',
  piiFields: PII_FIELDS,
  createConnector: createEmergencyConnector,
  simulator: { reset, seed, touch, start: (env) => startSimulator(env) },
});
