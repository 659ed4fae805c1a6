/**
 * The one small catalogue of error codes the hub answers with. Anything else is masked as
 * INTERNAL_SERVER_ERROR in responses and logged with the request id (the Apollo plugins that report them are in
 * src/server/plugins/).
 */
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

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
    extensions: {
      code: 'BUSY',
      retryAfterSeconds,
      ...extra,
      http: { status: 503, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

/** True for errors made on purpose (a code from the catalogue, other than internal). */
export function isDeliberate(code: unknown): boolean {
  return typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR';
}
