/**
 * Writes to one store file from one worker, batched: entries that arrive while a write is under way go out
 * together in the next one, and each caller waits for the write that carries its entries.
 */
export class BatchedWrites<Batch> {
  private pending: Batch
  private writing: Promise<void> = Promise.resolve()
  private queued: Promise<void> | undefined

  constructor(
    private readonly empty: () => Batch,
    private readonly flush: (batch: Batch) => Promise<void>,
  ) {
    this.pending = empty()
  }

  /** Adds to the next batch with `add`; resolves once that batch is on disk. */
  async write(add: (batch: Batch) => void): Promise<void> {
    add(this.pending)
    this.queued ??= this.writing.then(() => {
      const batch = this.pending
      this.pending = this.empty()
      this.queued = undefined
      return this.flush(batch)
    })
    const written = this.queued
    // A failed write fails the callers waiting on it, not every later write.
    this.writing = written.catch(() => {})
    await written
  }
}
