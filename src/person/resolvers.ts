/** Person lookup: by the keyed hash of the ID number; answered masked (see disclosure.ts). */
import type { Resolvers } from '../generated/graphql.js';
import { badInput } from '../kernel/errors.js';
import { idNumberArg } from '../kernel/validate.js';

/** PiiVault.personKey: an HMAC-SHA256 in lower-case hex. */
const PERSON_KEY = /^[0-9a-f]{64}$/;

export const personResolvers: Resolvers = {
  Query: {
    person: (_p, { idNumber }, ctx) => ctx.loaders.person.load(ctx.vault.personKey(idNumberArg('idNumber', idNumber))),
  },
  Person: {
    // Federation entity by @key(fields: "personKey"): the key as Person.personKey gave it (a hex HMAC), through the
    // request's loader; the fields then resolve (and mask, and audit) exactly as for Query.person
    __resolveReference: async (ref, ctx) => {
      const key = (ref as { personKey?: unknown }).personKey;
      if (typeof key !== 'string' || !PERSON_KEY.test(key))
        throw badInput('personKey', 'not a person key: pass Person.personKey as the hub gave it');
      const person = await ctx.loaders.person.load(key);
      // a copy, as the subgraph library tags what it is given with its __typename
      return person ? { ...person } : null;
    },
  },
};
