/**
 * Internal to the reporter: the lowest-scoring outputs of a dimension, shown by the Markdown summary and the HTML
 * report. Pure.
 */
import type { ReportJudgment, RubricReport } from './schema.ts'

/**
 * The `count` scored judgments of `dimension` with the lowest scores, lowest first; equal scores keep report
 * order. Error judgments are not scores and are left out; with `failedOnly`, so are scores at or above their floor.
 */
export function worstJudgments(
  report: RubricReport,
  dimension: string,
  count: number,
  options: { failedOnly?: boolean } = {},
): ReportJudgment[] {
  return report.judgments
    .filter(
      (judgment) =>
        judgment.dimension === dimension &&
        judgment.score !== null &&
        (!options.failedOnly || judgment.pass === false),
    )
    .map((judgment, index) => ({ judgment, index }))
    .sort((a, b) => a.judgment.score! - b.judgment.score! || a.index - b.index)
    .slice(0, count)
    .map(({ judgment }) => judgment)
}

/** `text` cut to `max` characters (whole code points), with an ellipsis when it was longer. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  // `max` code points take at most 2 * max code units: the rest of a long text need not be split.
  const characters = Array.from(text.slice(0, 2 * max + 2))
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`
}
