import { POSTGRAPHILE_PROFILE } from '../postgraphile.js';
import type { Scenario } from './types.js';

/** Everything one enterprise profile screen shows, from the store: registration and all five departments. */
export const ENTERPRISE_ALL_DEPARTMENTS = /* GraphQL */ `
  query EnterpriseProfile($code: ID!) {
    enterprise(creditCode: $code) {
      creditCode
      name
      status
      industryCode
      divisionCode
      legalRepresentative
      registeredCapital
      establishedDate
      persons(first: 20) {
        totalCount
        nodes {
          role
          person {
            name
            idNumber
          }
        }
      }
      market {
        asOf
        stale
        registration {
          name
          status
        }
        penalties(first: 10) {
          totalCount
          nodes {
            decisionNumber
            decisionDate
            amount
          }
        }
        listEntries(first: 10) {
          totalCount
          nodes {
            list
            startDate
            endDate
            inForce
          }
        }
      }
      housing {
        asOf
        stale
        credentials(first: 10) {
          totalCount
          nodes {
            kind
            number
            grade
            validTo
            validOn
          }
        }
        personCredentials(first: 10) {
          totalCount
          nodes {
            kind
            number
            person {
              name
              idNumber
            }
          }
        }
        projects(first: 10) {
          totalCount
          nodes {
            projectCode
            name
            scale
          }
        }
        contracts(first: 10) {
          totalCount
          nodes {
            contractNumber
            kind
            value
            safetyAgreementSigned
          }
        }
        listEntries(first: 10) {
          totalCount
          nodes {
            list
            startDate
          }
        }
      }
      emergency {
        asOf
        stale
        credentials(first: 10) {
          totalCount
          nodes {
            kind
            number
            validTo
            validOn
          }
        }
        hiddenDangers(first: 10) {
          totalCount
          nodes {
            level
            status
            deadline
            overdue
            daysOverdue
          }
        }
        penalties(first: 10) {
          totalCount
          nodes {
            decisionNumber
            amount
          }
        }
        accidents(first: 10) {
          totalCount
          nodes {
            occurredOn
            level
            deaths
          }
        }
        insurancePolicies(first: 10) {
          totalCount
          nodes {
            policyNumber
            validTo
            inForce
          }
        }
        listEntries(first: 10) {
          totalCount
          nodes {
            list
            startDate
          }
        }
      }
      transport {
        asOf
        stale
        credentials(first: 10) {
          totalCount
          nodes {
            kind
            number
          }
        }
        vehicles(first: 10) {
          totalCount
          nodes {
            plateNumber
            vehicleKind
            monitoringOnline
          }
        }
        violations(first: 10) {
          totalCount
          nodes {
            plateNumber
            violationKind
            occurredAt
          }
        }
        penalties(first: 10) {
          totalCount
          nodes {
            decisionNumber
          }
        }
      }
      fire {
        asOf
        stale
        keyFireSafetyUnit
        inspections(first: 10) {
          totalCount
          nodes {
            inspectedOn
            result
            findings
          }
        }
        penalties(first: 10) {
          totalCount
          nodes {
            decisionNumber
            penaltyType
          }
        }
        accidents(first: 10) {
          totalCount
          nodes {
            occurredOn
            level
          }
        }
        listEntries(first: 10) {
          totalCount
          nodes {
            list
          }
        }
      }
    }
  }
`;

export const enterpriseAllDepartments: Scenario = {
  name: 'enterprise-all-departments',
  description: '`enterprise(creditCode:)` with registration, persons and all five department sections, from the store',
  baseline: 'typename',
  body: (w) => ({ query: ENTERPRISE_ALL_DEPARTMENTS, variables: { code: w.richEnterprises[0] } }),
};

/** The same profile, each request of the load taking the next of up to ten such enterprises (concurrent requests differ). */
export const enterpriseAllDepartmentsVaried: Scenario = {
  name: 'enterprise-all-departments-varied',
  description: 'the same profile, cycling through up to ten enterprises with records in all five departments',
  baseline: 'typename',
  body: (w) => ({ query: ENTERPRISE_ALL_DEPARTMENTS, variables: { code: w.richEnterprises[0] } }),
  bodies: (w) => w.richEnterprises.map((code) => ({ query: ENTERPRISE_ALL_DEPARTMENTS, variables: { code } })),
};

/** Issue 20's baseline: the same profile from the same tables through PostGraphile (bench/postgraphile.ts). */
export const postgraphileProfile: Scenario = {
  name: 'postgraphile-profile',
  description:
    'the same profile from the same tables through PostGraphile 4 (no auth, policy, masking or provenance), in a process of its own',
  baseline: 'typename',
  server: 'postgraphile',
  body: (w) => ({ query: POSTGRAPHILE_PROFILE, variables: { code: w.richEnterprises[0] } }),
};

/** Issue 20: the same profile through the federated gateway (hub subgraph only), against the hub direct. */
export const gatewayProfile: Scenario = {
  name: 'gateway-profile',
  description:
    'the same profile through the Apollo Federation gateway in front of the hub (query planning, a subgraph request), against the hub answering it directly',
  baseline: 'enterprise-all-departments',
  server: 'gateway',
  body: (w) => ({ query: ENTERPRISE_ALL_DEPARTMENTS, variables: { code: w.richEnterprises[0] } }),
};
