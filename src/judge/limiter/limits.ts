/**
 * Internal to the judge limiter: the accounting behind the global limits on live judge calls. No I/O: the
 * coordinator (main process) and the in-process limiter both drive one of these.
 */

/** The limits on live judge calls, from the judge options. */
export interface JudgeLimits {
  /** Calls in flight at once. */
  concurrency: number
  /** Calls started in any 60 s window. */
  requestsPerMinute?: number | undefined
  /** Tokens (estimated when a call starts, corrected from its usage) in any 60 s window. */
  tokensPerMinute?: number | undefined
  /**
   * Once this much has been spent on live calls, further calls are refused. Each call reserves its estimated
   * cost while in flight, and a call starts only while what is spent and reserved leaves room for its estimate
   * (or when no other call is in flight), so that spending exceeds the budget by at most one call's estimate.
   */
  budgetUsd?: number | undefined
}

/** What a finished call used, reported when its slot is released. */
export interface Spent {
  tokens: number
  costUsd: number
}

/** What a call asks the limiter for: its expected tokens, and its estimated cost for the budget. */
export interface Estimate {
  tokens: number
  /** The most the call is expected to cost (prompt and the output token limit), reserved while it runs. */
  costUsd?: number | undefined
}

export type Grant =
  | { ok: true; lease: number }
  | { ok: false; reason: 'budget'; spentUsd: number; reservedUsd: number; budgetUsd: number }

/** Counters of the current run. */
export interface LimiterStats {
  inFlight: number
  /** The most calls that were in flight at once. */
  maxInFlight: number
  waiting: number
  /** Calls granted a slot. */
  granted: number
  /** Calls refused because the budget was spent. */
  refused: number
  spentUsd: number
  /** The estimated cost of the calls in flight, not yet spent. */
  reservedUsd: number
  tokens: number
}

export interface Clock {
  now(): number
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
}

const WINDOW_MS = 60_000

/**
 * A call that has waited this long is served before calls of lower ranks: ranks order the calls, they must not
 * starve one until its test times out.
 */
export const OVERDUE_MS = 10_000

interface Waiter {
  ticket: number
  tokens: number
  costUsd: number
  rank: number
  /** When the call began to wait. */
  since: number
  settle: (grant: Grant) => void
}

interface Started {
  at: number
  tokens: number
  /** The estimate reserved for the call while it runs. */
  costUsd: number
}

/**
 * Slots for live judge calls: a call waits until a slot is free and the per-minute windows have room for it, and
 * is refused once the budget is spent. Waiting calls are served by rank, then first come, first served; a call
 * that has waited {@link OVERDUE_MS} goes first whatever its rank.
 */
export class LimiterCore {
  private readonly queue: Waiter[] = []
  private readonly window: Started[] = []
  private readonly leases = new Map<number, Started>()
  private nextId = 1
  private timer: unknown
  private stats: LimiterStats = emptyStats()

