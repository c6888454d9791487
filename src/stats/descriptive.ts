import { RubricArgumentError } from '../errors.ts'

/** The arithmetic mean; `NaN` when empty. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  let sum = 0
  for (const value of values) sum += value
  return sum / values.length
}

/**
 * The `p` quantile (0 to 1) by linear interpolation between closest ranks, numpy.quantile's default
 * (`method='linear'`, Hyndman and Fan type 7); `NaN` when empty. `quantile(scores, 0.1)` is the p10.
 */
export function quantile(values: readonly number[], p: number): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    p,
  )
}

/** {@link quantile} of values already sorted ascending, for callers that take several quantiles. */
export function quantileSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) {
    throw new RubricArgumentError(
      `a quantile must be between 0 and 1, got ${p}. Write 0.1 for the 10th percentile.`,
    )
  }
  if (sorted.length === 0) return Number.NaN
  const position = p * (sorted.length - 1)
  const below = Math.floor(position)
  const fraction = position - below
  const low = sorted[below]!
  if (fraction === 0) return low
  return low + fraction * (sorted[below + 1]! - low)
}
