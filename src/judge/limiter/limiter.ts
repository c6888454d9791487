/**
 * Internal to the judge: the limiter a live judge call takes a slot from. Inside an `evals()` run the judge runs
 * in the coordinator in the main process, over the run's limiter (global across workers); elsewhere each judge
 * instance has its own.
 */
import { RubricArgumentError, RubricError } from '../../errors.ts'
import { type Grant, type JudgeLimits, LimiterCore, type Spent } from './limits.ts'

export type { JudgeLimits, Spent } from './limits.ts'

export interface AcquireRequest {
  /** The tokens the call is expected to use, for `tokensPerMinute`. */
  tokens: number
  /** The most the call is expected to cost, reserved against `budgetUsd` while it runs. */
  costUsd?: number | undefined
  /** Withdraws the request while it waits. */
  signal?: AbortSignal | undefined
}

/** A slot held by one call attempt. Release it exactly once, with what the attempt used when known. */
export interface JudgeLease {
  release(spent?: Spent): void
}

export interface JudgeLimiter {
  /**
   * Resolves when the call may start; rejects with a {@link BudgetSpentError} once the budget is spent, or with
   * the signal's reason when it aborts first.
   */
  acquire(request: AcquireRequest): Promise<JudgeLease>
}

/** The run's judge budget is spent: the judgment is not made. */
export class BudgetSpentError extends RubricError {
  readonly spentUsd: number
  readonly reservedUsd: number
  readonly budgetUsd: number

  constructor(spentUsd: number, budgetUsd: number, reservedUsd = 0) {
    super(
      'RUBRIC_JUDGE_BUDGET',
      `the judge budget of ${formatUsd(budgetUsd)} for this run is spent (${formatUsd(spentUsd)} on live calls, ` +
        `${formatUsd(reservedUsd)} reserved by calls in flight), so this output was not judged. Raise the judge ` +
        'option `budgetUsd`, or run again: judgments already stored are not paid for twice.',
    )
    this.name = 'BudgetSpentError'
    this.spentUsd = spentUsd
    this.reservedUsd = reservedUsd
    this.budgetUsd = budgetUsd
  }
}

/** A dollar amount with enough digits to show sub-cent judge costs. */
export function formatUsd(value: number): string {
  if (value === 0) return '$0.00'
  if (value >= 1) return `$${value.toFixed(2)}`
  return `$${value.toFixed(Math.max(2, 1 - Math.floor(Math.log10(value))))}`
}

/** The outcome of a grant as a lease, or the error of a refusal. */
export function leaseOrError(grant: Grant, release: (lease: number, spent?: Spent) => void): JudgeLease {
  if (!grant.ok) throw new BudgetSpentError(grant.spentUsd, grant.budgetUsd, grant.reservedUsd)
  let released = false
  return {
    release(spent) {
      if (released) return
      released = true
      release(grant.lease, spent)
    },
  }
}

/** The reason a waiting request gives up with when its signal aborts. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError')
}

/** A limiter inside this process: limits one judge instance, not the run. */
export function createLocalLimiter(limits: JudgeLimits): JudgeLimiter & { core: LimiterCore } {
  const core = new LimiterCore(limits)
  return { core, ...limiterOver(core) }
}

/**
 * A limiter over `core`: the run's, in the coordinator, or one judge instance's. `rankOf` gives the rank of a
 * call (lower first) from its signal, which is the call's own.
 */
