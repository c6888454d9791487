/**
 * Internal to the reporter: per-dimension statistics of located records. Pure.
 */

import type { JudgmentRecord } from '../record/schema.ts'
import { isSpend } from '../record/spend.ts'
import { trialSpread } from '../reliability/trials.ts'
import { meanInterval } from '../stats/mean-interval.ts'
import type { UnsentCause } from '../types.ts'
import { callKey } from './collect.ts'
import { type PairwiseStats, pairwiseStats } from './pairwise-stats.ts'
import type { HeldRecord } from './record-spool.ts'
import type { DimensionStats, FloorSummary, JudgeSummary } from './schema.ts'
import { type TaskCostStats, taskCostStats } from './task-cost.ts'

export type { DimensionStats, FloorSummary, JudgeSummary } from './schema.ts'

/** Everything the reporter shows: run header data, then statistics per file and for the run. */
export interface RubricSummary {
  judges: JudgeSummary[]
  /**
   * Distinct judge calls made live in this run: requests that reached the judge, simulated users' turns included
   * (see `simulatedCalls`).
   */
  liveCalls: number
  /**
   * Distinct judgments whose request never reached the judge, by cause: skipped by the budget, or errors before
   * sending (no key, store unreadable, no stored judgment in `replay`). Not live calls.
   */
  unsentCalls: Partial<Record<UnsentCause, number>>
  /** Distinct judgments read from the store, simulated users' stored turns included. */
  storedCalls: number
  /** Simulated users' turns (`runConversation`), live, stored or unsent: of the calls above, not besides them. */
  simulatedCalls: number
  /** Distinct assertions answered by another assertion's judgment of the same output: no call of their own. */
  sharedCalls: number
  /** Distinct live judgments written to the store. */
  writtenCalls: number
  /** Distinct stored verdicts kept because their re-judging in this run failed. */
  keptCalls: number
  /** Entries of the store files that no test of a completely run file used (set by the reporter). */
  obsolete?: number
  /** Tokens of the live calls (stored judgments cost nothing in this run). */
  tokens: number
  /** Cost in US dollars of the live calls whose model has a price. */
  costUsd: number
  /** Retries of live calls after transient failures (429, 5xx, timeouts), over the judgments of the run. */
  retries: number
  /** Number of records. */
  records: number
  /** Per dimension over the whole run, sorted by dimension name. */
  run: DimensionStats[]
  /** What the system under test spent per task over the run (`describeEval` tasks); `null` without tasks. */
  runCost: TaskCostStats | null
  /** Per dimension compared pairwise over the run (`toBePreferredOver`), sorted by dimension name. */
  pairwise: PairwiseStats[]
  /** Per file, sorted by file, each with its dimensions sorted by name and its tasks' cost. */
  files: { file: string; dimensions: DimensionStats[]; cost: TaskCostStats | null }[]
}

/** Aggregates located records per dimension, per file and for the run. */
export function summarize(located: readonly HeldRecord[]): RubricSummary {
  // Spend (a task's cost, a simulated user's turn) is no quality score: it never counts in a dimension's n, mean or
  // pass rate.
  const records = located.filter((record) => !isSpend(record))
  const tasks = located.filter((record) => record.kind === 'task')
  const judges = new Map<string, JudgeSummary>()
  const liveCalls = new Set<string>()
  const storedCalls = new Set<string>()
  const writtenCalls = new Set<string>()
  const keptCalls = new Set<string>()
  const unsentCalls = new Map<string, UnsentCause>()
  const sharedCalls = new Set<string>()
  const byFile = new Map<string, HeldRecord[]>()
  let tokens = 0
  let costUsd = 0
  let retries = 0
  let simulatedCalls = 0
  // A simulated user's turn is a call of the run's judge client, under its limits and budget (whose spent total
  // includes it): it counts with the judge's calls, so that live calls, tokens and cost add up to what the budget
  // saw, and `simulatedCalls` says how many of them played a user rather than judged.
  for (const record of located) {
    // A deterministic check's or scorer's record is a dimension like any other, but neither a judge nor a call.
    // A pairwise preference is no score, but its two calls are calls of the judge.
    if (record.kind === 'simulation') simulatedCalls += 1
    else if (record.kind === 'judgment' || record.kind === 'pairwise') {
      if (!judges.has(record.judgeId)) {
        judges.set(record.judgeId, {
          id: record.judgeId,
          name: record.judgeName,
          model: record.model ?? null,
        })
      }
    } else continue
    const shared = record.kind !== 'simulation' && record.shared === true
    const call = callKey(record)
    const unsent = record.error?.unsent
    if (record.source === 'live' && !shared && !unsent) {
      // A call's retries are on each of its records; its tokens and cost are split over them.
      if (!liveCalls.has(call)) retries += record.retries ?? 0
      tokens += record.tokens?.total ?? 0
      costUsd += record.costUsd ?? 0
    }
    // The two orders of a comparison are two calls, with one record per dimension for both.
    for (const order of record.kind === 'pairwise' ? [call, `${call}\u0000baseline-first`] : [call]) {
      if (shared) sharedCalls.add(order)
      else if (unsent) unsentCalls.set(order, unsent)
      else if (record.source === 'live') liveCalls.add(order)
      else storedCalls.add(order)
      if (record.store?.written && !shared) writtenCalls.add(order)
      if (record.store?.kept && !shared) keptCalls.add(order)
    }
  }
  for (const record of records) {
    const fileRecords = byFile.get(record.file)
    if (fileRecords) fileRecords.push(record)
    else byFile.set(record.file, [record])
  }
  return {
    judges: [...judges.values()].sort((a, b) => compare(a.name, b.name) || compare(a.id, b.id)),
    liveCalls: liveCalls.size,
    unsentCalls: countBy(unsentCalls.values()),
    storedCalls: storedCalls.size,
    simulatedCalls,
    sharedCalls: sharedCalls.size,
    writtenCalls: writtenCalls.size,
    keptCalls: keptCalls.size,
    tokens,
    costUsd,
    retries,
    records: records.length,
    run: aggregateDimensions(records),
    runCost: taskCostStats(tasks),
    pairwise: pairwiseStats(records),
    files: [...new Set([...byFile.keys(), ...tasks.map((task) => task.file)])].sort(compare).map((file) => ({
      file,
      dimensions: aggregateDimensions(byFile.get(file) ?? []),
      cost: taskCostStats(tasks.filter((task) => task.file === file)),
    })),
  }
}

