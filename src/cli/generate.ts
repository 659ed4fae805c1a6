/**
 * `npm run generate -- --enterprises N [--seed S] [--today YYYY-MM-DD] [--list-density X]`: (re)fills the
 * simulated department systems with a generated world. --list-density scales the background enterprises'
 * chances of being on a list (default 1, the realistic rates). The hub store is left as it is: run
 * `npm run sync` next.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { loadSources } from '../../connectors/registry.js';
import { generateInto } from '../generator/generate.js';
import { openHubDatabase } from './db.js';

const { values } = parseArgs({
  options: {
    enterprises: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '20261101' },
    today: { type: 'string' },
    'list-density': { type: 'string', default: '1' },
  },
});
const enterprises = Number(values.enterprises);
const seed = Number(values.seed);
const listDensity = Number(values['list-density']);
if (!Number.isInteger(enterprises) || enterprises < 1)
  throw new Error(`--enterprises must be a positive whole number, not '${values.enterprises}'`);
if (!Number.isInteger(seed)) throw new Error(`--seed must be a whole number, not '${values.seed}'`);
if (!Number.isFinite(listDensity) || listDensity < 0)
  throw new Error(`--list-density must be a non-negative number, not '${values['list-density']}'`);
if (values.today && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error(`--today must be YYYY-MM-DD, not '${values.today}'`);

const db = await openHubDatabase();
try {
  const sources = (await loadSources()).map((l) => l.source);
  const env = { departmentsDatabaseUrl: db.departmentsUrl, dataDir: db.cfg.dataDir, port: 0, host: '127.0.0.1' };
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'generating {bar} {value}/{total} enterprises | {duration_formatted}' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(enterprises, 0);
  let lastLogged = 0;
  const t0 = Date.now();
  const result = await generateInto(
    env,
    {
      enterprises,
      seed,
      today: values.today,
      listDensity,
      onProgress: (_s, done) => {
        bar?.update(done);
        if (!bar && done - lastLogged >= 50_000) {
          lastLogged = done;
          process.stderr.write(`generated ${done}/${enterprises} enterprises (${Math.round((Date.now() - t0) / 1000)} s)\n`);
        }
      },
    },
    sources,
  );
  bar?.stop();
  const seconds = ((Date.now() - t0) / 1000).toFixed(1);
  fs.mkdirSync(db.cfg.dataDir, { recursive: true });
  // npm start generates only when this marker is missing: a world written by hand is kept
  fs.writeFileSync(
    path.join(db.cfg.dataDir, 'demo-data.json'),
    JSON.stringify({ enterprises, seed, listDensity, at: new Date().toISOString(), scenarios: result.scenarios }, null, 1),
  );
  process.stdout.write(
    `${enterprises} enterprises (seed ${seed}${listDensity !== 1 ? `, list density ${listDensity}` : ''}) written in ${seconds} s: ${Object.entries(
      result.written,
    )
      .map(([s, n]) => `${s} ${n}`)
      .join(', ')} rows.\nNext: npm run sync\n`,
  );
} finally {
  await db.close();
}
