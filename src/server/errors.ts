/**
 * The one small catalogue of error codes the hub answers with. Anything else is masked as
 * INTERNAL_SERVER_ERROR in responses and logged with the request id.
 */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
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
