import { setTimeout as delay } from 'node:timers/promises'

/**
 * Writes to one store file from one process, batched: entries that arrive while a write is under way go out
 * together in the next one, and each caller waits for the write that carries its entries.
 *
 * A batch some caller marked `spaced` starts no sooner than `spacing` times the previous write's duration after
 * that write ended, so that rewriting a large file takes about 1 / (1 + spacing) of the time at most (5% by default) however
 * fast entries arrive; callers that do not wait on the write (a calibration run) lose nothing by the wait, and
 * `drain` ends it once they wait for every write.
 */
export class BatchedWrites<Batch> {
  private pending: Batch
  private spaced = false
  private writing: Promise<void> = Promise.resolve()
  private queued: Promise<void> | undefined
  private lastEnd = 0
  private lastDuration = 0
  /** Ends a spaced batch's wait, once a caller waits on every write (see `drain`). */
  private readonly hurry = new AbortController()

  constructor(
    private readonly empty: () => Batch,
    private readonly flush: (batch: Batch) => Promise<void>,
    private readonly spacing = 19,
  ) {
    this.pending = empty()
  }

  /** Adds to the next batch with `add`; resolves once that batch is on disk. */
  async write(add: (batch: Batch) => void, { spaced = false }: { spaced?: boolean } = {}): Promise<void> {
    add(this.pending)
    this.spaced ||= spaced
    this.queued ??= this.writing.then(async () => {
      const wait = this.lastEnd + this.lastDuration * this.spacing - performance.now()
      if (this.spaced && wait > 0 && !this.hurry.signal.aborted) {
        await delay(wait, undefined, { signal: this.hurry.signal }).catch(() => {})
      }
      const batch = this.pending
      this.pending = this.empty()
      this.spaced = false
      this.queued = undefined
      const started = performance.now()
      try {
        await this.flush(batch)
      } finally {
        this.lastEnd = performance.now()
        this.lastDuration = this.lastEnd - started
      }
    })
    const written = this.queued
    // A failed write fails the callers waiting on it, not every later write.
    this.writing = written.catch(() => {})
    await written
  }

  /** Writes what is waiting without spacing, now and from then on; resolves once the last batch is written. */
  async drain(): Promise<void> {
    this.hurry.abort()
    await this.writing
  }
}
