import type { DimensionScore, Judgment } from '../types.ts'

const fixed = (value: number) => value.toFixed(2)

/** The message of a failed `toScoreAtLeast`. */
export function scoreMessage(
  dimension: string,
  floor: number,
  scored: DimensionScore,
  judgment: Judgment,
  isNot: boolean,
): string {
  const expectation = isNot ? `below ${fixed(floor)}` : `at least ${fixed(floor)}`
  return (
    `expected ${dimension} ${expectation}, but ${judgment.judgeName} scored it ${fixed(scored.score)}` +
    `${scored.raw === undefined ? '' : ` (${scored.raw} on the rubric's scale)`}\n` +
    `reason: ${scored.reason}`
  )
}

/** The message of a failed `toSatisfyRubric`: every dimension, the failing ones first. */
export function rubricMessage(
  rubricName: string,
  floors: Readonly<Record<string, number>>,
  judgment: Judgment,
  isNot: boolean,
): string {
  const rows = Object.entries(floors).map(([dimension, floor]) => {
    const scored = judgment.scores[dimension]!
    return { dimension, floor, scored, pass: scored.score >= floor }
  })
  const failing = rows.filter((row) => !row.pass)
  const width = Math.max(...rows.map((row) => row.dimension.length))
  const lines = [...failing, ...rows.filter((row) => row.pass)].map(
    (row) =>
      `  ${row.pass ? '✓' : '✗'} ${row.dimension.padEnd(width)}  ${fixed(row.scored.score)} ${row.pass ? '≥' : '<'} ${fixed(row.floor)}` +
      `${row.pass ? '' : `  ${row.scored.reason}`}`,
  )
  const headline = isNot
    ? `expected the output not to satisfy rubric "${rubricName}", but every dimension reached its floor`
    : `expected the output to satisfy rubric "${rubricName}", but ${failing.length} of ${rows.length} dimensions are below their floor`
  return `${headline} (judge: ${judgment.judgeName})\n${lines.join('\n')}`
}

/**
 * The `actual` and `expected` values that Vitest diffs: per dimension the score, and for a dimension that
 * missed its floor the bound it had to meet. Dimensions that passed are equal on both sides, so only the
 * failing ones show in the diff.
 */
export function diffValues(
  floors: Readonly<Record<string, number>>,
  judgment: Judgment,
  isNot: boolean,
): { actual: Record<string, number>; expected: Record<string, number | string> } {
  const actual: Record<string, number> = {}
  const expected: Record<string, number | string> = {}
  for (const [dimension, floor] of Object.entries(floors)) {
    const score = judgment.scores[dimension]!.score
    const shown = Number(fixed(score))
    actual[dimension] = shown
    expected[dimension] =
      score >= floor !== isNot ? shown : isNot ? `< ${fixed(floor)}` : `>= ${fixed(floor)}`
  }
  return { actual, expected }
}
