import { createPanelJudge, isPanel } from '../reliability/panel.ts'
import type { Judge, JudgeOption, LlmJudgeOptions } from '../types.ts'
import { HEURISTIC_JUDGE_ID, HEURISTIC_JUDGE_NAME } from './heuristic/identity.ts'
import type { LlmJudgeInternals, SimulatingJudge } from './llm-judge.ts'
import { resolveLlmJudge } from './llm-options.ts'

/**
 * Makes the judge that a `judge` option describes. Its id and name are known at once; its code (the heuristic
 * methods, or the verdict schemas and the SDK of an LLM judge) is loaded on the first live call, so that a suite
 * replayed from the judgment store never loads it.
 */
export function createJudge(
  option: JudgeOption,
  internals: LlmJudgeInternals = {},
): PreparableJudge & Partial<Pick<SimulatingJudge, 'simulate'>> {
  if (option === 'heuristic') {
    return lazyJudge(HEURISTIC_JUDGE_ID, HEURISTIC_JUDGE_NAME, undefined, async () =>
      (await import('./heuristic/index.ts')).createHeuristicJudge(),
    )
  }
  if (isPanel(option)) {
    const members = option.panel.map((member) => createJudge(member, internals))
    const panel = createPanelJudge(members, option)
    return { ...panel, prepare: async () => void (await Promise.all(members.map((m) => m.prepare()))) }
  }
  // Bad options (model, limits, prices, budget, base URL) are errors now, not at the first live call.
  const { id } = resolveLlmJudge(option)
  let loaded: Promise<SimulatingJudge & { prepare(): Promise<void> }> | undefined
  const load = () => {
    loaded ??= import('./llm-judge.ts').then((module) => module.createLlmJudge(option, internals))
    return loaded
  }
  return {
    ...lazyJudge(id, option.model, option.model, load),
    // An LLM judge can also play a simulated user (`runConversation`), with the same client and limits.
    simulate: async (request) => (await load()).simulate(request),
  }
}

/**
 * An LLM judge over any OpenAI-compatible chat completions API. Its code, the verdict schemas and the SDK load on
 * the first live call.
 */
export function createLlmJudge(options: LlmJudgeOptions, internals: LlmJudgeInternals = {}): Judge {
  return createJudge(options, internals)
}

/** The offline heuristic judge; its methods load on the first call. */
export function createHeuristicJudge(): Judge {
  return createJudge('heuristic')
}

/** A judge whose code can be loaded ahead of its first call. */
export interface PreparableJudge extends Judge {
  /** Loads the judge's code (and an LLM judge's SDK and client) now; failures are left to the first call. */
  prepare(): Promise<void>
}

function lazyJudge(
  id: string,
  name: string,
  model: string | undefined,
  load: () => Promise<Judge & { prepare?(): Promise<void> }>,
): PreparableJudge {
  let loaded: ReturnType<typeof load> | undefined
  return {
    id,
    name,
    ...(model === undefined ? {} : { model }),
    async judge(request) {
      loaded ??= load()
      return (await loaded).judge(request)
    },
    async prepare() {
      loaded ??= load()
      await (await loaded.catch(() => undefined))?.prepare?.()
    },
  }
}
