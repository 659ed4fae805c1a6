/**
 * The joint-punishment check over plain REST, for approval systems that do not speak GraphQL.
 * Every route runs the very same GraphQL operation (with the policy-wrapped schema), so both answer the
 * same fields and values, and the same rules and access policy apply. Errors are JSON
 * `{ error: { code, message, messageZh?, field?, reason? } }` with GraphQL's codes, never HTML.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { execute, GraphQLError, parse, type GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import type { HubContext } from '../kernel/context.js';
import { cspNonce, setHtmlSecurityHeaders } from '../kernel/html.js';
import { openApiDocument } from './openapi.js';
import { checkPageCsp, renderCheckPage } from './print.js';

const FEEDBACK_FIELDS = `id action note measuresApplied recordedBy recordedByName office amends recordedAt`;
export const CHECK_FIELDS = `
  checkId checkedAt matter asOf decision summary catalogueVersion policyVersion statusBasis printUrl caseNumber office checkedByName feedbackStatus
  enterprise { creditCode name status industryCode }
  hits { entryId list department reason legalBasis decisionNumber startDate endDate subject personName personIdNumber banScope
    listedEnterprise { creditCode name role legalBasis } }
  measures { code text applyingDepartment effect mandatory legalBasis triggeredBy }
  personsChecked { idNumber name roles }
  sources { source department lastSyncedAt stale }
  feedback { ${FEEDBACK_FIELDS} }`;

const RUN = parse(`mutation Run($input: JointPunishmentCheckInput!) { runJointPunishmentCheck(input: $input) { ${CHECK_FIELDS} } }`);
const GET = parse(`query Get($id: ID!) { check(checkId: $id) { ${CHECK_FIELDS} } }`);
const LIST = parse(`query List($filter: CheckFilter, $first: Int, $after: String) {
  checks(filter: $filter, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { ${CHECK_FIELDS} } } } }`);
const FEEDBACK = parse(`mutation Feedback($id: ID!, $action: FeedbackAction!, $note: String, $measuresApplied: [String!], $amends: ID) {
  recordCheckFeedback(checkId: $id, action: $action, note: $note, measuresApplied: $measuresApplied, amends: $amends) { ${FEEDBACK_FIELDS} } }`);

const STATUS_OF: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  SOURCE_UNAVAILABLE: 503,
  BUSY: 503,
};

/** The Chinese sentence of an error without its own (the console and approval systems show it to a person). */
const ZH_OF: Record<string, string> = {
  BAD_USER_INPUT: '请求参数有误',
  UNAUTHENTICATED: '请先登录或提供有效的访问凭证',
  FORBIDDEN: '您没有执行此操作的权限',
  NOT_FOUND: '未找到请求的资源',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  SOURCE_UNAVAILABLE: '部门数据源暂不可用，请稍后再试',
  BUSY: '系统繁忙，请稍后再试',
  INTERNAL_SERVER_ERROR: '系统内部错误，请稍后再试或联系管理员',
};

export interface RestError {
  code: string;
  message: string;
  messageZh?: string;
  field?: string;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Sends one JSON error (never cached). */
export function sendError(res: Response, status: number, e: RestError): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json({ error: { ...e, messageZh: e.messageZh ?? ZH_OF[e.code] } });
}

