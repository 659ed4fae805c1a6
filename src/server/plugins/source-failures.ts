import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../kernel/context.js';

/**
 * Live-read failures recorded during execution (the section fell back to stored data, so no resolver
 * threw) are added to the response's errors, each at its section's path with the source and reason, as
 * SOURCE_UNAVAILABLE.
 */
export function useSourceFailures(): ApolloServerPlugin<HubContext> {
  return {
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
}
