/** A tiny GraphQL-over-HTTP client for tests and the bench (real HTTP, no shortcuts). */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  ms: number;
}

/** Default bearer token per hub URL (hub-world registers an admin token), used when a call passes no Authorization. */
const defaultTokens = new Map<string, string>();
export function registerToken(url: string, token: string): void {
  defaultTokens.set(url, token);
}
/** Headers carrying the default token of a hub (for raw fetch calls). */
export function authHeaders(url: string): Record<string, string> {
  const t = defaultTokens.get(url);
  return t ? { authorization: `Bearer ${t}` } : {};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const t0 = Date.now();
  // a call with its own credentials (a session cookie too) gets no default token: a bearer would win over the cookie
  const explicit = Object.keys(headers).some((h) => ['authorization', 'x-api-key', 'cookie'].includes(h.toLowerCase()));
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(explicit ? {} : authHeaders(url)), ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = (await res.json()) as { data?: T | null; errors?: GraphQLResponse['errors'] };
  return { status: res.status, data: body.data ?? null, errors: body.errors, ms: Date.now() - t0 };
}
