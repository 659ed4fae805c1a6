// Entry of a worker thread running TypeScript sources: registers tsx in this thread (the parent's
// loader flags are not relied on: vitest, tsx and plain node start threads differently), then loads it.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
