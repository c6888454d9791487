/** The most common value of a sample and its share of the rows. */
export interface MostCommonValue {
  /** The most common value (the smallest of them on a tie); `NaN` when empty. */
  value: number
  /** How many rows have it. */
  count: number
  /** count / rows; `NaN` when empty. */
  share: number
}

/** A judge whose most common score covers more than this share of rows is flagged as clustering. */
export const CLUSTERING_SHARE_THRESHOLD = 0.6

/**
 * The most common value and its share. A judge that gives one score to most outputs cannot rank them,
 * whatever its mean error, so calibration warns when the share exceeds {@link CLUSTERING_SHARE_THRESHOLD}.
 */
export function mostCommonValue(values: readonly number[]): MostCommonValue {
  const counts = new Map<number, number>()
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1)
  let best: MostCommonValue = { value: Number.NaN, count: 0, share: Number.NaN }
  for (const [value, count] of counts) {
    if (count > best.count || (count === best.count && value < best.value)) {
      best = { value, count, share: count / values.length }
    }
  }
  return best
}

/** Whether one value covers more than `threshold` of the rows. */
export function isClustered(values: readonly number[], threshold = CLUSTERING_SHARE_THRESHOLD): boolean {
  return mostCommonValue(values).share > threshold
}
