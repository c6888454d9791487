/**
 * Internal to the reporter: the change of the system under test's costs against a baseline. Pure.
 *
 * Tasks are paired by location as judgments are (see baseline.ts). Latency is compared by its p95, the tail a user
 * waits on; tokens by their mean, which a bill follows. Both get a seeded paired bootstrap interval: a rise whose
 * interval excludes 0 is a regression, like a drop of a quality dimension.
 */
import { taskTokens } from '../eval/task-cost.ts'
import { type BootstrapOptions, bootstrapInterval, pairedBootstrapMeanDiff } from '../stats/bootstrap.ts'
import { mean, quantile } from '../stats/descriptive.ts'
import type { HeldRecord } from './record-spool.ts'
import type { CostChange } from './schema.ts'

export interface CostComparisonOptions extends Required<BootstrapOptions> {
  /** Fewer pairs than this are `incomparable`. */
  minPairs: number
}

/**
 * The change of latency p95 and mean tokens from the `task` records of `base` to those of `head`, both keyed by
 * location; `undefined` when neither run had tasks.
 */
export function compareCosts(
  base: ReadonlyMap<string, HeldRecord>,
  head: ReadonlyMap<string, HeldRecord>,
  options: CostComparisonOptions,
): CostChange[] | undefined {
  const latency = { before: [] as number[], after: [] as number[], added: 0, removed: 0 }
  const tokens = { before: [] as number[], after: [] as number[], added: 0, removed: 0 }
  let tasks = 0
  for (const [key, record] of head) {
    if (record.kind !== 'task') continue
    tasks += 1
    const before = base.get(key)
    const baseTask = before?.kind === 'task' ? before : undefined
    pair(latency, baseTask?.latencyMs, record.latencyMs)
    pair(tokens, baseTask && taskTokens(baseTask.tokensByModel), taskTokens(record.tokensByModel))
  }
  for (const [key, record] of base) {
    if (record.kind !== 'task') continue
    tasks += 1
    const after = head.get(key)
    if (after?.kind === 'task') continue
    latency.removed += 1
    if (taskTokens(record.tokensByModel) !== undefined) tokens.removed += 1
  }
  if (tasks === 0) return undefined
  return [
    costChange('latency', 'p95', latency, (values) => quantile(values, 0.95), options),
    costChange('tokens', 'mean', tokens, mean, options),
  ]
}

interface Pairs {
  before: number[]
  after: number[]
  added: number
  removed: number
}

function pair(pairs: Pairs, before: number | undefined, after: number | undefined) {
  if (after === undefined) {
    if (before !== undefined) pairs.removed += 1
  } else if (before === undefined) pairs.added += 1
  else {
    pairs.before.push(before)
    pairs.after.push(after)
  }
}

function costChange(
  dimension: CostChange['dimension'],
  statistic: CostChange['statistic'],
  { before, after, added, removed }: Pairs,
  of: (values: readonly number[]) => number,
  { minPairs, ...bootstrap }: CostComparisonOptions,
): CostChange {
  const pairs = before.length
  const counts = { dimension, statistic, pairs, added, removed }
  if (pairs === 0) {
    const none = { baseValue: null, headValue: null, diff: null, low: null, high: null }
    return { ...counts, ...none, verdict: 'incomparable' }
  }
  const { diff, low, high } =
    statistic === 'mean'
      ? pairedBootstrapMeanDiff(before, after, bootstrap)
      : pairedStatisticDiff(before, after, of, bootstrap)
  const verdict =
    pairs < minPairs ? 'incomparable' : low > 0 ? 'regressed' : high < 0 ? 'improved' : 'unchanged'
  return { ...counts, baseValue: of(before), headValue: of(after), diff, low, high, verdict }
}

/** `of(after) - of(before)` with a bootstrap interval that resamples the pairs, keeping each pair together. */
function pairedStatisticDiff(
  before: readonly number[],
  after: readonly number[],
  of: (values: readonly number[]) => number,
  options: Required<BootstrapOptions>,
) {
  const indices = before.map((_, index) => index)
  const { estimate, low, high } = bootstrapInterval(
    (sample: readonly number[]) =>
      of(sample.map((index) => after[index]!)) - of(sample.map((index) => before[index]!)),
    indices,
    options,
  )
  return { diff: estimate, low, high }
}

const signed = new Intl.NumberFormat('en-US', { signDisplay: 'exceptZero' })

/** `latency p95 +420 ms [+210, +650]`, `tokens mean -120 [-180, -60]`, or without pairs `latency p95 -`. */
export function formatCostChange(change: CostChange): string {
  return `${change.dimension} ${change.statistic} ${formatCostDiff(change)}`
}

/** The change alone: `+420 ms [+210, +650]`, or `-` without pairs. */
export function formatCostDiff(change: CostChange): string {
  if (change.diff === null || change.low === null || change.high === null) return '-'
  const unit = change.dimension === 'latency' ? ' ms' : ''
  const round = (value: number) => signed.format(Math.round(value))
  return `${round(change.diff)}${unit} [${round(change.low)}, ${round(change.high)}]`
}
