/**
 * Internal to the reporter: the comparison of a run with a baseline report. Pure.
 *
 * Judgments are paired by where they were made, not by what was judged: project, file, test name, dimension and
 * the occurrence of that dimension within the test (the first, second... record of it). A changed prompt gives
 * changed outputs at the same place, and that change of score is what a baseline is for; pairing by output would
 * only pair outputs that did not change. Renaming a test or moving it to another file unpairs it (it counts as
 * removed and added).
 */
import { pairedBootstrapMeanDiff } from '../stats/bootstrap.ts'
import { mean } from '../stats/descriptive.ts'
import { compareCosts, formatCostChange } from './cost-change.ts'
import type { HeldRecord, HeldReport } from './record-spool.ts'
import type { BaselineComparison, DimensionChange, ReportJudgment, RubricAlert } from './schema.ts'

/** The confidence level, resamples and seed of the comparison; fixed, so a comparison is reproducible. */
export const COMPARISON_LEVEL = 0.95
export const COMPARISON_RESAMPLES = 2000
export const COMPARISON_SEED = 1
/**
 * Fewer pairs than this say nothing either way: a bootstrap over a handful of outputs gives intervals far too
 * narrow (with one pair, a zero-width one), and even five drops out of five would happen by chance 6% of the time.
 */
export const MIN_PAIRS = 5

/** The judgments of a report keyed by location; see the module comment. */
export function judgmentsByLocation<J extends HeldRecord>(judgments: readonly J[]): Map<string, J> {
  const occurrences = new Map<string, number>()
  const keyed = new Map<string, J>()
  for (const judgment of judgments) {
    const place = JSON.stringify([judgment.project, judgment.file, judgment.test, judgment.dimension])
    const occurrence = occurrences.get(place) ?? 0
    occurrences.set(place, occurrence + 1)
    keyed.set(`${place}#${occurrence}`, judgment)
  }
  return keyed
}

/** Each judgment of `head` with the judgment of `base` made at the same place, when there is one. */
export function pairJudgments<J extends HeldRecord>(
  base: readonly ReportJudgment[],
  head: readonly J[],
): Map<J, ReportJudgment> {
  const baseByKey = judgmentsByLocation(base)
  const pairs = new Map<J, ReportJudgment>()
  for (const [key, judgment] of judgmentsByLocation(head)) {
    const match = baseByKey.get(key)
    if (match) pairs.set(judgment, match)
  }
  return pairs
}

export interface CompareOptions {
  /** How the baseline is named in the comparison (its path). */
  file: string
}

/**
 * Per dimension scored by either run, the change of the mean over the outputs both scored, with a seeded paired
 * bootstrap interval: improved or regressed when the interval excludes 0, unchanged (within noise) when it
 * holds it, incomparable with fewer than {@link MIN_PAIRS} pairs. Dimensions in name order.
 */
export function compareReports(
  base: HeldReport,
  head: HeldReport,
  options: CompareOptions,
): BaselineComparison {
  // A pairwise preference is no score of its dimension: only scores are compared.
  const scored = (judgments: readonly HeldRecord[]) =>
    judgments.filter((record) => record.kind !== 'pairwise')
  const baseByKey = judgmentsByLocation(scored(base.judgments))
  const headByKey = judgmentsByLocation(scored(head.judgments))
  const dimensions = new Map<string, { base: number[]; head: number[]; added: number; removed: number }>()
  const entry = (dimension: string) => {
    let found = dimensions.get(dimension)
    if (!found) {
      found = { base: [], head: [], added: 0, removed: 0 }
      dimensions.set(dimension, found)
    }
    return found
  }
  for (const [key, judgment] of headByKey) {
    if (judgment.score === null) continue
    const before = baseByKey.get(key)
    const scores = entry(judgment.dimension)
    if (before?.score === null || before === undefined) scores.added += 1
    else {
      scores.base.push(before.score)
      scores.head.push(judgment.score)
    }
  }
  for (const [key, judgment] of baseByKey) {
    if (judgment.score === null) continue
    const after = headByKey.get(key)
    if (after?.score === null || after === undefined) entry(judgment.dimension).removed += 1
  }
  const changes: DimensionChange[] = [...dimensions.keys()].sort(compare).map((dimension) => {
    const { base: before, head: after, added, removed } = dimensions.get(dimension)!
    return { dimension, ...meanChange(before, after), added, removed }
  })
  const costs = compareCosts(baseByKey, headByKey, {
    level: COMPARISON_LEVEL,
    resamples: COMPARISON_RESAMPLES,
    seed: COMPARISON_SEED,
    minPairs: MIN_PAIRS,
  })
  return {
    file: options.file,
    createdAt: base.createdAt,
    commit: base.commit,
    level: COMPARISON_LEVEL,
    resamples: COMPARISON_RESAMPLES,
    seed: COMPARISON_SEED,
    dimensions: changes,
    ...(costs ? { costs } : {}),
  }
}

/** The change from paired `before` to `after` scores and its verdict. */
export function meanChange(
  before: readonly number[],
  after: readonly number[],
): Omit<DimensionChange, 'dimension' | 'added' | 'removed'> {
  const pairs = before.length
  if (pairs === 0) {
    return {
      pairs,
      baseMean: null,
      headMean: null,
      diff: null,
      low: null,
      high: null,
      verdict: 'incomparable',
    }
  }
  const { diff, low, high } = pairedBootstrapMeanDiff(before, after, {
    level: COMPARISON_LEVEL,
    resamples: COMPARISON_RESAMPLES,
    seed: COMPARISON_SEED,
  })
  const verdict =
    pairs < MIN_PAIRS ? 'incomparable' : low > 0 ? 'improved' : high < 0 ? 'regressed' : 'unchanged'
  return { pairs, baseMean: mean(before), headMean: mean(after), diff, low, high, verdict }
}

/** A P1 alert per dimension that regressed, and per task cost that rose. */
export function regressionAlerts(comparison: BaselineComparison): RubricAlert[] {
  const dimensions = comparison.dimensions
    .filter((change) => change.verdict === 'regressed')
    .map((change) => ({
      tier: 'P1' as const,
      kind: 'regression' as const,
      dimension: change.dimension,
      message: `${change.dimension} mean ${formatChange(change)} against ${comparison.file} (${change.pairs} paired outputs)`,
    }))
  const costs = (comparison.costs ?? [])
    .filter((change) => change.verdict === 'regressed')
    .map((change) => ({
      tier: 'P1' as const,
      kind: 'regression' as const,
      dimension: change.dimension,
      message: `${formatCostChange(change)} against ${comparison.file} (${change.pairs} paired tasks)`,
    }))
  return [...dimensions, ...costs]
}

/** `-0.125 [-0.200, -0.050]`, `+0.000 [+0.000, +0.000]`, or `-` without pairs. */
export function formatChange(change: Pick<DimensionChange, 'diff' | 'low' | 'high'>): string {
  if (change.diff === null || change.low === null || change.high === null) return '-'
  return `${signed(change.diff)} [${signed(change.low)}, ${signed(change.high)}]`
}

/**
 * A verdict as people read it, the same in table rows and summaries: `incomparable` is "too few pairs" (fewer than
 * {@link MIN_PAIRS} outputs scored by both runs).
 */
export function verdictText(verdict: DimensionChange['verdict']): string {
  return verdict === 'incomparable' ? 'too few pairs' : verdict
}

function signed(value: number): string {
  // -0.0001 would print as -0.000; a change that rounds to 0 is written as +0.000.
  const text = value.toFixed(3)
  return text.startsWith('-') && Number(text) !== 0 ? text : `+${text.replace('-', '')}`
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
