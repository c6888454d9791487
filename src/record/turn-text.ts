import type { JudgedTurn } from './schema.ts'

/**
 * A judged turn as every rendering names it: `turn 2 of 3 (message 4)`, and on an assertion's lowest turn the
 * scores of all its turns, `turn 2 of 3 (message 4, lowest of 1.00 0.25 0.50)`.
 */
export function turnText(turn: JudgedTurn): string {
  const scores = turn.scores ? `, lowest of ${turn.scores.map((score) => score.toFixed(2)).join(' ')}` : ''
  return `turn ${turn.index} of ${turn.of} (message ${turn.message}${scores})`
}
