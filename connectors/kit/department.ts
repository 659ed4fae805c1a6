/**
 * What a department package tells core about itself: pure data, importing nothing, so that every core
 * module (and the console) can read the registry without pulling in connectors, simulators or resolvers.
 * The package's code sits beside it by convention: index.ts (the source), section.graphql (its schema
 * section), resolvers.ts (default export: its resolvers), optionally migrations.ts (default export: migration
 * classes, appended to the hub's list).
 */
export interface DepartmentPackage {
  /** folder under connectors/ and the id of its source (connector) */
  id: string;
  /** the GraphQL `Department` value (its section.graphql extends the enum with it) */
  code: string;
  /** 中文 name, as printouts and the console show it */
  nameZh: string;
  /** two letters starting the ids of its generated records (unique across departments) */
  recordPrefix: string;
  /** the Enterprise field holding its section, and the section's type (implements DepartmentSection) */
  field: string;
  sectionType: string;
  /** Chinese labels of the CredentialKind / ListKind values its section.graphql adds */
  credentialKinds?: Readonly<Record<string, string>>;
  listKinds?: Readonly<Record<string, string>>;
  /** whether officers and API keys can belong to it (default true) */
  callerDepartment?: boolean;
}

export const defineDepartment = (d: DepartmentPackage): DepartmentPackage => d;
