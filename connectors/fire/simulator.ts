/**
 * The 消防 stand-in system: there is no server, only the export folder the seeder wrote
 * (env.dataDir/fire-drops). start() hands the connector { folder } and keeps the fault switches,
 * each of which puts the folder into a real state a file drop can be in; 'none' puts it back:
 *   slow       the oldest export becomes a named pipe fed by a child process delayMs after each
 *              reader opens it (one reader at a time: concurrent readers of the pipe share its bytes)
 *   hang       the oldest export becomes a named pipe nobody ever writes
 *   error      a directory stands where the oldest export should be (chmod 000 does not stop root)
 *   drop       the oldest export is truncated: its last row cut mid-line (its marker still says whole)
 *   malformed  every export is re-exported with garbage (#VALUE!) in all cells but 记录编号/更新时间
 * callCount() counts folder scans by connectors (see SCAN_CHANNEL_NAME in files.ts): one per fetchByKeys
 * call and one per changesSince run, however many files each then opens.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FaultSettings, RunningSimulator, SimulatorEnv } from '../types.js';
import { SCAN_CHANNEL_NAME, exportName, listExports, markerName, readExport, writeExport, type ExportName } from './files.js';
import { ID_HEADER, TABLES, UPDATED_HEADER } from './mapping.js';
import { dropFolder } from './seed.js';

const run = promisify(execFile);
/** Waits for a reader, hands the next reader a fresh pipe, then feeds this one after the delay. */
const FEEDER =
  'while :; do exec 3>"$3"; rm -f "$3.next"; mkfifo "$3.next" && mv -f "$3.next" "$3"; sleep "$1"; cat "$2" >&3; exec 3>&-; done';

export async function startSimulator(env: SimulatorEnv): Promise<RunningSimulator> {
  const folder = dropFolder(env);
  const stash = path.join(folder, '.faults'); // dot-named: never an export
  await fsp.mkdir(folder, { recursive: true });

  let calls = 0;
  const onScan = (msg: unknown) => {
    if ((msg as { folder?: string } | null)?.folder === folder) calls++;
  };
  diagnostics.subscribe(SCAN_CHANNEL_NAME, onScan);

  let undo: (() => Promise<void>)[] = [];
  let feeder: ChildProcess | null = null;

  /** Moves an export (and, when asked, its marker) aside; undo moves it back over whatever replaced it. */
  const setAside = async (name: string, withMarker = false): Promise<string> => {
    await fsp.mkdir(stash, { recursive: true });
    const names = withMarker ? [name, markerName(name)] : [name];
    for (const n of names) await fsp.rename(path.join(folder, n), path.join(stash, n));
    undo.push(async () => {
      for (const n of names) {
        await fsp.rm(path.join(folder, n), { recursive: true, force: true });
        await fsp.rename(path.join(stash, n), path.join(folder, n));
      }
    });
    return path.join(stash, name);
  };

  /** The export every scan reads first; an empty one is made when the folder has none. */
  const target = async (): Promise<ExportName> => {
    const first = (await listExports(folder))[0];
    if (first) return first;
    const name = exportName(TABLES[0], '19700101', 0);
    await writeExport(folder, name, TABLES[0], [], 'utf8');
    undo.push(async () => {
      await fsp.rm(path.join(folder, name), { force: true });
      await fsp.rm(path.join(folder, markerName(name)), { force: true });
    });
    return (await listExports(folder))[0]!;
  };

  const restore = async () => {
    if (feeder) {
      const f = feeder;
      feeder = null;
      const exited = new Promise((resolve) => f.once('exit', resolve));
      try {
        process.kill(-f.pid!, 'SIGKILL'); // its own process group: the shell, sleep and cat
      } catch {
        /* already gone */
      }
      if (f.exitCode === null && f.signalCode === null) await exited;
    }
    for (const u of undo.reverse()) await u();
    undo = [];
    await fsp.rm(stash, { recursive: true, force: true });
  };

  const apply = async (f: FaultSettings) => {
    await restore();
    if (f.mode === 'none') return;
    if (f.mode === 'malformed') {
      for (const file of await listExports(folder)) {
        const { header, encoding, rows } = await readExport(folder, file);
        const keep = new Set([header.indexOf(ID_HEADER), header.indexOf(UPDATED_HEADER)]);
        await setAside(file.name, true);
        await writeExport(
          folder,
          file.name,
          file.table,
          rows.map((r) => r.fields.map((v, i) => (keep.has(i) ? v : '#VALUE!'))),
          encoding,
        );
      }
      return;
    }
    const t = await target();
    const full = path.join(folder, t.name);
    const original = await setAside(t.name);
    switch (f.mode) {
      case 'slow': {
        await run('mkfifo', [full]);
        const child = spawn('sh', ['-c', FEEDER, 'fire-slow-export', ((f.delayMs ?? 2000) / 1000).toFixed(3), original, full], {
          detached: true,
          stdio: 'ignore',
        });
        child.unref();
        feeder = child;
        undo.push(() => fsp.rm(`${full}.next`, { force: true }));
        break;
      }
      case 'hang':
        await run('mkfifo', [full]);
        break;
      case 'error':
        await fsp.mkdir(full);
        break;
      case 'drop': {
        const bytes = await fsp.readFile(original);
        const end = bytes.length - (bytes.subarray(-2).toString() === '\r\n' ? 2 : 1);
        const lineStart = bytes.lastIndexOf(0x0a, end - 1) + 1;
        await fsp.writeFile(full, bytes.subarray(0, lineStart + Math.max(1, Math.floor((end - lineStart) / 2))));
        break;
      }
    }
  };

  return {
    connectorOptions: { folder },
    setFaults: apply,
    callCount: () => calls,
    resetCallCount() {
      calls = 0;
    },
    async close() {
      await restore();
      diagnostics.unsubscribe(SCAN_CHANNEL_NAME, onScan);
    },
  };
}