function countBy<T extends string>(values: Iterable<T>): Partial<Record<T, number>> {
  const counts: Partial<Record<T, number>> = {}
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1
  return counts
}

/** Statistics per dimension, sorted by dimension name. */
export function aggregateDimensions(records: readonly HeldRecord[]): DimensionStats[] {
  const byDimension = new Map<string, HeldRecord[]>()
  for (const record of records) {
    if (isSpend(record) || record.kind === 'pairwise') continue
    const group = byDimension.get(record.dimension)
    if (group) group.push(record)
    else byDimension.set(record.dimension, [record])
  }
  return [...byDimension.keys()]
    .sort(compare)
    .map((dimension) => dimensionStats(dimension, byDimension.get(dimension) ?? []))
}

/** Statistics of the records of one dimension. */
export function dimensionStats(
  dimension: string,
  records: readonly (Pick<HeldRecord, 'score' | 'pass' | 'floor' | 'source'> &
    Partial<Pick<JudgmentRecord, 'tokens' | 'costUsd' | 'trials' | 'unstable' | 'members'>>)[],
): DimensionStats {
  const scores: number[] = []
  let passed = 0
  let errors = 0
  let tokens = 0
  let costUsd = 0
  let live = 0
  let trialled = 0
  let spread = 0
  let unstable = 0
  const members = new Map<string, MemberTotal>()
  for (const record of records) {
    if (record.score === null) errors += 1
    else {
      scores.push(record.score)
      if (record.pass === true) passed += 1
      if (record.members) addMemberScores(members, record.members)
      if (record.trials && record.trials.length > 1) {
        trialled += 1
        spread += trialSpread(record.trials)
        if (record.unstable) unstable += 1
      }
    }
    if (record.source === 'live') {
      live += 1
      tokens += record.tokens?.total ?? 0
      costUsd += record.costUsd ?? 0
    }
  }
  // One score per output: with trials it is already the output's combined trials, so the interval is clustered by
  // output and repeated trials of one output do not pass for independent observations.
  scores.sort((a, b) => a - b)
  const interval = meanInterval(scores)
  const n = scores.length
  return {
    dimension,
    n,
    mean: n === 0 ? null : interval.mean,
    meanSe: n < 2 ? null : interval.se,
    // Scores are normalised: an interval reaching past 0 or 1 (few, spread scores) is cut at the scale's ends.
    meanLow: n < 2 ? null : Math.max(0, interval.low),
    meanHigh: n < 2 ? null : Math.min(1, interval.high),
    p10: percentile(scores, 0.1),
    min: scores[0] ?? null,
    passed,
    passRate: n === 0 ? null : passed / n,
    errors,
    floor: summarizeFloors(records.map((record) => record.floor)),
    tokens,
    costUsd,
    live,
    stored: records.length - live,
    ...(trialled > 0 ? { trialled, trialSpread: spread / trialled, unstable } : {}),
    ...(members.size > 0
      ? {
          members: [...members.values()].map(({ name, judgeId, n, sum }) => ({
            name,
            judgeId,
            n,
            mean: n === 0 ? null : sum / n,
          })),
        }
      : {}),
  }
}

interface MemberTotal {
  name: string
  judgeId: string
  n: number
  sum: number
}

/** Adds a panel judgment's member scores to the totals per member (by judge id, in order of appearance). */
function addMemberScores(
  totals: Map<string, MemberTotal>,
  members: NonNullable<JudgmentRecord['members']>,
): void {
  for (const { name, judgeId, score } of members) {
    let total = totals.get(judgeId)
    if (!total) {
      total = { name, judgeId, n: 0, sum: 0 }
      totals.set(judgeId, total)
    }
    if (score === null) continue
    total.n += 1
    total.sum += score
  }
}

/**
 * The `p` quantile (0 to 1) of ascending `sorted` values, by linear interpolation between the two order
 * statistics around rank `(n - 1) * p` (numpy's default, Hyndman and Fan type 7). One value is its own
 * quantile; `null` for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = (sorted.length - 1) * p
  const lower = Math.floor(rank)
  const low = sorted[lower] ?? 0
  const high = sorted[Math.min(lower + 1, sorted.length - 1)] ?? low
  return low + (rank - lower) * (high - low)
}

/** The common floor and the range of `floors`. */
export function summarizeFloors(floors: readonly number[]): FloorSummary {
  const counts = new Map<number, number>()
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const floor of floors) {
    counts.set(floor, (counts.get(floor) ?? 0) + 1)
    min = Math.min(min, floor)
    max = Math.max(max, floor)
  }
  let common = Number.NaN
  let best = 0
  for (const [floor, count] of counts) {
    if (count > best || (count === best && floor > common)) {
      common = floor
      best = count
    }
  }
  return { common, min, max }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
