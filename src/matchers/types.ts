import type { Rubric } from '../types.ts'

/** Text a matcher accepts for input, context and reference: strings, or values that serialise to JSON. */
export type JudgedText = string | readonly string[] | Record<string, unknown>

/** Options of `toSatisfyRubric`: what the output is judged against. */
export interface RubricMatchOptions {
  /** The input (question, prompt) that produced the output. */
  input?: JudgedText
  /** The context the output must be grounded in; an array of passages is joined with blank lines. */
  context?: JudgedText
  /** A reference answer. */
  reference?: JudgedText
}

/** Options of `toScoreAtLeast`. */
export interface ScoreMatchOptions extends RubricMatchOptions {
  /**
   * The rubric that defines the dimension.
   * @default the rubric of the built-in dimensions
   */
  rubric?: Rubric
}

/** The matchers vitest-rubric adds to `expect`. All are async: always `await` them. */
export interface RubricMatchers<R = unknown> {
  /**
   * Asks the judge to score the output on one dimension and passes when the normalised score is at least
   * `floor` (0 to 1). A judge error fails the assertion, with or without `.not`.
   */
  toScoreAtLeast: (dimension: string, floor: number, options?: ScoreMatchOptions) => Promise<R>
  /**
   * Scores every dimension of the rubric in one judge call and passes when each is at or above its floor.
   */
  toSatisfyRubric: (rubric: Rubric, options?: RubricMatchOptions) => Promise<R>
}
