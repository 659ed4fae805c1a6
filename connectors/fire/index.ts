/** 消防救援 Fire and rescue: the department source (connector + stand-in export folder + seeder). */
import { defineDepartmentSource } from '../types.js';
import department from './department.js';
import { PII_FIELDS } from './pii.js';
import { createFireConnector, SOURCE_ID } from './connector.js';
import { reset, seed, touch } from './seed.js';
import { startSimulator } from './simulator.js';

export default defineDepartmentSource({
  id: SOURCE_ID,
  department: department.code,
  title: '消防监督管理系统数据交换（每日导出文件）',
  piiFields: PII_FIELDS,
  createConnector: createFireConnector,
  simulator: { reset, seed, touch, start: startSimulator },
});
