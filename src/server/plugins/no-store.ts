import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../kernel/context.js';

/** Answers carry names and decisions: never cached. */
export function useNoStore(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set('cache-control', 'no-store');
        },
      };
    },
  };
}
