/**
 * Internal to calibration: judges every row of a calibration set through the judgment store kept beside its
 * file (`__judgments__/<file>.json`), so that a second run calls no judge.
 */
import { resolve } from 'node:path'
import { errorJudgment, judgmentErrorOf } from '../judge/judgment-error.ts'
import { judgeThroughStore } from '../store/judge-through-store.ts'
import { JudgmentStore } from '../store/judgment-store.ts'
import type { StorePolicy } from '../store/mode.ts'
import { storePathFor } from '../store/store-file.ts'
import type { Judge, JudgeRequest, Judgment, Rubric, StoreTextLimit } from '../types.ts'
import type { CalibrationItem } from './load-set.ts'
import { mapConcurrent } from './pool.ts'

/** A row's judgment, or why it has none. */
export interface JudgedItem {
  item: CalibrationItem
  judgment: Judgment
}

export interface JudgeSetOptions {
  judge: Judge
  rubric: Rubric
  /** The directory the items' source files are relative to. */
  cwd: string
  store: StorePolicy
  /** How much judged text a stored judgment keeps. @default the store's defaults */
  storeText?: Required<StoreTextLimit>
  concurrency: number
  onProgress?: ((done: number, total: number) => void) | undefined
}

/**
 * Judges each item on the dimensions it has human scores for, in one call per row. A judge that throws, or a
 * row the store must replay but does not hold, gives an error judgment: counted, never a score.
 */
export async function judgeItems(
  items: readonly CalibrationItem[],
  options: JudgeSetOptions,
): Promise<JudgedItem[]> {
  const { judge, rubric, store: policy } = options
  const stores = new Map<string, JudgmentStore>()
  const storeFor = (item: CalibrationItem) => {
    const file = storePathFor(resolve(options.cwd, item.source.file))
    let store = stores.get(file)
    if (!store) {
      store = new JudgmentStore(file, options.storeText)
      stores.set(file, store)
    }
    return store
  }
  let done = 0
  const judged = await mapConcurrent(items, options.concurrency, async (item) => {
    const request = requestFor(item, rubric)
    const store = policy.mode === 'off' ? undefined : storeFor(item)
    // Rows go on while their judgments are written behind them, in large batches: rewriting the store file per
    // row cost most of a large calibration's time.
    const served = await judgeThroughStore(
      judge,
      request,
      store,
      policy.mode,
      `no stored judgment for this row in ${store?.file}; run calibrate where the judge can be called (store mode auto) to record it.`,
      { writeBehind: true },
    )
    options.onProgress?.(++done, items.length)
    return { item, judgment: served.judgment, persisted: served.persisted }
  })
  // A judgment that could not be stored is an error judgment, as when the store is written before going on.
  await Promise.all([...stores.values()].map((store) => store.drain()))
  const writes = await Promise.allSettled(judged.map(({ persisted }) => persisted))
  return judged.map(({ item, judgment }, index) => {
    const write = writes[index]
    if (write?.status !== 'rejected') return { item, judgment }
    return { item, judgment: errorJudgment(judge, requestFor(item, rubric), judgmentErrorOf(write.reason)) }
  })
}

function requestFor(item: CalibrationItem, rubric: Rubric): JudgeRequest {
  return {
    rubric,
    dimensions: Object.keys(item.labels).sort(),
    output: item.output,
    ...(item.conversation === undefined ? {} : { conversation: item.conversation }),
    ...(item.input === undefined ? {} : { input: item.input }),
    ...(item.context === undefined ? {} : { context: item.context }),
    ...(item.reference === undefined ? {} : { reference: item.reference }),
  }
}
