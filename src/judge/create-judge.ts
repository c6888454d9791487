import type { Judge, JudgeOption } from '../types.ts'
import { createHeuristicJudge } from './heuristic/index.ts'
import { createLlmJudge } from './llm-judge.ts'

/** Makes the judge that a `judge` option describes. */
export function createJudge(option: JudgeOption): Judge {
  return option === 'heuristic' ? createHeuristicJudge() : createLlmJudge(option)
}
