/**
 * Pairwise preference: what the judge's verdicts in the two orders of a comparison mean for the candidate. Pure.
 */
import type { PairPreference } from '../types.ts'

/** The candidate's outcome against the baseline on one dimension. */
export type PairOutcome = 'win' | 'tie' | 'loss'

/** Which output was shown as A: the candidate (the first order) or the baseline (the second). */
export type PairOrder = 'candidate-first' | 'baseline-first'

/** Both orders of a comparison, in the order they are judged and recorded. */
export const PAIR_ORDERS: readonly PairOrder[] = ['candidate-first', 'baseline-first']

/** The candidate's outcome in one order, from the preference between the outputs shown as A and B. */
export function outcomeInOrder(preference: PairPreference, order: PairOrder): PairOutcome {
  if (preference === 'tie') return 'tie'
  const candidate = order === 'candidate-first' ? 'A' : 'B'
  return preference === candidate ? 'win' : 'loss'
}

/** One dimension's verdict over both orders. */
export interface PairVerdict {
  outcome: PairOutcome
  /**
   * `false` when the outcome changes with the order (the judge prefers a position, not an output, or prefers an
   * output in one order only): the verdict is then a tie.
   */
  consistent: boolean
}

/**
 * Combines one dimension's preferences in both orders: an outcome that holds in both orders stands (a win, a
 * loss, or a tie answered as a tie both times); one that changes with the order is a tie, not consistent.
 */
export function combineOrders(candidateFirst: PairPreference, baselineFirst: PairPreference): PairVerdict {
  const first = outcomeInOrder(candidateFirst, 'candidate-first')
  const second = outcomeInOrder(baselineFirst, 'baseline-first')
  return first === second ? { outcome: first, consistent: true } : { outcome: 'tie', consistent: false }
}

/** The score a pairwise record carries: 1 for a win, 0.5 for a tie, 0 for a loss (the mean is the win rate with ties as half). */
export function outcomeScore(outcome: PairOutcome): number {
  return outcome === 'win' ? 1 : outcome === 'tie' ? 0.5 : 0
}

/** The score of a judge's preference for the output shown as A: 1 for A, 0.5 for a tie, 0 for B. */
export function preferenceScore(preference: PairPreference): number {
  return preference === 'A' ? 1 : preference === 'tie' ? 0.5 : 0
}

/** Text compared for identity: outputs that differ only in whitespace are the same output. */
export function normalizedForComparison(text: string): string {
  return text.trim().replace(/\s+/g, ' ')
}
