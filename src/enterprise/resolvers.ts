/** Enterprise resolvers: validate arguments, then ask the store through the request's loaders. */
import type { Resolvers } from '../generated/graphql.js';
import { badInput } from '../server/errors.js';
import { creditCodeArg } from '../server/validate.js';

export const enterpriseResolvers: Resolvers = {
  Query: {
    enterprise: async (_p, { creditCode }, ctx) => {
      const { code, checksumFailure } = creditCodeArg('creditCode', creditCode);
      const row = await ctx.loaders.enterprise.load(code);
      // a code failing its checksum answers only when exactly that code was issued and stored
      if (checksumFailure && !row?.credit_code_checksum_failed) {
        throw badInput('creditCode', `not a valid unified social credit code: ${checksumFailure}`);
      }
      return row;
    },
    ping: () => true,
  },
  Enterprise: {
    creditCode: (e) => e.credit_code,
    creditCodeChecksumFailed: (e) => e.credit_code_checksum_failed,
    orgCode: (e) => e.org_code,
    name: (e) => e.name,
    type: (e) => e.type,
    status: (e) => e.status,
    legalRepresentative: (e) => e.legal_representative,
    divisionCode: (e) => e.division_code,
    industryCode: (e) => e.industry_code,
    registeredCapital: (e) => e.registered_capital,
    establishedDate: (e) => e.established_date,
    address: (e) => e.address,
    businessScope: (e) => e.business_scope,
    provenance: (e) => e,
  },
};
