/**
 * Internal to the reporter: what the system under test spent per task (`task` records), as percentiles. Pure.
 * A task's cost is no quality score: these statistics stand beside the dimensions, never among them.
 */

import { taskTokens } from '../eval/task-cost.ts'
import type { TaskRecord } from '../record/schema.ts'
import { mean, quantileSorted } from '../stats/descriptive.ts'
import type { CostStats, TaskCostStats } from './schema.ts'

export type { CostStats, TaskCostStats } from './schema.ts'

/** The statistics an upper-bound gate on a cost can bound. */
export const COST_STATISTICS = ['mean', 'p50', 'p95', 'p99'] as const
export type CostStatistic = (typeof COST_STATISTICS)[number]
/** The names gates use for the task costs. */
export const COST_DIMENSIONS = ['latency', 'tokens'] as const
export type CostDimension = (typeof COST_DIMENSIONS)[number]

/** The cost statistics of `task` records (only the last retry's, as the caller passes them); `null` without any. */
export function taskCostStats(
  records: readonly Pick<TaskRecord, 'latencyMs' | 'tokensByModel'>[],
): TaskCostStats | null {
  if (records.length === 0) return null
  const latency = records.map((record) => record.latencyMs)
  const tokens = records.flatMap((record) => {
    const total = taskTokens(record.tokensByModel)
    return total === undefined ? [] : [total]
  })
  return { latency: costStats(latency), tokens: tokens.length === 0 ? null : costStats(tokens) }
}

/** p50, p95, p99 (numpy's linear interpolation) and mean of `values`, which must not be empty. */
export function costStats(values: readonly number[]): CostStats {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
    mean: mean(sorted),
  }
}

const integer = new Intl.NumberFormat('en-US')

/** p50, p95, p99 and mean of a cost as text in its unit: `1,980 ms` for latency, `443` for tokens. */
export function costCells(dimension: CostDimension, stats: CostStats): string[] {
  return [stats.p50, stats.p95, stats.p99, stats.mean].map((value) => costText(dimension, value))
}

/** A cost as text in its unit: `1,980 ms` for latency, `443` for tokens. */
export function costText(dimension: CostDimension, value: number): string {
  return `${integer.format(Math.round(value))}${dimension === 'latency' ? ' ms' : ''}`
}
