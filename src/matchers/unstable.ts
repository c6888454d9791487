import type { Judgment } from '../types.ts'
import { unstableDimensions } from './record.ts'

/**
 * The lines a failure message adds for dimensions whose trials fall on both sides of their floor, with every
 * trial's score; empty when there are none.
 */
export function unstableNote(judgment: Judgment, floors: Readonly<Record<string, number>>): string {
  const lines = unstableDimensions(judgment, floors).map((dimension) => {
    const scores = judgment.trials?.[dimension] ?? []
    return (
      `  ${dimension} is unstable: its ${scores.length} trials scored ${scores.map((s) => s.toFixed(2)).join(', ')}, ` +
      `on both sides of the floor ${floors[dimension]!.toFixed(2)}`
    )
  })
  if (lines.length === 0) return ''
  return (
    `\n${lines.join('\n')}\n` +
    "A judge that cannot decide is not a pass: make the rubric's anchors sharper, raise `trials`, or set " +
    "evals({ unstable: 'warn' }) to let the aggregate decide."
  )
}
