/**
 * The one small catalogue of error codes the hub answers with. Anything else is masked as
 * INTERNAL_SERVER_ERROR in responses and logged with the request id.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import { withdrawDisclosures } from '../person/disclosure.js';
import type { HubContext } from './context.js';

export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'SOURCE_UNAVAILABLE',
  'BUSY',
  'AUDIT_FAILED',
  'INTERNAL_SERVER_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Bad input: names the argument or input field and the reason. */
export function badInput(field: string, reason: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${field}: ${reason}`, { extensions: { code: 'BAD_USER_INPUT', field, reason, ...extra } });
}

export function notFound(what: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${what} not found`, { extensions: { code: 'NOT_FOUND', ...extra } });
}

export function sourceUnavailable(source: string, reason: string, message: string): GraphQLError {
  return new GraphQLError(`${source} is unavailable: ${message}`, {
    extensions: { code: 'SOURCE_UNAVAILABLE', source, reason },
  });
}

/**
 * The hub is at its limit for this kind of work right now: try again shortly (nothing was changed). Answered
 * with HTTP 503 and Retry-After (Apollo's `http` error extension), as load balancers and clients expect.
 */
export function busy(what: string, retryAfterSeconds: number, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${what}: too many at once, try again in ${retryAfterSeconds} s`, {
    extensions: { code: 'BUSY', retryAfterSeconds, ...extra, http: { status: 503, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) } },
  });
}

/** True for errors made on purpose (a code from the catalogue, other than internal). */
export function isDeliberate(code: unknown): boolean {
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR';
}

/**
 * Apollo plugin: live-read failures recorded during execution (the section fell back to stored data,
 * so no resolver threw) are added to the response's errors, each at its section's path with the
 * source and reason, as SOURCE_UNAVAILABLE.
 */
export const sourceFailurePlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        const failures = contextValue.sourceFailures;
        if (!failures?.length || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        result.errors = [
          ...(result.errors ?? []),
          ...failures.map((f) => ({
            message: `${f.source} is unavailable (${f.reason}): ${f.message}; stored data shown, marked stale`,
            path: f.path,
            extensions: { code: 'SOURCE_UNAVAILABLE', source: f.source, reason: f.reason, fallback: 'STORED' },
          })),
        ];
      },
    };
  },
};

/**
 * Apollo plugin: when the audit row of a clear disclosure could not be written, the answer holds masked
 * values only (clear values resolved earlier in the request are withdrawn) and says so with AUDIT_FAILED.
 */
export const auditFailurePlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (!contextValue.auditFailures?.length || response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (result.data) result.data = withdrawDisclosures(contextValue, result.data) as typeof result.data;
        result.errors = [
          ...(result.errors ?? []),
          {
            message: 'the audit entry of a clear disclosure of personal information could not be written; personal information is shown masked',
            extensions: { code: 'AUDIT_FAILED', reason: contextValue.auditFailures[0]!.reason, messageZh: '个人信息明文查看的审计记录写入失败，本次结果中的个人信息均已脱敏' },
          },
        ];
      },
    };
  },
};

/** Quality the Accept header gives a media type (the most specific matching range wins; absent → 0). */
function acceptQuality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';').map((x) => x.trim());
    if (!range) continue;
    const specificity = range === type ? 3 : range === `${major}/*` ? 2 : range === '*/*' ? 1 : 0;
    if (specificity <= best || specificity === 0) continue;
    best = specificity;
    const qp = params.find((p) => p.startsWith('q='));
    q = qp ? Number(qp.slice(2)) || 0 : 1;
  }
  return q;
}

/**
 * The media type Apollo answers in: application/graphql-response+json only when the client prefers it to
 * application/json (no Accept, or a tie, is application/json, as the GraphQL-over-HTTP spec says).
 */
export function answersGraphqlResponseJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return acceptQuality(accept, 'application/graphql-response+json') > acceptQuality(accept, 'application/json');
}

/** Codes of request errors: the document did not parse or validate, or the variables did not coerce (nothing ran). */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

/**
 * Apollo plugin: the status of request errors as the GraphQL-over-HTTP spec asks. In
 * application/graphql-response+json a document that does not parse or validate (limits included) or
 * variables that do not coerce answer 400; in application/json — which older clients read as a transport
 * failure when it is not 2xx — such a well-formed request answers 200 with its errors. Never 500: a
 * client's mistake is not the server's failure. Errors with their own status (401, 429, 503) keep it.
 */
export const requestErrorStatusPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart({ request }) {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        // a request error has no data at all (execution never started)
        if ('data' in result || !result.errors?.length) return;
        if (!result.errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) return;
        if (response.http.status !== undefined && response.http.status !== 400 && response.http.status !== 500) return;
        response.http.status = answersGraphqlResponseJson(request.http?.headers.get('accept')) ? 400 : 200;
      },
    };
  },
};

/**
 * The argument (or input field) a request error is about, found in the document: the one whose value is
 * the variable named by a coercion error, or whose literal value starts where a validation error points.
 */
function argumentOf(document: DocumentNode, e: GraphQLError): string | null {
  const variable = /^Variable "\$(\w+)" got invalid value/.exec(e.message)?.[1];
  const position = e.positions?.[0];
  if (!variable && position === undefined) return null;
  let found: string | null = null;
  const check = (name: string, value: ValueNode) => {
    if (found) return;
    if (variable ? value.kind === Kind.VARIABLE && value.name.value === variable : value.loc?.start === position) found = name;
  };
  visit(document, {
    Argument: (n) => check(n.name.value, n.value),
    ObjectField: (n) => check(n.name.value, n.value),
  });
  return found;
}

/**
 * Apollo plugin: a variable that does not coerce, or a literal that does not validate (a bad Date, say),
 * names the argument it was given for in `extensions.field`, as errors raised by resolvers do.
 */
export const argumentNamingPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, document }) {
        if (!document) return;
        for (const e of errors) {
          const code = e.extensions?.code;
          if ((code !== 'BAD_USER_INPUT' && code !== 'GRAPHQL_VALIDATION_FAILED') || e.extensions.field !== undefined) continue;
          const field = argumentOf(document, e);
          if (field) (e.extensions as Record<string, unknown>).field = field;
        }
      },
    };
  },
};
