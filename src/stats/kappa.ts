import { RubricArgumentError } from '../errors.ts'
import { assertPaired } from './assert.ts'

/** How disagreements between labels i and j (by position in the label list) are weighted. */
export type KappaWeights = 'none' | 'linear' | 'quadratic'

/** Options of {@link cohenKappa}. */
export interface CohenKappaOptions {
  /**
   * Every label of the scale, in order. Weighted kappa measures distance by position in this list,
   * so a scale must list its unused levels too.
   * @default the sorted distinct values of both samples
   */
  labels?: readonly number[]
  /**
   * `none`: every disagreement weighs 1; `linear`: |i - j|; `quadratic`: (i - j)^2.
   * @default 'none'
   */
  weights?: KappaWeights
}

/**
 * Cohen's kappa between two raters' labels, as sklearn.metrics.cohen_kappa_score:
 * 1 - sum(w * observed) / sum(w * expected), expected from the product of the marginals.
 *
 * `NaN` when undefined (no rows, or both raters used one and the same label, so no disagreement
 * could be expected). Unlike sklearn, a value missing from `labels` is an error, not silently dropped.
 */
export function cohenKappa(
  a: readonly number[],
  b: readonly number[],
  options: CohenKappaOptions = {},
): number {
  assertPaired('cohenKappa', a, b)
  const labels = options.labels ?? [...new Set([...a, ...b])].sort((p, q) => p - q)
  const weights = options.weights ?? 'none'
  const index = new Map(labels.map((label, i) => [label, i]))
  const k = labels.length
  const observed = Array.from({ length: k }, () => new Array<number>(k).fill(0))
  const rowTotals = new Array<number>(k).fill(0)
  const columnTotals = new Array<number>(k).fill(0)
  for (let r = 0; r < a.length; r++) {
    const i = labelIndex(index, a[r]!, labels)
    const j = labelIndex(index, b[r]!, labels)
    observed[i]![j]!++
    rowTotals[i]!++
    columnTotals[j]!++
  }
  const n = a.length
  let weightedObserved = 0
  let weightedExpected = 0
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const w = weight(weights, i, j)
      weightedObserved += w * observed[i]![j]!
      weightedExpected += (w * rowTotals[i]! * columnTotals[j]!) / n
    }
  }
  if (n === 0 || weightedExpected === 0) return Number.NaN
  return 1 - weightedObserved / weightedExpected
}

/** The inclusive range of an integer rating scale, such as 1 to 5. */
export interface IntegerScale {
  min: number
  max: number
}

/**
 * Quadratic-weighted kappa of integer ratings on a scale, every level of the scale counted
 * (sklearn's `cohen_kappa_score(a, b, weights='quadratic', labels=range(min, max + 1))`).
 */
export function quadraticWeightedKappa(
  a: readonly number[],
  b: readonly number[],
  scale: IntegerScale,
): number {
  if (!Number.isInteger(scale.min) || !Number.isInteger(scale.max) || scale.max <= scale.min) {
    throw new RubricArgumentError(
      `quadraticWeightedKappa() needs an integer scale with min < max, got ${scale.min} to ${scale.max}. ` +
        'Pass the rating scale, for example { min: 1, max: 5 }.',
    )
  }
  const labels = Array.from({ length: scale.max - scale.min + 1 }, (_, i) => scale.min + i)
  return cohenKappa(a, b, { labels, weights: 'quadratic' })
}

function labelIndex(index: ReadonlyMap<number, number>, value: number, labels: readonly number[]): number {
  const i = index.get(value)
  if (i === undefined) {
    throw new RubricArgumentError(
      `cohenKappa() got the value ${value}, which is not one of the labels ${labels.join(', ')}. ` +
        'Map scores onto the scale first, or pass every label in `labels`.',
    )
  }
  return i
}

function weight(weights: KappaWeights, i: number, j: number): number {
  switch (weights) {
    case 'none':
      return i === j ? 0 : 1
    case 'linear':
      return Math.abs(i - j)
    case 'quadratic':
      return (i - j) ** 2
  }
}
