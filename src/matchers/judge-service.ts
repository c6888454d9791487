import { relative } from 'node:path'
import { createJudge } from '../judge/create-judge.ts'
import { connectJudge } from '../judge/limiter/client.ts'
import type { JudgeAccess } from '../judge/limiter/coordinator.ts'
import { judgeApiKey, judgeBaseURL } from '../judge/llm-options.ts'
import { createPanelJudge, isPanel, isPanelJudge } from '../reliability/panel.ts'
import { combineTrials, trialJudge } from '../reliability/trials.ts'
import { answering, judgeThroughStore } from '../store/judge-through-store.ts'
import { JudgmentStore, materialKey } from '../store/judgment-store.ts'
import { storeMissMessage } from '../store/mode.ts'
import { storePathFor } from '../store/store-file.ts'
import type {
  Judge,
  JudgeRequest,
  Judgment,
  LlmJudgeOptions,
  RubricRecord,
  TrialAggregate,
} from '../types.ts'
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
  if (coordinator && isPanel(option)) {
    const members = option.panel.map((member, index) =>
      connectJudge(coordinator, createJudge(member), { ...judgeAccess(member), member: index }),
    )
    judge = createPanelJudge(members, option)
  } else {
    judge =
      coordinator && option !== 'heuristic'
        ? connectJudge(coordinator, createJudge(option), judgeAccess(option as LlmJudgeOptions))
        : createJudge(option)
  }
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

/** How many judge calls make one judgment, and how their scores combine. */
export interface TrialSettings {
  /** @default the judge's `trials`, else 1 */
  trials?: number | undefined
  /** @default 'mean' */
  aggregate?: TrialAggregate | undefined
}

/** The trials of the project's judge, when `evals({ judge })` sets them. */
export function judgeTrials(): number {
  const { judge: option } = provided()
  return option === 'heuristic' ? 1 : (option.trials ?? 1)
}

/**
 * Judges one output through the judgment store of its eval file, once per trial: the trials are judged at once
 * (each a call under the run's limits), each kept in the store under its trial index, and combined into one
 * judgment. A judge that throws gives an error judgment: an error is never a score, and it is never stored.
 */
export async function judgeOutput(
  request: JudgeRequest,
  testFile: string | undefined,
  settings: TrialSettings = {},
): Promise<ServedJudgment> {
  const trials = settings.trials ?? judgeTrials()
  if (trials === 1) return judgeTrial(request, testFile, 0)
  const served = await Promise.all(
    Array.from({ length: trials }, (_, index) => judgeTrial(request, testFile, index)),
  )
  const judgment = combineTrials(
    served.map((trial) => trial.judgment),
    request.dimensions,
    settings.aggregate ?? 'mean',
  )
  return withStoreRefs(judgment, served)
}

/** A judgment made of several stored ones (trials, panel members): where each of them is kept. */
export function withStoreRefs(judgment: Judgment, served: readonly ServedJudgment[]): ServedJudgment {
  const stores = served.flatMap((part) => (part.store ? [part.store] : []))
  const [first] = stores
  if (judgment.error || !first) return { judgment }
  return {
    judgment,
    store: {
      file: first.file,
      key: first.key,
      written: stores.some((store) => store.written),
      keys: stores.map((store) => store.key),
    },
  }
}

/** One trial: the judge's, or each panel member's through the store on its own, then the panel's verdict. */
async function judgeTrial(
  request: JudgeRequest,
  testFile: string | undefined,
  trial: number,
): Promise<ServedJudgment> {
  const current = currentJudge()
  if (!isPanelJudge(current)) return serveThroughStore(trialJudge(current, trial), request, testFile)
  const served = await Promise.all(
    current.members.map((member) => serveThroughStore(trialJudge(member, trial), request, testFile)),
  )
  const judgment = current.combine(
    served.map((part) => part.judgment),
    request,
  )
  return withStoreRefs(judgment, served)
}

/**
 * One judge's judgment of one request through the store. Another assertion's judgment of the same material by
 * the same judge (made or under way) answers it when it covers the requested dimensions.
 */
async function serveThroughStore(
  judge: Judge,
  request: JudgeRequest,
  testFile: string | undefined,
): Promise<ServedJudgment> {
  const material = `${testFile ?? ''}\u0000${materialKey(judge.id, request)}`
  const known = answers.get(material) ?? []
  const covering = known.find((answer) => request.dimensions.every((name) => answer.dimensions.has(name)))
  if (covering) {
    const { judgment, store } = await covering.served
    const { tokens: _tokens, costUsd: _costUsd, retries: _retries, ...rest } = judgment
    const answer = judgment.error ? rest : answering(rest, request.dimensions)
    return { judgment: answer, ...(store ? { store: { ...store, written: false } } : {}), shared: true }
  }
  const served = judgeOnce(judge, request, testFile)
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
  judge: Judge,
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
    judge,
    request,
    testFile === undefined ? undefined : store,
    policy.mode,
    storeMissMessage(
      request.comparison ? 'comparison of these outputs' : 'judgment for this output',
      storeFile,
    ),
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
