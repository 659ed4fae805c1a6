/** 交通运输 Transport: the department source (connector + stand-in system + seeder). */
import { defineDepartmentSource } from '../types.js';
import department from './department.js';
import { PII_FIELDS } from './pii.js';
import { createTransportConnector, SOURCE_ID } from './connector.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: department.code,
  title: '交通运输信用信息共享平台',
  piiFields: PII_FIELDS,
  createConnector: createTransportConnector,
  simulator: { reset, seed, touch, start: startSimulator },
});
