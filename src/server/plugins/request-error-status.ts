import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** Quality the Accept header gives a media type (the most specific matching range wins; absent → 0). */
function acceptQuality(accept: string, type: string): number {
  const [major] = type.split('/');
  let best = -1;
  let q = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part
      .trim()
      .toLowerCase()
      .split(';')
      .map((x) => x.trim());
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
 * The status of request errors as the GraphQL-over-HTTP spec asks. In application/graphql-response+json a
 * document that does not parse or validate (limits included) or variables that do not coerce answer 400; in
 * application/json — which older clients read as a transport failure when it is not 2xx — such a well-formed
 * request answers 200 with its errors. Never 500: a client's mistake is not the server's failure. Errors with
 * their own status (401, 429, 503) keep it. The hub and the gateway both use it.
 */
export function useRequestErrorStatus<C extends BaseContext>(): ApolloServerPlugin<C> {
  return {
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
}
