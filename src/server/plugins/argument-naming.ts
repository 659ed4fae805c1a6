import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, visit, type DocumentNode, type GraphQLError, type ValueNode } from 'graphql';
import type { HubContext } from '../../kernel/context.js';

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
 * A variable that does not coerce, or a literal that does not validate (a bad Date, say), names the
 * argument it was given for in `extensions.field`, as errors raised by resolvers do.
 */
export function useArgumentNaming(): ApolloServerPlugin<HubContext> {
  return {
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
}
