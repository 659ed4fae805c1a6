/** The bench report: its JSON shape and its markdown rendering. */
import type { CopyBaseline } from './baselines.js';
import type { LoadResult, timeLoop } from './load.js';
import type { WorldFigures } from './world.js';

export interface HttpResult {
  name: string;
  description: string;
  group: string;
  baseline: string | null;
  connections: number;
  expect: 'ok' | 'refused';
  checkedStatus: number;
  checkedError: string | null;
  load: LoadResult;
  /** 1-minute load average right after the measurement (other work on the machine shows here) */
  loadAverage?: number;
  /** against the baseline scenario: throughput = req/s ÷ baseline req/s; p50/p99 = latency ÷ baseline latency */
  ratio: { throughput: number; p50: number; p99: number } | null;
}

export interface SqlComparison {
  name: string;
  description: string;
  rows: number;
  sameResult: boolean;
  difference: string | null;
  http: { p50Ms: number; p99Ms: number; requestsPerSecond: number };
  sql: Awaited<ReturnType<typeof timeLoop>>;
  p50Ratio: number;
  p99Ratio: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  world: WorldFigures | null;
  http: HttpResult[];
  analyticsVsSql: SqlComparison[];
  compliance: {
    bulk: { projects: number; findings: number; seconds: number; projectsPerSecond: number; byStatus: Record<string, number> };
    baseline: { what: string; seconds: number };
    ratio: number;
    bigProject: { projectCode: string; contracts: number } | null;
  } | null;
  gaps: string[];
  /** comparisons across scenarios (e.g. the hub against PostGraphile) */
  notes: string[];
}

const n = (x: number) => x.toLocaleString('en-US');
const copyLine = (b: CopyBaseline) =>
  `${n(b.rows)} rows, ${(b.bytes / 2 ** 20).toFixed(1)} MiB in ${b.seconds} s = **${n(b.rowsPerSecond)} rows/s** (${b.what})`;

