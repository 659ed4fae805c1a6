/** GraphQL of access control: the caller, the audit log (read-only; no mutation touches it), clear-or-masked phone. */
import type { Resolvers } from '../generated/graphql.js';
import { phoneFor } from '../person/disclosure.js';
import { decodeCursor, encodeCursor } from '../kernel/paging.js';
import { badInput } from '../kernel/errors.js';
import { pageSizeArg } from '../kernel/validate.js';
import { listAudit, verifyAuditChainReadOnly } from './audit.js';

export const securityResolvers: Resolvers = {
  Query: {
    me: (_p, _a, ctx) => ({
      subject: ctx.caller.subject,
      department: ctx.caller.department,
      roles: ctx.caller.roles,
      via: ctx.caller.via ?? 'jwt',
      office: ctx.caller.office ?? null,
      name: ctx.caller.name ?? null,
    }),
    lawfulPurposes: (_p, _a, ctx) => ctx.purposes.map((p) => ({ code: p.code, name: p.zh })),
    auditLog: async (_p, { filter, first, after }, ctx) => {
      const limit = pageSizeArg('first', first, ctx.config.HUB_MAX_PAGE_SIZE, 50);
      const key = after ? decodeCursor('audit', after) : null;
      // a sequence number, as this list gives out: anything else would reach the database as NaN or a huge number
      if (key !== null && !/^\d{1,15}$/.test(key))
        throw badInput('after', 'unknown cursor: pass the endCursor of a previous page of this list');
      const before = key === null ? null : Number(key);
      const page = await listAudit(ctx.ds, filter ?? {}, limit, before);
      const edges = page.entries.map((node) => ({ cursor: encodeCursor('audit', node.seq), node }));
      return {
        totalCount: page.totalCount,
        edges,
        nodes: page.entries,
        pageInfo: {
          hasNextPage: page.hasMore,
          hasPreviousPage: Boolean(after),
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
      };
    },
    auditChain: async (_p, _a, ctx) => {
      const r = await verifyAuditChainReadOnly(ctx.ds, ctx.auditAnchors?.read());
      return {
        intact: r.brokenAt === null,
        checked: r.checked,
        brokenAt: r.brokenAt === null ? null : String(r.brokenAt),
        reason: r.reason ?? null,
      };
    },
  },
  Person: {
    phone: (p, _a, ctx) => phoneFor(ctx, p),
  },
};
