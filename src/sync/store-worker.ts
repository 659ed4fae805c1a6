/**
 * A store worker (see store-workers.ts): stores the batches the main thread hands it, each as one
 * transaction on its own small pool, and answers with the batch's figures.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PiiVault } from '../security/pii.js';
import { createHubDataSource } from '../store/data-source.js';
import { storeBatch, type BatchJob } from './batch.js';
import type { SyncLog } from './apply.js';
import { STORE_WORKER_APPLICATION, type StoreWorkerData, type WorkerAnswer, type WorkerRequest } from './store-workers.js';

const data = workerData as StoreWorkerData;
const port = parentPort!;
const send = (m: WorkerAnswer) => port.postMessage(m);

// log lines go to the main thread's logger (the caller's, with its level and destination)
const log: SyncLog = {
  info: (obj, msg) => send({ kind: 'log', level: 'info', obj, msg }),
  warn: (obj, msg) => send({ kind: 'log', level: 'warn', obj, msg }),
  error: (obj, msg) => send({ kind: 'log', level: 'error', obj, msg }),
};

// its own name in pg_stat_activity: an operator sees which sessions are the sync's store workers
const ds = createHubDataSource(data.dbUrl, {
  poolSize: data.poolSize,
  statementTimeoutMs: data.statementTimeoutMs,
  applicationName: STORE_WORKER_APPLICATION,
});
const ready = ds.initialize();
ready.catch(() => undefined); // an unreachable store fails each batch handed over (awaited below), not the thread
const vault = new PiiVault(Buffer.from(data.vaultKey));

port.on('message', (m: WorkerRequest) => {
  if (m.kind === 'close') {
    void ready
      .then(() => ds.destroy())
      .catch(() => undefined)
      .finally(() => port.close());
    return;
  }
  void (async () => {
    try {
      await ready;
      const job = JSON.parse(m.job) as BatchJob;
      const f = await storeBatch({ ds, vault, log }, job);
      send({ kind: 'stored', id: m.id, figures: f });
    } catch (err) {
      const e = err as { message?: string; code?: string };
      send({ kind: 'failed', id: m.id, error: { message: e.message ?? String(err), code: e.code } });
    }
  })();
});
