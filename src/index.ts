/**
 * vitest-rubric: LLM evaluation as ordinary Vitest tests.
 */
import './augment.ts'

export {
  MissingJudgeKeyError,
  NotAwaitedError,
  RubricArgumentError,
  RubricError,
  UnknownDimensionError,
} from './errors.ts'
export { createJudge } from './judge/create-judge.ts'
export { createHeuristicJudge, HEURISTIC_JUDGE_NAME } from './judge/heuristic/index.ts'
export { createLlmJudge } from './judge/llm-judge.ts'
export type { JudgedText, RubricMatchers, RubricMatchOptions, ScoreMatchOptions } from './matchers/types.ts'
export { builtinDimensionNames, dimensions } from './rubric/builtin.ts'
export { defaultRubric, defineRubric, normalizeScore } from './rubric/define-rubric.ts'
export type * from './types.ts'
