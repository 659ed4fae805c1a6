/**
 * Relay-style pagination, the one place connections and cursors are made. Cursors are opaque: base64url of
 * "<list>:<sort key>" (a key of several values is JSON inside it). A cursor that does not decode, or belongs
 * to another list, is refused naming `after`.
 */
import { badInput } from './errors.js';
import { pageSizeArg } from './validate.js';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const encodeCursor = (list: string, key: string): string => Buffer.from(`${list}:${key}`, 'utf8').toString('base64url');

/** The sort key inside a cursor of `list`, or BAD_USER_INPUT naming the argument. */
export function decodeCursor(list: string, cursor: string, field = 'after'): string {
  const unknown = () => badInput(field, 'unknown cursor: pass the endCursor or an edge cursor of a previous page of this list');
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(cursor)) throw unknown();
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(`${list}:`) || text.length === list.length + 1) throw unknown();
  // a round trip guards against bytes that are not the UTF-8 we wrote
  if (encodeCursor(list, text.slice(list.length + 1)) !== cursor.replace(/=+$/, '')) throw unknown();
  return text.slice(list.length + 1);
}

/** A cursor carrying a JSON value (base64url of its JSON): the joint-punishment check list's (checked at, check id). */
export const encodeJsonCursor = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The value inside a JSON cursor; throws on anything that is not one (the caller names the argument and the reason). */
export const decodeJsonCursor = (cursor: string): unknown => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

/**
 * A connection over one page: `nodes` in list order, each edge's cursor from `cursorOf`. A keyset page learns
 * `hasNextPage` by fetching one row more than it shows.
 */
export function connection<T>(
  nodes: T[],
  cursorOf: (node: T, i: number) => string,
  o: { totalCount: number; hasNextPage: boolean; after: string | null | undefined },
): Page<T> {
  const edges = nodes.map((node, i) => ({ cursor: cursorOf(node, i), node }));
  return {
    totalCount: o.totalCount,
    edges,
    nodes,
    pageInfo: {
      hasNextPage: o.hasNextPage,
      hasPreviousPage: Boolean(o.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Builds a page from items already in their list order (each with its unique `cursorKey`). */
export function paginate<T extends { cursorKey: string }>(list: string, items: readonly T[], args: PageArgs, maxPageSize: number): Page<T> {
  const first = pageSizeArg('first', args.first, maxPageSize);
  let rest = items;
  if (args.after) {
    const key = decodeCursor(list, args.after);
    rest = items.filter((i) => i.cursorKey > key);
  }
  const nodes = rest.slice(0, first);
  return connection(nodes, (node) => encodeCursor(list, node.cursorKey), {
    totalCount: items.length,
    hasNextPage: rest.length > nodes.length,
    after: args.after,
  });
}