/** The first GraphQL error as an HTTP status and a REST error. */
function sendGraphqlError(res: Response, log: Logger | undefined, e: GraphQLError, paramOf: (field: string) => string = (f) => f): void {
  const ext = (e.extensions ?? {}) as Record<string, unknown>;
  const given = typeof ext.code === 'string' ? ext.code : null;
  const known = given !== null && given in STATUS_OF;
  // request errors (variable coercion: missing matter, unknown enum, wrong type) have no path and no code: bad input
  const status = known ? STATUS_OF[given]! : e.path ? 500 : 400;
  if (status === 500) {
    log?.error({ err: e.originalError ?? e }, 'REST request failed');
    sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    return;
  }
  const code = known ? given : 'BAD_USER_INPUT';
  if (code === 'BUSY' && typeof ext.retryAfterSeconds === 'number') res.setHeader('Retry-After', String(ext.retryAfterSeconds));
  const { code: _c, http: _h, messageZh, field: argument, reason, canonical, ...rest } = ext;
  // the field as the client sent it (a query parameter may stand for an argument of the operation)
  const field = typeof argument === 'string' ? paramOf(argument) : argument;
  sendError(res, status, {
    code,
    message: e.message,
    ...(typeof messageZh === 'string' ? { messageZh } : {}),
    ...(typeof field === 'string' ? { field } : {}),
    ...(typeof reason === 'string' ? { reason } : {}),
    // a non-canonical identifier: the form to send instead (src/kernel/validate.ts)
    ...(typeof canonical === 'string' ? { canonical } : {}),
    ...(Object.keys(rest).length ? { details: { field, reason, ...rest } } : {}),
  });
}

