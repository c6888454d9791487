import { mean } from './descriptive.ts'

/** A mean with its standard error and 95% interval. */
export interface MeanInterval {
  mean: number
  /** The standard error of the mean: the sample standard deviation (n - 1) over √n; `NaN` below 2 values. */
  se: number
  /** The 95% interval, `mean ± t(0.975, n - 1) · se`; `NaN` below 2 values. */
  low: number
  high: number
}

/** t(0.975, df) for df 1 to 9, where the expansion below is not yet accurate to four decimals. */
const T_975_SMALL_DF = [12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622]
const Z_975 = 1.959963984540054

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: a table up to 9, then the Cornish–Fisher
 * expansion around the normal quantile (within 1e-4 of the exact value from 10 on).
 */
export function studentT975(df: number): number {
  if (df < 10) return T_975_SMALL_DF[Math.max(1, Math.floor(df)) - 1]!
  const z = Z_975
  return (
    z +
    (z ** 3 + z) / (4 * df) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3) +
    (79 * z ** 9 + 776 * z ** 7 + 1482 * z ** 5 - 1920 * z ** 3 - 945 * z) / (92160 * df ** 4)
  )
}

/**
 * The mean of `values` with its standard error and a t-based 95% interval (`mean ± t(0.975, n - 1) · se`),
 * treating each value as one independent unit. Pass one value per cluster (for example each output's score
 * combined over its trials) so that repeated measurements of one unit do not narrow the interval.
 */
export function meanInterval(values: readonly number[]): MeanInterval {
  const n = values.length
  const m = mean(values)
  if (n < 2) return { mean: m, se: Number.NaN, low: Number.NaN, high: Number.NaN }
  let squares = 0
  for (const value of values) squares += (value - m) ** 2
  const se = Math.sqrt(squares / (n - 1) / n)
  const half = studentT975(n - 1) * se
  return { mean: m, se, low: m - half, high: m + half }
}
