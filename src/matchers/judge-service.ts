import { relative } from 'node:path'
import { createJudge } from '../judge/create-judge.ts'
import { connectJudge } from '../judge/limiter/client.ts'
import type { JudgeAccess } from '../judge/limiter/coordinator.ts'
import { judgeApiKey, judgeBaseURL } from '../judge/llm-options.ts'
import { answering, judgeThroughStore } from '../store/judge-through-store.ts'
import { JudgmentStore, materialKey } from '../store/judgment-store.ts'
import { storePathFor } from '../store/store-file.ts'
import type { Judge, JudgeRequest, Judgment, LlmJudgeOptions, RubricRecord } from '../types.ts'
import { provided } from './worker-options.ts'

// Module state lives per test file in a worker: each eval file makes its judge and reads its store once.
let judge: Judge | undefined
let store: JudgmentStore | undefined

/** A judgment of this file, made or under way, that answers requests for any of its dimensions. */
interface Answer {
  dimensions: ReadonlySet<string>
  served: Promise<ServedJudgment>
}
// By material (see `materialKey`): two matchers on one output (`toSatisfyRubric`, then `toScoreAtLeast` of one
// of its dimensions) make one call, and identical requests in flight at once share theirs.
const answers = new Map<string, Answer[]>()

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
  /**
   * `true` when another assertion's judgment of the same output (made in this run or under way) answered this
   * one: no call of its own, so its tokens and cost are counted with the other's.
   */
  shared?: boolean
}

/**
 * Judges one output through the judgment store of its eval file. A judge that throws gives an error judgment:
 * an error is never a score, and it is never stored.
 */
export async function judgeOutput(
  request: JudgeRequest,
  testFile: string | undefined,
): Promise<ServedJudgment> {
  const current = currentJudge()
  const material = `${testFile ?? ''}\u0000${materialKey(current.id, request)}`
  const known = answers.get(material) ?? []
  const covering = known.find((answer) => request.dimensions.every((name) => answer.dimensions.has(name)))
  if (covering) {
    const { judgment, store } = await covering.served
    const { tokens: _tokens, costUsd: _costUsd, retries: _retries, ...rest } = judgment
    const answer = judgment.error ? rest : answering(rest, request.dimensions)
    return { judgment: answer, ...(store ? { store: { ...store, written: false } } : {}), shared: true }
  }
  const served = judgeOnce(current, request, testFile)
  const answer = { dimensions: new Set(request.dimensions), served }
  answers.set(material, [...known, answer])
  // An error answers the requests that waited on it, not later ones: they may succeed.
  served.then(({ judgment }) => {
    if (!judgment.error) return
    const left = (answers.get(material) ?? []).filter((other) => other !== answer)
    if (left.length > 0) answers.set(material, left)
    else answers.delete(material)
  })
  return served
}

async function judgeOnce(
  current: Judge,
  request: JudgeRequest,
  testFile: string | undefined,
): Promise<ServedJudgment> {
  const { store: policy, root, storeText } = provided()
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
