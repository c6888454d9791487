/**
 * Internal to the reporter: a progress line for long eval runs (judged live, from the store, errors, cost so
 * far), and at the end the judge budget's account. Lines go through Vitest's logger, so they land above Vitest's
 * own live summary in a terminal; they are throttled, start only once a run has gone on for a while, and never
 * appear between watch-mode runs.
 */
import picocolors from 'picocolors'
import type { Reporter, TestCase, Vitest } from 'vitest/node'
import { formatUsd } from '../judge/limiter/limiter.ts'
import type { RubricRecord } from '../types.ts'
import { lastAttempt } from './collect.ts'

/** What the run has judged so far; each judgment counts once, whatever number of dimensions it scored. */
export interface ProgressCounts {
  live: number
  stored: number
  /** Judgments that are errors (live or not). */
  errors: number
  /** Of the errors, the outputs not judged because the budget was spent. */
  skipped: number
  costUsd: number
}

/** When lines are printed: the first after `delayMs` of the run, then at most one per `intervalMs`. */
export interface ThrottleOptions {
  delayMs: number
  intervalMs: number
}

/** A terminal: a line at most every 2 s, once the run has taken 2 s. */
export const INTERACTIVE_THROTTLE: ThrottleOptions = { delayMs: 2_000, intervalMs: 2_000 }
/** CI logs: a line at most every 10 s. */
export const CI_THROTTLE: ThrottleOptions = { delayMs: 10_000, intervalMs: 10_000 }

export function emptyCounts(): ProgressCounts {
  return { live: 0, stored: 0, errors: 0, skipped: 0, costUsd: 0 }
}

/** Adds the judgments of one test's last attempt to `counts`. */
export function countJudgments(counts: ProgressCounts, records: readonly RubricRecord[]): void {
  const seen = new Set<string>()
  for (const record of lastAttempt(records)) {
    if (record.kind !== 'judgment') continue
    // Every record carries its share of its call's cost.
    if (record.source === 'live') counts.costUsd += record.costUsd ?? 0
    // Answered by another assertion's judgment, which is counted.
    if (record.shared || seen.has(record.callId)) continue
    seen.add(record.callId)
    if (record.error) {
      counts.errors += 1
      if (record.error.code === 'RUBRIC_JUDGE_BUDGET') counts.skipped += 1
    } else if (record.source === 'live') counts.live += 1
    else counts.stored += 1
  }
}

const integer = new Intl.NumberFormat('en-US')

/** The judge budget of a run as the limiter keeps it: spent, and reserved by the calls in flight. */
export interface BudgetAccount {
  budgetUsd: number
  spentUsd: number
  reservedUsd: number
}

/**
 * ` Rubric  12 judged live · 300 from store · 1 error · $0.042 · 1m 05s`; with a budget, its account in place
 * of the cost: `$0.042 spent + $0.012 reserved of $5.00`.
 */
export function formatProgress(
  counts: ProgressCounts,
  elapsedMs: number,
  colors = false,
  budget?: BudgetAccount,
): string {
  const c = picocolors.createColors(colors)
  const cost = budget
    ? [
        `${formatUsd(budget.spentUsd)} spent + ${formatUsd(budget.reservedUsd)} reserved of ${formatUsd(budget.budgetUsd)}`,
      ]
    : counts.costUsd > 0
      ? [formatUsd(counts.costUsd)]
      : []
  const parts = [
    `${integer.format(counts.live)} judged live`,
    `${integer.format(counts.stored)} from store`,
    counts.errors > 0
      ? c.red(`${integer.format(counts.errors)} ${counts.errors === 1 ? 'error' : 'errors'}`)
      : '0 errors',
    ...cost,
    formatElapsed(elapsedMs),
  ]
  return ` ${c.dim('Rubric')} ${parts.join(c.dim(' · '))}`
}

/**
 * ` judge budget $5.00: spent $5.01; 37 outputs not judged (budget spent)`, with what calls still in flight
 * reserved when there are any.
 */
