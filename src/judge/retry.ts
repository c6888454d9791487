/**
 * Internal to the judge: retries of live judge calls. The SDK's own retries are off (`maxRetries: 0` per request)
 * because every attempt must go through the run's limiter (a slot, the per-minute windows, the budget), the slot
 * must be free while the call backs off, the wait must end when the test's signal aborts, and the retries of a
 * judgment are counted in its record. What is retried and how long to wait follow the SDK's rules.
 */
import type { JudgeLease, JudgeLimiter, Spent } from './limiter/limiter.ts'

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number
  /** The longest backoff when the server gives no `Retry-After`. */
  maxRetryDelayMs: number
}

/** What an attempt failed with, as far as retrying is concerned. */
export interface AttemptFailure {
  /** The failure is transient: a retry may succeed. */
  retryable: boolean
  /** The response's headers, for `Retry-After`. */
  headers?: Headers | undefined
}

export interface RetryingCall<T> {
  limiter: JudgeLimiter
  policy: RetryPolicy
  /** Expected tokens of one attempt, for the limiter. */
  tokens: number
  /** The most one attempt is expected to cost, reserved against the budget while it runs. */
  costUsd?: number | undefined
  signal?: AbortSignal | undefined
  /** One attempt; reports what it used through `spend` before it resolves. */
  attempt: (spend: (spent: Spent) => void) => Promise<T>
  /** Whether and how an attempt's error is retried. */
  classify: (error: unknown) => AttemptFailure
  /** Called before each retry. */
  onRetry: () => void
}

const INITIAL_DELAY_MS = 500

/** Runs `attempt` in a slot of the limiter, retrying transient failures with backoff outside the slot. */
export async function callWithRetries<T>(call: RetryingCall<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    const lease: JudgeLease = await call.limiter.acquire({
      tokens: call.tokens,
      costUsd: call.costUsd,
      signal: call.signal,
    })
    let spent: Spent | undefined
    let failure: unknown
    try {
      return await call.attempt((used) => {
        spent = used
      })
    } catch (error) {
      failure = error
    } finally {
      lease.release(spent)
    }
    const { retryable, headers } = call.classify(failure)
    if (!retryable || retry >= call.policy.maxRetries || call.signal?.aborted) throw failure
    call.onRetry()
    await sleep(retryDelayMs(headers, retry, call.policy.maxRetryDelayMs), call.signal)
  }
}

/**
 * How long to wait before retry number `retry + 1`: what the server asked for (`retry-after-ms`, then
 * `Retry-After` in seconds or as a date), else 0.5 s doubling per retry, with up to 25% jitter, at most
 * `maxRetryDelayMs`.
 */
export function retryDelayMs(
  headers: Headers | undefined,
  retry: number,
  maxRetryDelayMs: number,
  random: () => number = Math.random,
): number {
  const asked = requestedDelayMs(headers)
  if (asked !== undefined) return asked
  const backoff = Math.min(INITIAL_DELAY_MS * 2 ** retry, maxRetryDelayMs)
  return backoff * (1 - random() * 0.25)
}

/** The delay a response asks for, if any. */
export function requestedDelayMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const milliseconds = Number.parseFloat(headers?.get('retry-after-ms') ?? '')
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds
  const value = headers?.get('retry-after')
  if (!value) return undefined
  const seconds = Number.parseFloat(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** HTTP statuses worth retrying: request timeout, lock timeout, rate limit and server errors. */
export function isRetryableStatus(status: number, headers?: Headers): boolean {
  const told = headers?.get('x-should-retry')
  if (told === 'true') return true
  if (told === 'false') return false
  return status === 408 || status === 409 || status === 429 || status >= 500
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve()
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
