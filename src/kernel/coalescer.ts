/**
 * Natural batching across requests: calls made in the same turn of the event loop go together (the
 * run starts on setImmediate, right after the requests that arrived together have reached here), and
 * while `maxInFlight` runs are busy the calls wait and go with every call that queued meanwhile, in
 * one statement. Idle: no delay but that turn; busy (many officers checking at once): one read and one
 * insert for many checks. Starting at once instead sent the first of every group alone (the inserts of
 * one read's checks went as 1 + the rest), at a multiple of the statements and of the database's CPU.
 * Used by the joint-punishment check's read and insert and by the store's read batch (store/read-batch.ts).
 */
export class Coalescer<I, R> {
  private queue: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<R>,
    private readonly maxInFlight: number,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.queue.length);
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (r) => batch.forEach((b) => b.resolve(r)),
          (e: unknown) => batch.forEach((b) => b.reject(e)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