type Run = (
  req: Request,
  res: Response,
  document: ReturnType<typeof parse>,
  variables: Record<string, unknown>,
  paramOf?: (field: string) => string,
) => Promise<{ data: Record<string, unknown> } | null>;

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function jointPunishmentRouter(schema: GraphQLSchema, contextFor: (req: Request) => Promise<HubContext>): Router {
  const r = express.Router();
  const json = express.json({ limit: '64kb' });

  /** Runs an operation; on error answers it and returns null. */
  const run: Run = async (req, res, document, variables, paramOf) => {
    const ctx = await contextFor(req);
    const result = await execute({ schema, document, variableValues: variables, contextValue: ctx });
    if (result.errors?.length) {
      sendGraphqlError(res, ctx.log, result.errors[0]!, paramOf);
      return null;
    }
    res.setHeader('Cache-Control', 'no-store');
    return { data: result.data as Record<string, unknown> };
  };
  const badInput = (res: Response, field: string, message: string, messageZh: string) =>
    sendError(res, 400, { code: 'BAD_USER_INPUT', message: `${field}: ${message}`, messageZh, field });
  const checkId = (req: Request, res: Response): string | null => {
    const id = String(req.params.id);
    if (UUID_RE.test(id)) return id;
    badInput(res, 'id', 'not a check id (UUID)', '核查编号格式不正确');
    return null;
  };

  // public (src/server/auth.ts isPublicRequest): approval-system developers read it before they hold a key
  r.get('/api/v1/openapi.json', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(openApiDocument(`${req.protocol}://${req.get('host') ?? 'localhost'}`));
  });

  r.post('/api/v1/joint-punishment-checks', json, async (req, res, next) => {
    try {
      const out = await run(req, res, RUN, { input: req.body ?? {} });
      if (out) res.status(201).json(out.data.runJointPunishmentCheck);
    } catch (err) {
      next(err);
    }
  });

  r.get('/api/v1/joint-punishment-checks', async (req, res, next) => {
    try {
      const q = req.query;
      const one = (k: string): string | undefined => (typeof q[k] === 'string' ? (q[k] as string) : undefined);
      let first: number | undefined;
      if (one('first') !== undefined) {
        first = Number(one('first'));
        if (!/^\d+$/.test(one('first')!)) return badInput(res, 'first', 'not a positive integer', '每页条数应为正整数');
      }
      const bool = (k: string): boolean | undefined | 'bad' => {
        const v = one(k);
        if (v === undefined) return undefined;
        return v === 'true' ? true : v === 'false' ? false : 'bad';
      };
      const awaiting = bool('awaitingFeedback');
      const mine = bool('mine');
      if (awaiting === 'bad') return badInput(res, 'awaitingFeedback', 'must be true or false', 'awaitingFeedback 应为 true 或 false');
      if (mine === 'bad') return badInput(res, 'mine', 'must be true or false', 'mine 应为 true 或 false');
      const filter = { caseNumber: one('caseNumber'), creditCode: one('creditCode'), awaitingFeedback: awaiting, mine };
      // errors name the query parameter the client sent (caseNumber), not the operation's argument (filter.caseNumber)
      const out = await run(req, res, LIST, { filter, first, after: one('after') }, (f) => f.replace(/^filter\./, ''));
      if (!out) return;
      const page = out.data.checks as { totalCount: number; pageInfo: unknown; edges: { node: unknown }[] };
      res.json({ totalCount: page.totalCount, items: page.edges.map((e) => e.node), pageInfo: page.pageInfo });
    } catch (err) {
      next(err);
    }
  });

  r.get('/api/v1/joint-punishment-checks/:id', async (req, res, next) => {
    try {
      const id = checkId(req, res);
      if (!id) return;
      const out = await run(req, res, GET, { id });
      if (!out) return;
      // another office's check answers as an unknown one does
      if (!out.data.check)
        sendError(res, 404, { code: 'NOT_FOUND', message: `check ${id} not found`, messageZh: '未找到该核查记录', field: 'id' });
      else res.json(out.data.check);
    } catch (err) {
      next(err);
    }
  });

  r.post('/api/v1/joint-punishment-checks/:id/feedback', json, async (req, res, next) => {
    try {
      const id = checkId(req, res);
      if (!id) return;
      const body = req.body as Record<string, unknown> | undefined;
      if (!body || typeof body !== 'object' || Array.isArray(body))
        return badInput(res, 'body', 'send a JSON object { action, note, measuresApplied, amends }', '请求体应为 JSON 对象');
      const amends = typeof body.amends === 'number' ? String(body.amends) : body.amends;
      const out = await run(req, res, FEEDBACK, {
        id,
        action: body.action,
        note: body.note,
        measuresApplied: body.measuresApplied,
        amends,
      });
      if (out) res.status(201).json(out.data.recordCheckFeedback);
    } catch (err) {
      next(err);
    }
  });

  r.get('/checks/:checkId', async (req, res, next) => {
    try {
      const nonce = cspNonce();
      setHtmlSecurityHeaders(res, checkPageCsp(nonce));
      const ctx = await contextFor(req);
      const result = await execute({ schema, document: GET, variableValues: { id: req.params.checkId }, contextValue: ctx });
      const check = (result.data as { check: Parameters<typeof renderCheckPage>[0] | null } | null)?.check;
      if (result.errors?.length || !check) {
        // the same statuses as the JSON API: refused by role 403, bad id 400, unknown or another office's 404
        const code = result.errors?.[0]?.extensions?.code;
        const [status, text] =
          code === 'FORBIDDEN'
            ? [403, '您没有查看核查记录的权限 Forbidden']
            : code === 'BAD_USER_INPUT'
              ? [400, '核查编号格式不正确 Bad check id']
              : [404, '未找到该核查记录 Check not found'];
        res.status(status).type('html').send(`<!doctype html><meta charset="utf-8"><title>${text}</title><p>${text}</p>`);
        return;
      }
      res.type('html').send(renderCheckPage(check, nonce));
    } catch (err) {
      next(err);
    }
  });

  return r;
}

/** Unknown /api paths: a JSON 404 (mount after every /api route). */
export function apiNotFound(req: Request, res: Response): void {
  sendError(res, 404, {
    code: 'NOT_FOUND',
    message: `no such endpoint: ${req.method} ${req.originalUrl.split('?')[0]}`,
    messageZh: '接口不存在',
  });
}

/** Errors under /api as JSON: body-parser failures go on to bodyErrorHandler (same codes as /graphql); anything else is masked (500) and logged. */
export const apiErrorHandler =
  (log?: Logger) =>
  (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(err);
      return;
    }
    // body-parser's own failures (malformed, too large, bad charset) answer as on /graphql: bodyErrorHandler
    if ((err as { type?: string } | null)?.type) {
      next(err);
    } else if (err instanceof GraphQLError && typeof err.extensions?.code === 'string' && err.extensions.code in STATUS_OF) {
      // refused while reading the request's headers (an unknown X-Purpose): the client's mistake, with its code
      sendGraphqlError(res, log, err);
    } else {
      log?.error({ err }, 'REST request failed');
      sendError(res, 500, { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' });
    }
  };
