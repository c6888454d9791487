import { spearman } from './correlation.ts'

/**
 * Ratings of several annotators: one array per unit (row), one entry per annotator, in the same
 * annotator order for every unit. `null`, `undefined` or `NaN` marks a rating that is missing.
 */
export type AnnotatorRatings = readonly (readonly (number | null | undefined)[])[]

/**
 * Krippendorff's alpha for interval data (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011):
 * 1 - observed disagreement / disagreement expected by chance, with the squared difference as the
 * distance. The standard agreement coefficient for any number of annotators with missing ratings:
 * 1 is perfect agreement, 0 is chance level. Only units with at least 2 ratings count.
 * `NaN` when undefined (no unit with 2 ratings, or every rating the same).
 */
export function krippendorffAlphaInterval(units: AnnotatorRatings): number {
  const pairable: number[][] = []
  for (const unit of units) {
    const ratings = present(unit)
    if (ratings.length >= 2) pairable.push(ratings)
  }
  const all = pairable.flat()
  const n = all.length
  if (n < 2) return Number.NaN
  // Over the ordered pairs i != j of m values, the sum of (v_i - v_j)^2 is 2 m times their sum of
  // squared deviations; computing it from deviations avoids cancellation.
  let observed = 0
  for (const ratings of pairable) {
    const m = ratings.length
    observed += (2 * m * squaredDeviations(ratings)) / (m - 1)
  }
  observed /= n
  const expected = (2 * n * squaredDeviations(all)) / (n * (n - 1))
  if (expected === 0) return Number.NaN
  return 1 - observed / expected
}

/** The mean over annotator pairs of their Spearman correlation, with how many pairs could be used. */
export interface MeanPairwiseCorrelation {
  /** The mean of the defined pairwise correlations; `NaN` when none was defined. */
  value: number
  /** Annotator pairs whose correlation is defined. */
  pairsUsed: number
  /** Pairs left out: fewer than 2 units rated by both, or one of them constant on those units. */
  pairsSkipped: number
}

/**
 * The mean over all pairs of annotators of the Spearman correlation between their ratings, each pair on
 * the units both rated. This is the human ceiling in the same unit as the judge's Spearman with the
 * humans: a judge cannot be expected to agree with people better than people agree with each other.
 */
export function meanPairwiseSpearman(units: AnnotatorRatings): MeanPairwiseCorrelation {
  const annotators = Math.max(0, ...units.map((unit) => unit.length))
  let sum = 0
  let pairsUsed = 0
  let pairsSkipped = 0
  for (let p = 0; p < annotators; p++) {
    for (let q = p + 1; q < annotators; q++) {
      const x: number[] = []
      const y: number[] = []
      for (const unit of units) {
        const a = unit[p]
        const b = unit[q]
        if (isRating(a) && isRating(b)) {
          x.push(a)
          y.push(b)
        }
      }
      const r = spearman(x, y)
      if (Number.isNaN(r)) {
        pairsSkipped++
      } else {
        sum += r
        pairsUsed++
      }
    }
  }
  return { value: pairsUsed === 0 ? Number.NaN : sum / pairsUsed, pairsUsed, pairsSkipped }
}

function isRating(value: number | null | undefined): value is number {
  return typeof value === 'number' && !Number.isNaN(value)
}

function present(unit: readonly (number | null | undefined)[]): number[] {
  return unit.filter(isRating)
}

function squaredDeviations(values: readonly number[]): number {
  let mean = 0
  for (const value of values) mean += value
  mean /= values.length
  let sum = 0
  for (const value of values) sum += (value - mean) ** 2
  return sum
}
