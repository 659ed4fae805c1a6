/**
 * `npm run check:projects [-- --out DIR] [--as-of YYYY-MM-DD] [--chunk N]`: checks every project in the hub
 * store (资质与分包转包核查) and writes the findings per project as CSV (UTF-8 with BOM, opens in Excel) and
 * JSON lines, with a progress bar on a terminal. Projects are checked a chunk at a time with set-based loads.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify';
import { runProjectChecks } from '../compliance/service.js';
import { openHubDatabase } from './db.js';

const { values } = parseArgs({
  options: { out: { type: 'string' }, 'as-of': { type: 'string' }, chunk: { type: 'string' } },
});
const asOf = values['as-of'];
if (asOf && !/^\d{4}-\d{2}-\d{2}$/.test(asOf)) throw new Error(`--as-of: expected YYYY-MM-DD, not ${asOf}`);
const chunkSize = values.chunk ? Number(values.chunk) : 500;
if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new Error(`--chunk: expected a positive whole number, not ${values.chunk}`);

const db = await openHubDatabase();
const outDir = path.resolve(values.out ?? path.join(db.cfg.dataDir, 'reports'));
fs.mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const csvPath = path.join(outDir, `project-checks-${stamp}.csv`);
const jsonPath = path.join(outDir, `project-checks-${stamp}.jsonl`);

const csvFile = fs.createWriteStream(csvPath);
csvFile.write('\uFEFF');
const csv = stringify({
  header: true,
  columns: [
    'projectCode',
    'projectName',
    'status',
    'ruleId',
    'severity',
    'clause',
    'contractNumber',
    'creditCode',
    'parties',
    'messageZh',
    'messageEn',
    'evidence',
  ],
});
csv.pipe(csvFile);
const json = fs.createWriteStream(jsonPath);

const bar = process.stdout.isTTY
  ? new cliProgress.SingleBar(
      { format: '核查项目 {bar} {value}/{total} projects | {eta_formatted} left' },
      cliProgress.Presets.shades_classic,
    )
  : null;
let started = false;
// a stream.Writable, not NodeJS.WritableStream: the csv stringifier takes records, not only strings and bytes
const write = (stream: Writable, chunk: unknown) =>
  new Promise<void>((resolve) => (stream.write(chunk) ? resolve() : stream.once('drain', () => resolve())));

try {
  const summary = await runProjectChecks(db.ds, {
    chunkSize,
    ...(asOf ? { asOf } : {}),
    onProgress: (done, total) => {
      if (bar) {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      } else {
        console.log(`checked ${done}/${total} projects`);
      }
    },
    onResult: async (r) => {
      await write(
        json,
        `${JSON.stringify({
          projectCode: r.project.projectCode,
          name: r.project.name,
          status: r.status,
          asOf: r.asOf,
          policyVersion: r.policyVersion,
          findings: r.findings,
          tree: r.tree.map((n) => ({
            contractNumber: n.contractNumber,
            parentContractNumber: n.parentContractNumber,
            kind: n.kind,
            depth: n.depth,
            status: n.status,
          })),
        })}\n`,
      );
      const rows = r.findings.length ? r.findings : [null];
      for (const f of rows) {
        await write(csv, {
          projectCode: r.project.projectCode,
          projectName: r.project.name,
          status: r.status,
          ruleId: f?.ruleId ?? '',
          severity: f?.severity ?? '',
          clause: f?.clause ?? '',
          contractNumber: f?.contractNumber ?? '',
          creditCode: f?.creditCode ?? '',
          parties: f ? f.parties.map((p) => `${p.role}:${p.creditCode ?? p.idNumber ?? ''}`).join('; ') : '',
          messageZh: f?.messageZh ?? '',
          messageEn: f?.messageEn ?? '',
          evidence: f ? f.evidence.map((e) => `${e.source}/${e.kind}/${e.sourceRecordId}`).join('; ') : '',
        });
      }
    },
  });
  bar?.stop();
  csv.end();
  json.end();
  await Promise.all([new Promise<void>((r) => csvFile.on('finish', () => r())), new Promise<void>((r) => json.on('finish', () => r()))]);
  console.log(
    `${summary.projects} projects checked in ${(summary.ms / 1000).toFixed(1)} s: ${summary.byStatus.VIOLATION} with violations, ${summary.byStatus.WARNING} with warnings only, ${summary.byStatus.OK} clean`,
  );
  for (const [rule, n] of Object.entries(summary.byRule).sort((a, b) => b[1] - a[1])) console.log(`  ${rule.padEnd(32)} ${n}`);
  console.log(`report: ${csvPath}\n        ${jsonPath}`);
} finally {
  bar?.stop();
  await db.close();
}
