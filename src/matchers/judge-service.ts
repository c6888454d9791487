import { relative } from 'node:path'
import { createJudge } from '../judge/create-judge.ts'
import { connectJudge } from '../judge/limiter/client.ts'
import type { JudgeAccess } from '../judge/limiter/coordinator.ts'
import { judgeApiKey, judgeBaseURL } from '../judge/llm-options.ts'
import { judgeThroughStore } from '../store/judge-through-store.ts'
import { JudgmentStore } from '../store/judgment-store.ts'
import { storePathFor } from '../store/store-file.ts'
import type { Judge, JudgeRequest, Judgment, LlmJudgeOptions, RubricRecord } from '../types.ts'
import { provided } from './worker-options.ts'

// Module state lives per test file in a worker: each eval file makes its judge and reads its store once.
let judge: Judge | undefined
let store: JudgmentStore | undefined

/** The judge of this project: the one `evals({ judge })` provided, else the offline heuristic judge. */
export function currentJudge(): Judge {
  if (judge) return judge
  const { judge: option, coordinator } = provided()
  // An LLM judge's live calls are made by the coordinator in the main process, under the run's limits; the
  // worker keeps the judge's identity and never loads its code.
  judge =
    coordinator && option !== 'heuristic'
      ? connectJudge(coordinator, createJudge(option), judgeAccess(option))
      : createJudge(option)
  return judge
}

/** The key and base URL this worker would call the judge with: a setup file or `test.env` may have set them. */
function judgeAccess(option: LlmJudgeOptions): JudgeAccess {
  const apiKey = judgeApiKey(option)
  const baseURL = judgeBaseURL(option)
  return { ...(apiKey ? { apiKey } : {}), ...(baseURL ? { baseURL } : {}) }
}

export interface ServedJudgment {
  judgment: Judgment
  store?: NonNullable<RubricRecord['store']>
}

/**
 * Judges one output through the judgment store of its eval file. A judge that throws gives an error judgment:
 * an error is never a score, and it is never stored.
 */
export async function judgeOutput(
  request: JudgeRequest,
  testFile: string | undefined,
): Promise<ServedJudgment> {
  const { store: policy, root, storeText } = provided()
  const current = currentJudge()
  if (policy.mode !== 'off' && testFile !== undefined) {
    const file = storePathFor(testFile)
    if (store?.file !== file) store = new JudgmentStore(file, storeText)
  }
  const storeFile = store && relative(root, store.file).split('\\').join('/')
  const served = await judgeThroughStore(
    current,
    request,
    testFile === undefined ? undefined : store,
    policy.mode,
    `no stored judgment for this output in ${storeFile}; run locally with a judge key to record it ` +
      '(or set VITEST_RUBRIC_STORE=auto where the judge can be called).',
  )
  const { judgment, key, written } = served
  if (key === undefined || storeFile === undefined) return { judgment }
  // Where the judgment is kept: served from the store, judged live and written to it, or (an error) the stored
  // verdict its re-judging failed to replace, so that the entry counts as used, not obsolete.
  if (!judgment.error) return { judgment, store: { file: storeFile, key, written } }
  return served.kept
    ? { judgment, store: { file: storeFile, key, written: false, kept: true } }
    : { judgment }
}
