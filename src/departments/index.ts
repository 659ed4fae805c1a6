/** The department packages' resolvers (each extends Enterprise with its section), and the section interface. */
import { departmentTable } from '../../connectors/registry.js';
import { DEPARTMENT_RESOLVERS } from '../generated/department-resolvers.js';
import type { DepartmentSectionResolvers, Resolvers } from '../generated/graphql.js';

type SectionTypeName = NonNullable<Awaited<ReturnType<NonNullable<DepartmentSectionResolvers['__resolveType']>>>>;
// each name is a type of the merged schema (tests/department-package.test.ts checks every package's)
const SECTION_TYPES = departmentTable((d) => d.sectionType as SectionTypeName);

const sectionInterface: Resolvers = {
  DepartmentSection: { __resolveType: (s) => SECTION_TYPES[s.department] ?? null },
};

export const DEPARTMENT_MODULES: Resolvers[] = [sectionInterface, ...DEPARTMENT_RESOLVERS];
