import type { Judge, JudgeOption } from '../types.ts'
import { HEURISTIC_JUDGE_ID, HEURISTIC_JUDGE_NAME } from './heuristic/identity.ts'
import { llmJudgeId } from './llm-identity.ts'
import type { LlmJudgeInternals } from './llm-judge.ts'

/**
 * Makes the judge that a `judge` option describes. Its id and name are known at once; its code (the heuristic
 * methods, or the verdict schemas and the SDK of an LLM judge) is loaded on the first live call, so that a suite
 * replayed from the judgment store never loads it.
 */
export function createJudge(option: JudgeOption, internals: LlmJudgeInternals = {}): Judge {
  if (option === 'heuristic') {
    return lazyJudge(HEURISTIC_JUDGE_ID, HEURISTIC_JUDGE_NAME, undefined, async () =>
      (await import('./heuristic/index.ts')).createHeuristicJudge(),
    )
  }
  return lazyJudge(llmJudgeId(option), option.model, option.model, async () =>
    (await import('./llm-judge.ts')).createLlmJudge(option, internals),
  )
}

function lazyJudge(id: string, name: string, model: string | undefined, load: () => Promise<Judge>): Judge {
  let loaded: Promise<Judge> | undefined
  return {
    id,
    name,
    ...(model === undefined ? {} : { model }),
    async judge(request) {
      loaded ??= load()
      return (await loaded).judge(request)
    },
  }
}
