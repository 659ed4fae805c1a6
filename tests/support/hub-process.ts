/**
 * Hub commands run as real child processes (node + tsx, no npx wrapper, so a signal reaches the hub
 * itself), with their output collected, for the kill and shutdown tests. Also writes a connectors
 * config naming only some sources, so a child process loads just those.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface HubProcess {
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  /** resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
  /** waits until a line of output matches, up to `ms` (then throws with the output so far) */
  waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>;
}

export function spawnHub(script: string, args: string[], env: Record<string, string>): HubProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (b: Buffer) => {
    out += b.toString('utf8');
    for (const w of waiters) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let gone = false;
  void exited.then(() => {
    gone = true;
    for (const w of waiters) w();
  });
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, ms = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) return done(() => resolve(m));
          if (gone) return done(() => reject(new Error(`process exited before ${re}; output:\n${out.slice(-4000)}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no ${re} within ${ms} ms; output:\n${out.slice(-4000)}`))), ms);
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** A connectors config with only these sources (module paths absolute), extra options merged per source. */
export function writeConnectorsConfig(dir: string, sources: Record<string, Record<string, unknown>>): string {
  const file = path.join(dir, 'connectors.json');
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        sources: Object.entries(sources).map(([id, options]) => ({
          id,
          module: path.join(ROOT, 'connectors', id, 'index.ts'),
          enabled: true,
          options: { timeoutMs: 5000, ...options },
        })),
      },
      null,
      1,
    ),
  );
  return file;
}

/** Polls `probe` until it returns a truthy value, at most `ms` (generous: the machine is shared). */
export async function eventually<T>(probe: () => Promise<T | null | undefined | false>, ms = 30_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`${what} not reached within ${ms} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