function httpTable(rows: HttpResult[]): string[] {
  return [
    '| scenario | conns | req/s | p50 ms | p99 ms | max ms | statuses | errors | req/s ratio | p50 ratio | p99 ratio | load 1 min |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.connections} | ${n(Math.round(r.load.requestsPerSecond))} | ${r.load.p50Ms} | ${r.load.p99Ms} | ${r.load.maxMs} | ${Object.entries(
          r.load.statusCodes,
        )
          .map(([k, v]) => `${k}×${n(v)}`)
          .join(
            ' ',
          )} | ${r.load.errors} | ${r.ratio ? r.ratio.throughput : '—'} | ${r.ratio ? r.ratio.p50 : '—'} | ${r.ratio ? r.ratio.p99 : '—'} | ${r.loadAverage ?? '—'} |`,
    ),
    '',
    ...rows.map(
      (r) =>
        `- **${r.name}**: ${r.description}${r.expect === 'refused' ? ` — refused with HTTP ${r.checkedStatus}: “${(r.checkedError ?? '').slice(0, 120)}”` : ''}`,
    ),
    '',
  ];
}

export function renderMarkdown(r: BenchReport): string {
  const m = r.machine as {
    cpuModel: string;
    cpuCount: number;
    memoryGiB: number;
    os: string;
    node: string;
    postgres: string;
    loadAverageAtStart: number[];
  };
  const o = r.options as {
    enterprises: number;
    durationS: number;
    connections: number;
    seed: number;
    scale: boolean;
    riskPerBatch: boolean;
  };
  const out: string[] = [
    `# Bench ${r.startedAt}${o.scale ? ' (scale)' : ''}`,
    '',
    `- Machine: ${m.cpuModel} × ${m.cpuCount}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${m.postgres} on the same machine. Load average at start ${m.loadAverageAtStart.join(' / ')}.`,
    `- Run: ${r.startedAt} → ${r.finishedAt}. Options: ${JSON.stringify(r.options)}.`,
    `- Load: autocannon in a child process, ${o.connections} connections unless stated, ${o.durationS} s per scenario after a 2 s warm-up, loopback. Ratios are against a baseline measured in this run.`,
    '',
  ];
  const w = r.world;
  if (w) {
    out.push(
      '## Generation (issue 2)',
      '',
      `- \`generateInto\` of ${n(w.generation.enterprises)} enterprises (list density ${w.generation.listDensity ?? 1}) into the five department systems: **${w.generation.seconds} s**, ${n(w.generation.rows)} rows = **${n(w.generation.rowsPerSecond)} rows/s** (${Object.entries(
        w.generation.bySource,
      )
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}).`,
      `- Baseline, raw COPY: ${copyLine(w.generation.baseline)}.`,
      `- Ratio: **${w.generation.ratio}** of raw COPY's rows/s (the generator also builds the world: names, codes, planted cases, five wire formats).`,
      '',
      '## Sync (issue 8)',
      '',
      `- Full sync of the generated world (five connectors over HTTP / SQL / files, COPY into staging + set-based upsert, linking, quarantine): **${w.fullSync.seconds} s**, ${n(w.fullSync.read)} records read (${n(w.fullSync.written)} written, ${n(w.fullSync.unchanged)} unchanged, ${n(w.fullSync.quarantined)} quarantined) = **${n(w.fullSync.recordsPerSecond)} records/s**.`,
      `- Baseline, raw COPY into a staging table: ${copyLine(w.fullSync.baseline)}.`,
      `- Ratio: **${w.fullSync.ratio}** of raw COPY's rows/s.`,
      `- Risk scores (issue 6) for the first load: ${w.fullSync.riskRecompute.mode}, ${n(w.fullSync.riskRecompute.enterprises)} enterprises in ${w.fullSync.riskRecompute.seconds} s (not in the sync time above unless per-batch).`,
      `- Incremental second run after ${w.incrementalSync.touched} hidden dangers changed at the emergency source${w.incrementalSync.touchError ? ` (touch stopped: ${w.incrementalSync.touchError})` : ''}: **${w.incrementalSync.seconds} s**, ${n(w.incrementalSync.read)} read, ${n(w.incrementalSync.written)} written, ${n(w.incrementalSync.unchanged)} unchanged (risk rescoring per batch: ${w.incrementalSync.riskHookSeconds} s). Ratio to the full sync: ${(w.incrementalSync.seconds / Math.max(w.fullSync.seconds, 1e-3)).toFixed(4)} of its time.`,
      '',
      '| connector | status | read | written | unchanged | quarantined | batches |',
      '|---|---|---:|---:|---:|---:|---:|',
      ...w.fullSync.runs.map(
        (x) => `| ${x.connector} | ${x.status} | ${n(x.read)} | ${n(x.written)} | ${n(x.unchanged)} | ${n(x.quarantined)} | ${x.batches} |`,
      ),
      '',
      `Store after sync: ${n(w.store.enterprises)} enterprises, ${n(w.store.records)} records with provenance, ${n(w.store.listEntries)} list entries, ${n(w.store.projects)} projects, ${n(w.store.contracts)} contracts.`,
      '',
    );
  }
  const groups = [...new Set(r.http.map((h) => h.group))];
  for (const g of groups) {
    out.push(
      `## ${g === 'HTTP (issue 3)' ? 'HTTP scenarios (issue 3), baseline `{ __typename }`' : `${g}, baseline \`{ __typename }\``}`,
      '',
    );
    // issue 4's targets are set for a store of a given size: say which store these checks ran against
    if (g.startsWith('Joint punishment') && w)
      out.push(`Checked against a store of ${n(w.store.enterprises)} enterprises and ${n(w.store.listEntries)} list entries.`, '');
    out.push(...httpTable(r.http.filter((h) => h.group === g)));
  }
  if (r.analyticsVsSql.length) {
    out.push(
      '## Analytics vs plain SQL (issue 6), one connection',
      '',
      'Each filter through the hub (HTTP, auth, GraphQL, the where compiler, the risk loader) against the same answer from plain SQL through one pg client (the compiled statement for filters, a hand-written GROUP BY for the aggregate).',
      '',
      '| scenario | rows | same result | hub p50 ms | hub p99 ms | SQL p50 ms | SQL p99 ms | p50 ratio | p99 ratio |',
      '|---|---:|---|---:|---:|---:|---:|---:|---:|',
      ...r.analyticsVsSql.map(
        (a) =>
          `| ${a.name} | ${a.rows} | ${a.sameResult ? 'yes' : `**no**: ${a.difference}`} | ${a.http.p50Ms} | ${a.http.p99Ms} | ${a.sql.p50Ms} | ${a.sql.p99Ms} | ${a.p50Ratio} | ${a.p99Ratio} |`,
      ),
      '',
    );
  }
  if (r.compliance) {
    const c = r.compliance;
    out.push(
      '## Compliance bulk run (issue 5)',
      '',
      `- \`runProjectChecks\` over every project (chunks of 500, set-based loads): **${n(c.bulk.projects)} projects in ${c.bulk.seconds} s = ${n(c.bulk.projectsPerSecond)} projects/s**, ${n(c.bulk.findings)} findings (${Object.entries(
        c.bulk.byStatus,
      )
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')}).`,
      `- Baseline: ${c.baseline.what}: ${c.baseline.seconds} s. Ratio: **${c.ratio}×** the plain read's time.`,
      c.bigProject
        ? `- projectCheck over HTTP is the \`project-check-50-contracts\` row above (project ${c.bigProject.projectCode}, ${c.bigProject.contracts} contracts).`
        : '',
      '',
    );
  }
  if (r.notes?.length) out.push('## Comparisons', '', ...r.notes.map((x) => `- ${x}`), '');
  if (r.gaps.length) out.push('## Not measured in this run', '', ...r.gaps.map((g) => `- ${g}`), '');
  return out.join('\n');
}
