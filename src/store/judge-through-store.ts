import { errorJudgment, judgmentErrorOf } from '../judge/judgment-error.ts'
import type { Judge, JudgeRequest, Judgment, StoreMode } from '../types.ts'
import { fromStored, type JudgmentStore, judgmentKey, materialKey } from './judgment-store.ts'

/** A judgment and how the store served it. */
export interface StoreServed {
  judgment: Judgment
  /** The store key, when a store was used. */
  key?: string
  /** `true` when the judgment was judged live and written to the store. */
  written: boolean
  /** `true` when the judgment is an error and the store holds a verdict under its key, which it keeps. */
  kept?: boolean
  /** With `writeBehind`, the write of a live judgment: it rejects if the judgment could not be stored. */
  persisted?: Promise<void>
}

export interface ThroughStoreOptions {
  /**
   * Return a live judgment before it is on disk, with its write in `persisted`, for a caller that judges many
   * outputs at once and waits for the writes at the end (calibration): the store then writes large batches
   * spaced out in time rather than one per judgment.
   */
  writeBehind?: boolean
}

/**
 * Judges one output through a judgment store as `mode` says: a stored judgment is served as it is (not in
 * `record`), a miss in `replay` is an error judgment with `missMessage`, and a live judgment is written. A judge
 * that throws, or a store that cannot be read or written, gives an error judgment: an error is never a score, and
 * never stored. A verdict stored under the key stays as it is when its re-judging fails (`record` mode), and is
 * said to be kept.
 */
export async function judgeThroughStore(
  judge: Judge,
  request: JudgeRequest,
  store: JudgmentStore | undefined,
  mode: StoreMode,
  missMessage: string,
  { writeBehind = false }: ThroughStoreOptions = {},
): Promise<StoreServed> {
  if (!store || mode === 'off') return { judgment: await callJudge(judge, request), written: false }
  const key = judgmentKey(judge.id, request)
  const material = materialKey(judge.id, request)
  try {
    const stored = mode === 'record' ? undefined : await store.get(key)
    // The key holds the judge's id, so the entry is this judge's (entries of older versions name the judge with
    // the rubric in its id).
    if (stored) return { judgment: { ...fromStored(stored), judgeId: judge.id }, key, written: false }
    // A stored judgment of more dimensions of the same output answers this one.
    const covering = mode === 'record' ? undefined : await store.covering(material, request.dimensions)
    if (covering) {
      const judgment = answering({ ...fromStored(covering.entry), judgeId: judge.id }, request.dimensions)
      return { judgment, key: covering.key, written: false }
    }
  } catch (error) {
    const unreadable = { ...judgmentErrorOf(error), unsent: 'store' as const }
    return { judgment: errorJudgment(judge, request, unreadable), key, written: false }
  }
  if (mode === 'replay') {
    const miss = { code: 'RUBRIC_STORE_MISS', message: missMessage, unsent: 'replay-miss' as const }
    return { judgment: errorJudgment(judge, request, miss), key, written: false }
  }
  const judgment = await callJudge(judge, request)
  if (judgment.error) return failed(judgment, key, store)
  if (writeBehind) {
    const persisted = store.put(key, request, judgment, true, material)
    persisted.catch(() => {}) // the caller waits on it later; not an unhandled rejection meanwhile
    return { judgment, key, written: true, persisted }
  }
  try {
    await store.put(key, request, judgment, false, material)
  } catch (error) {
    return failed(errorJudgment(judge, request, judgmentErrorOf(error)), key, store)
  }
  return { judgment, key, written: true }
}

/** An error judgment in place of a live one, and whether a verdict stored under its key is kept. */
async function failed(judgment: Judgment, key: string, store: JudgmentStore): Promise<StoreServed> {
  const stored = await store.get(key).catch(() => undefined)
  return { judgment, key, written: false, ...(stored ? { kept: true } : {}) }
}

/** `judgment` as the answer to a request of `dimensions`, some of those it scored. */
export function answering(judgment: Judgment, dimensions: readonly string[]): Judgment {
  const scores = Object.fromEntries(
    dimensions.flatMap((dimension) => {
      const score = judgment.scores[dimension]
      return score ? [[dimension, score]] : []
    }),
  )
  return { ...judgment, scores }
}

/** Calls the judge; a judge that throws gives an error judgment. */
async function callJudge(judge: Judge, request: JudgeRequest): Promise<Judgment> {
  const started = performance.now()
  try {
    return await judge.judge(request)
  } catch (error) {
    return errorJudgment(judge, request, judgmentErrorOf(error), performance.now() - started)
  }
}
