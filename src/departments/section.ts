/**
 * A department's section of an enterprise: where its data come from (stored / live / stored as
 * fallback, asOf, stale) and lazy access to its lists, so a query pays only for the lists it asks for.
 * Stored lists come from the per-kind DataLoaders (one query per kind for all enterprises of the
 * request); live ones from the source's live DataLoader (one call per source per batch of 100).
 */
import { responsePathAsArray, type GraphQLResolveInfo } from 'graphql';
import type { Department } from '../domain/canonical.js';
import type { EnterpriseRow } from '../enterprise/store.js';
import type { HubContext } from '../kernel/context.js';
import type { ItemKind, ItemViews } from '../records/views.js';

export type Freshness = 'STORED' | 'LIVE';
export type DataMode = 'STORED' | 'LIVE' | 'STORED_FALLBACK';

export interface SectionView {
  department: Department;
  source: string;
  sourceTitle: string | null;
  creditCode: string;
  asOf: Date | null;
  stale: boolean;
  mode: DataMode;
  liveError: { source: string; reason: string; message: string } | null;
  /** the enterprise's records of one kind from this department */
  items<K extends ItemKind>(kind: K): Promise<ItemViews[K][]>;
  /** the registration record as this department holds it (market) */
  registration(): Promise<EnterpriseRow | null>;
}

/** The connector serving a department (the first configured one), or a placeholder id when none is. */
export function sourceOf(ctx: HubContext, department: Department): string {
  for (const c of ctx.connectors.values()) if (c.department === department) return c.id;
  return department.toLowerCase();
}

/** Stored records of one department: the enterprise's rows of that kind whose provenance is this department. */
async function storedItems<K extends ItemKind>(ctx: HubContext, code: string, department: Department, kind: K): Promise<ItemViews[K][]> {
  const all = await ctx.loaders.items[kind].load(code);
  return all.filter((v) => v.department === department);
}

async function storedSection(ctx: HubContext, e: EnterpriseRow, department: Department, source: string): Promise<SectionView> {
  const run = await ctx.loaders.lastSuccessfulSync.load(source);
  return {
    department,
    source,
    sourceTitle: ctx.sourceSettings?.get(source)?.title ?? null,
    creditCode: e.credit_code,
    asOf: run?.finished_at ?? null,
    stale: false,
    mode: 'STORED',
    liveError: null,
    items: (kind) => storedItems(ctx, e.credit_code, department, kind),
    registration: async () => (e.department === department ? e : null),
  };
}

/**
 * The section for one enterprise. LIVE asks the source (batched with every other enterprise of the
 * request); if that fails, the stored copy is returned marked stale and the failure is recorded for the
 * response's errors at this section's path.
 */
export async function resolveSection(
  ctx: HubContext,
  e: EnterpriseRow,
  department: Department,
  freshness: Freshness,
  info: GraphQLResolveInfo,
): Promise<SectionView> {
  const source = sourceOf(ctx, department);
  if (freshness !== 'LIVE') return storedSection(ctx, e, department, source);
  // load() is called before any await so that every enterprise of the request joins the same batch
  const pending = ctx.loaders.live(source).load(e.credit_code);
  const outcome = await pending;
  if (outcome.ok) {
    const { data, fetchedAt } = outcome;
    return {
      department,
      source,
      sourceTitle: ctx.sourceSettings?.get(source)?.title ?? null,
      creditCode: e.credit_code,
      asOf: fetchedAt,
      stale: false,
      mode: 'LIVE',
      liveError: null,
      items: async (kind) => data.items[kind] ?? [],
      registration: async () => data.registration,
    };
  }
  const { error } = outcome;
  const problem = { source, reason: error.reason, message: error.message };
  ctx.sourceFailures.push({ path: responsePathAsArray(info.path) as (string | number)[], ...problem });
  const stored = await storedSection(ctx, e, department, source);
  return { ...stored, stale: true, mode: 'STORED_FALLBACK', liveError: problem };
}

/** The fields every department section shares (the DepartmentSection interface). */
export const sectionFields = {
  department: (s: SectionView) => s.department,
  source: (s: SectionView) => s.source,
  sourceTitle: (s: SectionView) => s.sourceTitle,
  asOf: (s: SectionView) => s.asOf,
  stale: (s: SectionView) => s.stale,
  mode: (s: SectionView) => s.mode,
  liveError: (s: SectionView) => s.liveError,
};

/** The freshness a section reads with: its own argument, else the one the enterprise was asked with. */
export const freshnessOf = (arg: Freshness | null | undefined, e: { freshness?: Freshness }): Freshness => arg ?? e.freshness ?? 'STORED';
