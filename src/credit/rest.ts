/**
 * The joint-punishment check over plain REST, for approval systems that do not speak GraphQL.
 * It runs the very same GraphQL operation, so both answers carry the same fields and values.
 */
import express, { type Router } from 'express';
import { execute, parse, type GraphQLSchema } from 'graphql';
import type { HubContext } from '../server/context.js';
import { openApiDocument } from './openapi.js';
import { renderCheckPage } from './print.js';

export const CHECK_FIELDS = `
  checkId checkedAt matter asOf decision summary catalogueVersion printUrl
  enterprise { creditCode name status industryCode }
  hits { entryId list department reason legalBasis decisionNumber startDate endDate subject personName personIdNumber banScope }
  measures { code text applyingDepartment effect mandatory legalBasis triggeredBy }
  personsChecked { idNumber name roles }
  sources { source department lastSyncedAt stale }
  feedback { id action note measuresApplied recordedBy recordedAt }`;

const RUN = parse(`mutation Run($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${CHECK_FIELDS} } }`);
const GET = parse(`query Get($id: ID!) { check(checkId: $id) { ${CHECK_FIELDS} } }`);

const STATUS_OF: Record<string, number> = { BAD_USER_INPUT: 400, UNAUTHENTICATED: 401, FORBIDDEN: 403, NOT_FOUND: 404, SOURCE_UNAVAILABLE: 503, BUSY: 503 };

export function jointPunishmentRouter(schema: GraphQLSchema, contextFor: (req: express.Request) => Promise<HubContext>): Router {
  const r = express.Router();
  r.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  r.post('/api/v1/joint-punishment-checks', express.json({ limit: '64kb' }), async (req, res, next) => {
    try {
      const ctx = await contextFor(req);
      const result = await execute({ schema, document: RUN, variableValues: { input: req.body ?? {} }, contextValue: ctx });
      if (result.errors?.length) {
        const e = result.errors[0]!;
        const code = String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
        if (!(code in STATUS_OF) && code !== 'BAD_USER_INPUT') ctx.log.error({ err: e.originalError ?? e }, 'REST check failed');
        const known = code in STATUS_OF;
        // request errors (variable coercion: missing matter, unknown enum) have no path and no code: bad input
        const status = known ? STATUS_OF[code]! : e.path ? 500 : 400;
        res.status(status).json({
          error: {
            code: known ? code : status === 400 ? 'BAD_USER_INPUT' : 'INTERNAL_SERVER_ERROR',
            message: status === 500 ? 'Internal server error' : e.message,
            ...(status === 500 ? {} : { details: e.extensions }),
          },
        });
        return;
      }
      res.status(201).json((result.data as { runJointPunishmentCheck: unknown }).runJointPunishmentCheck);
    } catch (err) {
      next(err);
    }
  });
  r.get('/checks/:checkId', async (req, res, next) => {
    try {
      const ctx = await contextFor(req);
      const result = await execute({ schema, document: GET, variableValues: { id: req.params.checkId }, contextValue: ctx });
      const check = (result.data as { check: Parameters<typeof renderCheckPage>[0] | null } | null)?.check;
      if (result.errors?.length || !check) {
        res.status(result.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT' ? 400 : 404).type('html').send('<!doctype html><meta charset="utf-8"><p>未找到该核查记录 Check not found</p>');
        return;
      }
      res.type('html').send(renderCheckPage(check));
    } catch (err) {
      next(err);
    }
  });
  return r;
}