export function limiterOver(
  core: LimiterCore,
  rankOf: (signal: AbortSignal | undefined) => number = () => 0,
): JudgeLimiter {
  return {
    acquire({ tokens, costUsd, signal }) {
      if (signal?.aborted) return Promise.reject(abortReason(signal))
      return new Promise<JudgeLease>((resolve, reject) => {
        let ticket = 0
        const onAbort = () => {
          if (core.cancel(ticket)) reject(abortReason(signal!))
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        ticket = core.request(
          { tokens, costUsd },
          (grant) => {
            signal?.removeEventListener('abort', onAbort)
            try {
              resolve(leaseOrError(grant, (lease, spent) => core.release(lease, spent)))
            } catch (error) {
              reject(error)
            }
          },
          rankOf(signal),
        )
      })
    },
  }
}

/** Judge calls in flight at once when the judge options do not say. */
export const DEFAULT_CONCURRENCY = 16

/** The limits that judge options ask for, checked. */
export function judgeLimits(options: LimitOptions): JudgeLimits {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RubricArgumentError(
      `judge.concurrency is ${String(concurrency)}; give a whole number of at least 1.`,
    )
  }
  for (const name of ['requestsPerMinute', 'tokensPerMinute'] as const) {
    const value = options[name]
    if (value !== undefined && !(typeof value === 'number' && value > 0)) {
      throw new RubricArgumentError(
        `judge.${name} is ${String(value)}; give a number above 0, or leave it out.`,
      )
    }
  }
  const { budgetUsd } = options
  if (budgetUsd !== undefined && !(typeof budgetUsd === 'number' && budgetUsd >= 0)) {
    throw new RubricArgumentError(
      `judge.budgetUsd is ${String(budgetUsd)}; give an amount in US dollars, such as 5.`,
    )
  }
  return {
    concurrency,
    requestsPerMinute: options.requestsPerMinute,
    tokensPerMinute: options.tokensPerMinute,
    budgetUsd,
  }
}

/** A shard of a sharded run, as Vitest gives it (`--shard=index/count`). */
export interface ShardOf {
  index: number
  count: number
}

/**
 * The limits one shard enforces. With `split` (the shards share one key, so one provider's limits), each shard
 * of `count` holds 1/count of each limit and of the budget, at least 1 for the counted limits; with `whole` (each
 * shard has its own key), every shard holds them all. An unsharded run holds them all.
 */
export function shardLimits(
  limits: JudgeLimits,
  shard: ShardOf | undefined,
  mode: ShardLimitsMode,
): JudgeLimits {
  if (!shard || shard.count <= 1 || mode === 'whole') return limits
  const share = (value: number | undefined) =>
    value === undefined ? undefined : Math.max(1, Math.floor(value / shard.count))
  return {
    concurrency: share(limits.concurrency) ?? 1,
    requestsPerMinute: share(limits.requestsPerMinute),
    tokensPerMinute: share(limits.tokensPerMinute),
    budgetUsd: limits.budgetUsd === undefined ? undefined : limits.budgetUsd / shard.count,
  }
}

/** How a sharded run divides the judge limits: see `EvalsOptions.shardLimits`. */
export type ShardLimitsMode = 'split' | 'whole'

/**
 * `judge limits of shard 1/3 (1/3 each): 5 in flight, 20 requests/min, budget $1.67`, or with `whole`
 * `judge limits of shard 1/3 (its own key): 16 in flight`.
 */
export function describeShardLimits(limits: JudgeLimits, shard: ShardOf, mode: ShardLimitsMode): string {
  const parts = [
    `${limits.concurrency} in flight`,
    ...(limits.requestsPerMinute === undefined ? [] : [`${limits.requestsPerMinute} requests/min`]),
    ...(limits.tokensPerMinute === undefined ? [] : [`${limits.tokensPerMinute} tokens/min`]),
    ...(limits.budgetUsd === undefined ? [] : [`budget ${formatUsd(limits.budgetUsd)}`]),
  ]
  const share = mode === 'whole' ? 'its own key' : `1/${shard.count} each`
  return `judge limits of shard ${shard.index}/${shard.count} (${share}): ${parts.join(', ')}`
}

/** The judge options that set limits. */
export interface LimitOptions {
  concurrency?: number | undefined
  requestsPerMinute?: number | undefined
  tokensPerMinute?: number | undefined
  budgetUsd?: number | undefined
}
