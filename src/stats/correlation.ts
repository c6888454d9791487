import { assertPaired } from './assert.ts'
import { averageRanks } from './ranks.ts'

/** The correlation coefficients this module computes; `kendall` is Kendall's tau-b. */
export type CorrelationMethod = 'pearson' | 'spearman' | 'kendall'

/**
 * Pearson's product-moment correlation of paired samples (scipy.stats.pearsonr's statistic).
 *
 * Returns `NaN` when it is undefined: fewer than 2 pairs, or either sample constant. `NaN`
 * (not `null`) keeps the result a number, as in SciPy; callers test with `Number.isNaN`, and
 * `JSON.stringify` writes it as `null`.
 */
export function pearson(x: readonly number[], y: readonly number[]): number {
  assertPaired('pearson', x, y)
  const n = x.length
  if (n < 2 || isConstant(x) || isConstant(y)) return Number.NaN
  let meanX = 0
  let meanY = 0
  for (let i = 0; i < n; i++) {
    meanX += x[i]!
    meanY += y[i]!
  }
  meanX /= n
  meanY /= n
  let sxy = 0
  let sxx = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - meanX
    const dy = y[i]! - meanY
    sxy += dx * dy
    sxx += dx * dx
    syy += dy * dy
  }
  return clamp(sxy / (Math.sqrt(sxx) * Math.sqrt(syy)))
}

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks, tied values sharing their
 * average rank (scipy.stats.spearmanr's statistic). `NaN` when undefined, as for {@link pearson}.
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  assertPaired('spearman', x, y)
  return pearson(averageRanks(x), averageRanks(y))
}

/**
 * Kendall's tau-b (scipy.stats.kendalltau's default `variant='b'`):
 * (concordant - discordant) / sqrt((pairs - pairs tied in x) * (pairs - pairs tied in y)),
 * where a pair tied in both x and y counts as tied in each and is neither concordant nor discordant.
 * `NaN` when undefined (fewer than 2 pairs, or either sample constant).
 *
 * Knight's O(n log n) method: sort by (x, y), then count the swaps a stable merge sort by y needs;
 * each swap is one discordant pair. Bootstraps call this thousands of times, so O(n^2) would not do.
 */
export function kendallTauB(x: readonly number[], y: readonly number[]): number {
  assertPaired('kendallTauB', x, y)
  const n = x.length
  if (n < 2) return Number.NaN
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a]! - x[b]! || y[a]! - y[b]!)

  const tiedInX = tiedPairs(order, (a, b) => x[a] === x[b])
  const tiedInBoth = tiedPairs(order, (a, b) => x[a] === x[b] && y[a] === y[b])
  const discordant = sortCountingSwaps(order, y)
  const tiedInY = tiedPairs(order, (a, b) => y[a] === y[b])

  const pairs = (n * (n - 1)) / 2
  if (tiedInX === pairs || tiedInY === pairs) return Number.NaN
  const concordantMinusDiscordant = pairs - tiedInX - tiedInY + tiedInBoth - 2 * discordant
  return clamp(concordantMinusDiscordant / Math.sqrt(pairs - tiedInX) / Math.sqrt(pairs - tiedInY))
}

/** The correlation named by `method`. */
export function correlation(method: CorrelationMethod, x: readonly number[], y: readonly number[]): number {
  switch (method) {
    case 'pearson':
      return pearson(x, y)
    case 'spearman':
      return spearman(x, y)
    case 'kendall':
      return kendallTauB(x, y)
  }
}

/** Whether every value equals the first (an empty or one-value sample is constant). */
export function isConstant(values: readonly number[]): boolean {
  const first = values[0]
  return values.every((value) => value === first)
}

function clamp(r: number): number {
  return Math.min(1, Math.max(-1, r))
}

/** Pairs within runs of adjacent equal elements of `order`: sum of t(t-1)/2 over runs of length t. */
function tiedPairs(order: readonly number[], equal: (a: number, b: number) => boolean): number {
  let total = 0
  let run = 1
  for (let i = 1; i <= order.length; i++) {
    if (i < order.length && equal(order[i - 1]!, order[i]!)) {
      run++
    } else {
      total += (run * (run - 1)) / 2
      run = 1
    }
  }
  return total
}

/** Stable bottom-up merge sort of `order` (in place) by `key`, returning the number of inversions. */
function sortCountingSwaps(order: number[], key: readonly number[]): number {
  const n = order.length
  let source = order
  let target = new Array<number>(n)
  let swaps = 0
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n)
      const hi = Math.min(lo + 2 * width, n)
      let i = lo
      let j = mid
      let k = lo
      while (i < mid && j < hi) {
        // Strictly smaller only: equal keys keep their order and are ties, not discordant pairs.
        if (key[source[j]!]! < key[source[i]!]!) {
          swaps += mid - i
          target[k++] = source[j++]!
        } else {
          target[k++] = source[i++]!
        }
      }
      while (i < mid) target[k++] = source[i++]!
      while (j < hi) target[k++] = source[j++]!
    }
    ;[source, target] = [target, source]
  }
  if (source !== order) for (let i = 0; i < n; i++) order[i] = source[i]!
  return swaps
}
