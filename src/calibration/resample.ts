/**
 * Internal to calibration: percentile bootstrap intervals of several statistics from one set of resamples.
 * Each interval is the one `bootstrapInterval` gives for that statistic alone with the same options (the same
 * seeded draws), but the rows are drawn once per resample and statistics computed together share their work.
 */
import { RubricArgumentError } from '../errors.ts'
import { type BootstrapOptions, createRng, quantileSorted, randomIndex } from '../stats/index.ts'
import type { CalibrationEstimate } from '../types.ts'

/**
 * @param statistics computes every statistic of a sample at once; the sample is a reused buffer: read it, do
 *   not keep it. A `NaN` statistic leaves that resample out of its own interval only.
 */
export function bootstrapEstimates<T, K extends string>(
  data: readonly T[],
  statistics: (sample: readonly T[]) => Record<K, number>,
  options: Required<BootstrapOptions>,
): Record<K, CalibrationEstimate> {
  const { resamples, seed, level } = options
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
        const value = values[key]
        if (!Number.isNaN(value)) results.get(key)!.push(value)
      }
    }
  }
  const tail = (1 - level) / 2
  const out = {} as Record<K, CalibrationEstimate>
  for (const key of keys) {
    const sorted = results.get(key)!.sort((a, b) => a - b)
    out[key] = {
      value: finite(estimates[key]),
      low: sorted.length === 0 ? null : finite(quantileSorted(sorted, tail)),
      high: sorted.length === 0 ? null : finite(quantileSorted(sorted, 1 - tail)),
    }
  }
  return out
}

/** JSON has no NaN: an undefined statistic is `null`. */
export function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null
}
