import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../kernel/context.js';
import { isDeliberate } from '../../kernel/errors.js';

/** Errors thrown by accident are logged with the request id (the response masks them: formatError in app.ts). */
export function useErrorLog(): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const e of errors) {
            if (!isDeliberate(e.extensions?.code)) contextValue.log.error({ err: e.originalError ?? e, path: e.path }, 'internal error');
          }
        },
      };
    },
  };
}
