/** 自然资源: what core knows about this department (connectors/kit/department.ts). */
import { defineDepartment } from '../kit/department.js';

export default defineDepartment({
  id: 'natural-resources',
  code: 'NATURAL_RESOURCES',
  nameZh: '自然资源',
  recordPrefix: 'ZR',
  field: 'naturalResources',
  sectionType: 'NaturalResourcesSection',
  credentialKinds: { MINING_LICENCE: '采矿许可证' },
  listKinds: { NATURAL_RESOURCES_DISHONEST: '自然资源领域严重失信主体名单' },
});