  constructor(
    readonly limits: JudgeLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Asks for a slot for a call of the `estimate`; `settle` is called once, with a lease or a refusal (possibly
   * before `request` returns). A call of a lower `rank` is served before calls of higher ranks that wait with it.
   * The ticket cancels a request still waiting.
   */
  request(estimate: Estimate, settle: (grant: Grant) => void, rank = 0): number {
    const ticket = this.nextId++
    const behind = this.queue.findIndex((waiter) => waiter.rank > rank)
    const since = this.clock.now()
    const { tokens, costUsd = 0 } = estimate
    const waiter = { ticket, tokens, costUsd, rank, since, settle }
    this.queue.splice(behind === -1 ? this.queue.length : behind, 0, waiter)
    this.stats.waiting = this.queue.length
    this.pump()
    return ticket
  }

  /** Withdraws a waiting request; `false` when it was already settled. */
  cancel(ticket: number): boolean {
    const index = this.queue.findIndex((waiter) => waiter.ticket === ticket)
    if (index === -1) return false
    this.queue.splice(index, 1)
    this.stats.waiting = this.queue.length
    this.pump()
    return true
  }

  /** Frees a slot and its reservation. `spent` is what the call used, when it is known. */
  release(lease: number, spent?: Spent): void {
    const started = this.leases.get(lease)
    if (!started) return
    this.leases.delete(lease)
    this.stats.reservedUsd = Math.max(0, this.stats.reservedUsd - started.costUsd)
    if (spent) {
      // The window counted the estimate; the usage replaces it.
      if (spent.tokens > 0) {
        this.stats.tokens += spent.tokens
        started.tokens = spent.tokens
      }
      this.stats.spentUsd += spent.costUsd
    }
    this.stats.inFlight = this.leases.size
    this.pump()
  }

  /** Starts a new run: budget and counters from zero; calls in flight keep their slots. */
  resetRun(): void {
    const reservedUsd = [...this.leases.values()].reduce((sum, started) => sum + started.costUsd, 0)
    this.stats = { ...emptyStats(), inFlight: this.leases.size, waiting: this.queue.length, reservedUsd }
  }

  snapshot(): LimiterStats {
    return { ...this.stats }
  }

  private pump(): void {
    const { concurrency, budgetUsd } = this.limits
    while (this.queue.length > 0) {
      const next = this.nextIndex()
      const head = this.queue[next]!
      const { spentUsd, reservedUsd } = this.stats
      if (budgetUsd !== undefined && spentUsd >= budgetUsd) {
        this.queue.splice(next, 1)
        this.stats.refused += 1
        head.settle({ ok: false, reason: 'budget', spentUsd, reservedUsd, budgetUsd })
        continue
      }
      if (this.leases.size >= concurrency) break
      // Calls in flight may spend what they reserved: wait for them unless the budget has room for this one too.
      if (budgetUsd !== undefined && reservedUsd > 0 && spentUsd + reservedUsd + head.costUsd > budgetUsd)
        break
      const wait = this.windowWait(head.tokens)
      if (wait > 0) {
        this.wakeIn(wait)
        break
      }
      this.queue.splice(next, 1)
      const started = { at: this.clock.now(), tokens: head.tokens, costUsd: head.costUsd }
      const lease = this.nextId++
      this.leases.set(lease, started)
      this.stats.reservedUsd += head.costUsd
      if (this.windowed) this.window.push(started)
      this.stats.granted += 1
      this.stats.inFlight = this.leases.size
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.leases.size)
      head.settle({ ok: true, lease })
    }
    this.stats.waiting = this.queue.length
  }

  /** The waiting call to serve next: the one that has waited longest if it is overdue, else the first in line. */
  private nextIndex(): number {
    let oldest = 0
    for (let index = 1; index < this.queue.length; index++) {
      if (this.queue[index]!.since < this.queue[oldest]!.since) oldest = index
    }
    return this.clock.now() - this.queue[oldest]!.since >= OVERDUE_MS ? oldest : 0
  }

  /** How long until the per-minute windows have room for a call of `tokens`; 0 when they have now. */
  private windowWait(tokens: number): number {
    const { requestsPerMinute, tokensPerMinute } = this.limits
    if (!this.windowed) return 0
    const now = this.clock.now()
    while (this.window.length > 0 && this.window[0]!.at <= now - WINDOW_MS) this.window.shift()
    let wait = 0
    if (requestsPerMinute !== undefined && this.window.length >= requestsPerMinute) {
      const oldest = this.window[this.window.length - requestsPerMinute]!
      wait = Math.max(wait, oldest.at + WINDOW_MS - now)
    }
    if (tokensPerMinute !== undefined && this.window.length > 0) {
      // A call bigger than the whole allowance still runs, alone in its window.
      let used = this.window.reduce((sum, started) => sum + started.tokens, 0)
      for (const started of this.window) {
        if (used + tokens <= tokensPerMinute) break
        used -= started.tokens
        wait = Math.max(wait, started.at + WINDOW_MS - now)
      }
    }
    return wait
  }

  private get windowed(): boolean {
    return this.limits.requestsPerMinute !== undefined || this.limits.tokensPerMinute !== undefined
  }

  private wakeIn(ms: number): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer)
    this.timer = this.clock.setTimeout(
      () => {
        this.timer = undefined
        this.pump()
      },
      Math.max(1, Math.ceil(ms)),
    )
  }
}

function emptyStats(): LimiterStats {
  return {
    inFlight: 0,
    maxInFlight: 0,
    waiting: 0,
    granted: 0,
    refused: 0,
    spentUsd: 0,
    reservedUsd: 0,
    tokens: 0,
  }
}