export function formatBudget(account: BudgetAccount, skipped: number): string {
  const outputs = `${integer.format(skipped)} ${skipped === 1 ? 'output' : 'outputs'}`
  const rest = skipped > 0 ? `; ${outputs} not judged (budget spent)` : '; nothing skipped'
  const reserved = account.reservedUsd > 0 ? `, ${formatUsd(account.reservedUsd)} reserved` : ''
  return ` judge budget ${formatUsd(account.budgetUsd)}: spent ${formatUsd(account.spentUsd)}${reserved}${rest}`
}

/** `8s`, `1m 05s` */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`
}

/** Decides when a progress line is due. */
export class ProgressThrottle {
  private last: number | undefined

  constructor(
    private readonly options: ThrottleOptions,
    private readonly started: number,
  ) {}

  /** Whether a line is due at `now`; when it is, the next is due `intervalMs` later. */
  due(now: number): boolean {
    if (now - this.started < this.options.delayMs) return false
    if (this.last !== undefined && now - this.last < this.options.intervalMs) return false
    this.last = now
    return true
  }
}

/** What the progress reporter reads from the judge limiter of the run, when there is one. */
export interface BudgetSource {
  budgetUsd: number | undefined
  /** Called when a run starts: the budget is per run. */
  resetRun(): void
  stats(): { spentUsd: number; reservedUsd: number; refused: number }
}

export interface ProgressReporterOptions {
  /** @default true */
  progress?: boolean | undefined
  /** Environment, for `CI`. @default process.env */
  env?: NodeJS.ProcessEnv
  /** @default performance.now */
  now?: () => number
}

/** Prints the progress line during a run and the budget's account after it. */
export class ProgressReporter implements Reporter {
  private vitest: Vitest | undefined
  private counts = emptyCounts()
  private throttle: ProgressThrottle | undefined
  private started = 0
  private readonly now: () => number

  constructor(
    private readonly options: ProgressReporterOptions = {},
    private readonly budget?: BudgetSource,
  ) {
    this.now = options.now ?? (() => performance.now())
  }

  onInit(vitest: Vitest): void {
    this.vitest = vitest
  }

  onTestRunStart(): void {
    this.budget?.resetRun()
    this.counts = emptyCounts()
    this.started = this.now()
    if (this.options.progress === false) return
    const env = this.options.env ?? process.env
    const ci = Boolean(env.CI) && env.CI !== '0' && env.CI !== 'false'
    const tty = Boolean((this.vitest?.logger.outputStream as { isTTY?: boolean } | undefined)?.isTTY)
    this.throttle = new ProgressThrottle(tty && !ci ? INTERACTIVE_THROTTLE : CI_THROTTLE, this.started)
  }

  onTestCaseResult(testCase: TestCase): void {
    const records = (testCase.meta() as { rubric?: unknown }).rubric
    if (!Array.isArray(records) || records.length === 0) return
    countJudgments(this.counts, records as RubricRecord[])
    const now = this.now()
    if (this.throttle?.due(now)) {
      this.print(formatProgress(this.counts, now - this.started, this.colors(), this.account()))
    }
  }

  onTestRunEnd(): void {
    // Between watch-mode runs nothing is printed: lines come only from test results inside a run.
    this.throttle = undefined
    const account = this.account()
    if (account) this.print(formatBudget(account, this.budget!.stats().refused))
  }

  private account(): BudgetAccount | undefined {
    const budgetUsd = this.budget?.budgetUsd
    if (budgetUsd === undefined) return undefined
    const { spentUsd, reservedUsd } = this.budget!.stats()
    return { budgetUsd, spentUsd, reservedUsd }
  }

  private colors(): boolean {
    const stream = this.vitest?.logger.outputStream as { isTTY?: boolean } | undefined
    return !process.env.NO_COLOR && Boolean(stream?.isTTY)
  }

  private print(line: string): void {
    this.vitest?.logger.log(line)
  }
}
