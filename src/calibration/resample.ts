/**
 * Internal to calibration: bootstrap intervals of several statistics from one set of resamples, in the shape
 * calibration files keep (no NaN in JSON).
 */
import { type BootstrapOptions, bootstrapIntervals } from '../stats/index.ts'
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
  const intervals = bootstrapIntervals(statistics, data, options)
  const estimates = {} as Record<K, CalibrationEstimate>
  for (const key of Object.keys(intervals) as K[]) {
    const { estimate, low, high } = intervals[key]
    estimates[key] = { value: finite(estimate), low: finite(low), high: finite(high) }
  }
  return estimates
}

/** JSON has no NaN: an undefined statistic is `null`. */
export function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null
}
