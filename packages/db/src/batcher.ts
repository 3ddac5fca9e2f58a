/**
 * Gathers calls made at about the same time into one database call (group commit done by the application): under
 * load, a hot write path pays one round trip, one statement and one commit for many requests instead of one each.
 *
 * A call waits at most until the end of the current event-loop turn when a flush slot is free, so a lone request is
 * not delayed; when `maxInFlight` flushes are already running, calls queue and go together in the next flush (up
 * to `maxBatch`). `flush` gets the items in arrival order and returns one result per item, in the same order; when
 * it throws, every call of that batch rejects with the error (callers that need to isolate a bad item retry it on
 * its own).
 */
export class Batcher<In, Out> {
  private queue: { item: In; resolve: (v: Out) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly flush: (items: In[]) => Promise<Out[]>,
    private readonly options: { maxBatch: number; maxInFlight: number },
  ) {}

  run(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.next();
    });
  }

  private next(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.flushBatch(batch);
    }
  }

  private async flushBatch(batch: { item: In; resolve: (v: Out) => void; reject: (e: unknown) => void }[]): Promise<void> {
    try {
      const out = await this.flush(batch.map((b) => b.item));
      if (out.length !== batch.length) throw new Error(`batch flush returned ${out.length} results for ${batch.length} items`);
      batch.forEach((b, i) => b.resolve(out[i]!));
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}
