/**
 * Internal to the reporter: the lowest-scoring outputs of a dimension, shown by the Markdown summary and the HTML
 * report. Pure.
 */
import type { HeldRecord } from './record-spool.ts'

/**
 * The `count` scored judgments of `dimension` with the lowest scores, lowest first; equal scores keep report
 * order. Error judgments are not scores and are left out; with `failedOnly`, so are scores at or above their floor.
 * One pass that keeps at most `count` judgments, however many the report holds.
 */
export function worstJudgments<J extends HeldRecord>(
  report: { judgments: readonly J[] },
  dimension: string,
  count: number,
  options: { failedOnly?: boolean } = {},
): J[] {
  const kept: (J & { score: number })[] = []
  if (count <= 0) return kept
  for (const judgment of report.judgments) {
    const { score } = judgment
    // A pairwise preference is no score of its dimension.
    if (judgment.dimension !== dimension || score === null || judgment.kind === 'pairwise') continue
    if (options.failedOnly && judgment.pass !== false) continue
    if (kept.length === count && score >= kept[count - 1]!.score) continue
    // After every kept judgment with the same score: equal scores keep report order.
    let at = kept.length
    while (at > 0 && kept[at - 1]!.score > score) at -= 1
    kept.splice(at, 0, judgment as J & { score: number })
    if (kept.length > count) kept.pop()
  }
  return kept
}

/** `text` cut to `max` characters (whole code points), with an ellipsis when it was longer. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text
  // `max` code points take at most 2 * max code units: the rest of a long text need not be split.
  const characters = Array.from(text.slice(0, 2 * max + 2))
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join('')}…`
}
