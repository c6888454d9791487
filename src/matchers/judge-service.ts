import { relative } from 'node:path'
import { createJudge } from '../judge/create-judge.ts'
import { connectLimiter } from '../judge/limiter/client.ts'
import { fromStored, JudgmentStore, judgmentKey } from '../store/judgment-store.ts'
import { storePathFor } from '../store/store-file.ts'
import type { Judge, JudgeRequest, Judgment, RubricRecord } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { provided } from './worker-options.ts'

// Module state lives per test file in a worker: each eval file makes its judge and reads its store once.
let judge: Judge | undefined
let store: JudgmentStore | undefined

/** The judge of this project: the one `evals({ judge })` provided, else the offline heuristic judge. */
export function currentJudge(): Judge {
  const { judge: option, limiter } = provided()
  // Live calls take their slots from the run's limiter in the main process, shared by every worker.
  judge ??= createJudge(option, limiter ? { limiter: connectLimiter(limiter) } : {})
  return judge
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
  const { store: policy, root } = provided()
  const current = currentJudge()
  if (policy.mode === 'off' || testFile === undefined) return { judgment: await callJudge(current, request) }
  const file = storePathFor(testFile)
  if (store?.file !== file) store = new JudgmentStore(file)
  const key = judgmentKey(current.id, request)
  const location = { file: relative(root, file).split('\\').join('/'), key }
  let stored: Awaited<ReturnType<JudgmentStore['get']>>
  try {
    stored = policy.mode === 'record' ? undefined : await store.get(key)
  } catch (error) {
    return { judgment: errorJudgment(current, request, error, 0) }
  }
  if (stored) return { judgment: fromStored(stored), store: { ...location, written: false } }
  if (policy.mode === 'replay') {
    const miss = new Error(
      `no stored judgment for this output in ${location.file}; run locally with a judge key to record it ` +
        '(or set VITEST_RUBRIC_STORE=auto where the judge can be called).',
    )
    return {
      judgment: errorJudgment(current, request, Object.assign(miss, { code: 'RUBRIC_STORE_MISS' }), 0),
    }
  }
  const judgment = await callJudge(current, request)
  if (judgment.error) return { judgment }
  await store.put(key, request, judgment)
  return { judgment, store: { ...location, written: true } }
}

async function callJudge(current: Judge, request: JudgeRequest): Promise<Judgment> {
  const started = performance.now()
  try {
    return await current.judge(request)
  } catch (error) {
    return errorJudgment(current, request, error, performance.now() - started)
  }
}

function errorJudgment(current: Judge, request: JudgeRequest, error: unknown, latencyMs: number): Judgment {
  return {
    judgeId: contentHash({ judge: current.id, rubric: request.rubric.id }),
    judgeName: current.name,
    ...(current.model === undefined ? {} : { model: current.model }),
    rubricId: request.rubric.id,
    scores: {},
    error: {
      code: (error as { code?: string }).code ?? 'RUBRIC_JUDGE_FAILED',
      message: error instanceof Error ? error.message : String(error),
    },
    latencyMs,
    source: 'live',
  }
}
