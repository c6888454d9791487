import { RubricArgumentError } from '../errors.ts'
import { assertPaired } from './assert.ts'
import { mean, quantileSorted } from './descriptive.ts'
import { createRng, randomIndex } from './random.ts'

/** Options of {@link bootstrapInterval} and {@link pairedBootstrapMeanDiff}. */
export interface BootstrapOptions {
  /**
   * How many resamples to draw.
   * @default 2000
   */
  resamples?: number
  /**
   * The seed of the generator; the same seed and data give the same interval.
   * @default 1
   */
  seed?: number
  /**
   * The confidence level of the interval.
   * @default 0.95
   */
  level?: number
}

/** A statistic with its percentile bootstrap interval. */
export interface BootstrapInterval {
  /** The statistic on the data itself. */
  estimate: number
  /** The lower bound: the (1 - level) / 2 quantile of the resampled statistics; `NaN` if none was defined. */
  low: number
  /** The upper bound: the (1 + level) / 2 quantile of the resampled statistics; `NaN` if none was defined. */
  high: number
  /**
   * Resamples whose statistic was defined. Resamples where it is `NaN` (for example a correlation on a
   * resample whose scores are all equal) are left out of the interval.
   */
  resamplesUsed: number
}

/** The change of the mean between two paired runs, with its paired bootstrap interval. */
export interface MeanDiffInterval {
  /** mean(b) - mean(a): positive when `b` scores higher. */
  diff: number
  low: number
  high: number
}

/**
 * A percentile bootstrap interval: resamples the rows of `data` with replacement, applies `statistic`
 * to each resample and takes the quantiles of the results (numpy's linear interpolation).
 *
 * `statistic` receives a buffer that is reused across resamples: read it, do not keep it.
 */
export function bootstrapInterval<T>(
  statistic: (sample: readonly T[]) => number,
  data: readonly T[],
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapIntervals((sample: readonly T[]) => ({ value: statistic(sample) }), data, options).value
}

/**
 * {@link bootstrapInterval} for several statistics computed together from the same resamples: each interval
 * is the one `bootstrapInterval` gives for that statistic alone with the same options (the same seeded draws),
 * but the rows are drawn once per resample and the statistics can share their work. A `NaN` statistic leaves
 * that resample out of its own interval only.
 */
export function bootstrapIntervals<T, K extends string>(
  statistics: (sample: readonly T[]) => Record<K, number>,
  data: readonly T[],
  options: BootstrapOptions = {},
): Record<K, BootstrapInterval> {
  const { resamples = 2000, seed = 1, level = 0.95 } = options
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RubricArgumentError(
      `bootstrap resamples must be a positive integer, got ${resamples}. 2000 is usual.`,
    )
  }
  if (!(level > 0 && level < 1)) {
    throw new RubricArgumentError(
      `a confidence level must be between 0 and 1, got ${level}. Write 0.95 for 95%.`,
    )
  }
  const estimates = statistics(data)
  const keys = Object.keys(estimates) as K[]
  const results = new Map<K, number[]>(keys.map((key) => [key, []]))
  const n = data.length
  if (n > 0) {
    const rng = createRng(seed)
    const sample = new Array<T>(n)
    for (let r = 0; r < resamples; r++) {
      for (let i = 0; i < n; i++) sample[i] = data[randomIndex(rng, n)]!
      const values = statistics(sample)
      for (const key of keys) {
        if (!Number.isNaN(values[key])) results.get(key)!.push(values[key])
      }
    }
  }
  const tail = (1 - level) / 2
  const intervals = {} as Record<K, BootstrapInterval>
  for (const key of keys) {
    const sorted = results.get(key)!.sort((x, y) => x - y)
    intervals[key] = {
      estimate: estimates[key],
      low: sorted.length === 0 ? Number.NaN : quantileSorted(sorted, tail),
      high: sorted.length === 0 ? Number.NaN : quantileSorted(sorted, 1 - tail),
      resamplesUsed: sorted.length,
    }
  }
  return intervals
}

/**
 * The change of the mean from `a` to `b` over the same items (a[i] and b[i] score the same output),
 * with a paired bootstrap interval: each resample draws item indices and keeps both scores of an item
 * together, so the spread between items cancels out and only the change is measured. An interval that
 * excludes 0 is a change beyond noise.
 */
export function pairedBootstrapMeanDiff(
  a: readonly number[],
  b: readonly number[],
  options: BootstrapOptions = {},
): MeanDiffInterval {
  assertPaired('pairedBootstrapMeanDiff', a, b)
  const differences = b.map((value, i) => value - a[i]!)
  const { estimate, low, high } = bootstrapInterval(mean, differences, options)
  return { diff: estimate, low, high }
}
