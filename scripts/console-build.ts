/**
 * Builds the web console (console/ → console/dist) when the build is missing or was made from other
 * sources: a hash of every source file (and the build tools' versions) is kept in dist/.source-hash, so
 * `npm start` never serves a stale console and a fresh clone builds it once (postinstall).
 *   tsx scripts/console-build.ts           build if stale
 *   tsx scripts/console-build.ts --force   always build (npm run build:console)
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_DIR = path.join(ROOT, 'console');
export const CONSOLE_DIST = path.join(CONSOLE_DIR, 'dist');
const STAMP = path.join(CONSOLE_DIST, '.source-hash');
/** sources outside console/ the console may import (pure domain code, e.g. the GB 32100 check character) */
const SHARED_DIRS = [path.join(ROOT, 'src/domain')];

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'dist' || e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

/** Hash of everything the build depends on. */
export function consoleSourceHash(): string {
  const h = createHash('sha256');
  for (const f of [...filesUnder(CONSOLE_DIR), ...SHARED_DIRS.flatMap(filesUnder)].sort()) {
    h.update(path.relative(ROOT, f)).update('\0').update(fs.readFileSync(f)).update('\0');
  }
  for (const pkg of ['vite', '@vitejs/plugin-react', 'react', 'react-dom', 'react-router-dom', 'echarts'])
    h.update(`${pkg}@${versionOf(pkg)}\0`);
  return h.digest('hex');
}

export function consoleIsFresh(): boolean {
  try {
    return fs.existsSync(path.join(CONSOLE_DIST, 'index.html')) && fs.readFileSync(STAMP, 'utf8').trim() === consoleSourceHash();
  } catch {
    return false;
  }
}

/** Builds console/dist unless it is up to date; returns whether it built. Throws when the build fails. */
export function ensureConsoleBuilt(o: { force?: boolean; quiet?: boolean } = {}): boolean {
  if (!o.force && consoleIsFresh()) return false;
  const hash = consoleSourceHash();
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', o.quiet ? 'error' : 'warn'], {
    cwd: CONSOLE_DIR,
    stdio: o.quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`console build failed (exit ${r.status}): ${r.stderr ?? ''}${r.stdout ?? ''}`);
  fs.writeFileSync(STAMP, `${hash}\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const force = process.argv.includes('--force');
  try {
    const built = ensureConsoleBuilt({ force });
    console.log(built ? 'console: built console/dist' : 'console: console/dist is up to date');
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
