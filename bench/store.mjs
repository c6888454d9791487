// Store benchmark: a calibration-like run of 1,200 judgments of one file through its judgment store, with a judge
// that answers in 100 ms and 12 rows in flight: about 10 s of judging, the proportions of the calibration run that
// spent 54 s of 64 s rewriting its store. The store's share of the run is the time the run takes beyond the
// same run without a store (mode `off`), over the run's time. The baseline, measured in the same run, is the
// store as it was: each batch of judgments read the whole file again, merged, serialised every entry and replaced
// the file, and an entry kept up to 4,000 characters of the input and output.
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { buildPackage, fmt, median, modulesDir, scratch } from './lib.mjs'

const ROWS = Number(process.env.BENCH_STORE_ROWS ?? 1200)
const LATENCY_MS = 100
const CONCURRENCY = 12
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

buildPackage()
const load = (path) => import(pathToFileURL(join(modulesDir, path)).href)
const { judgeThroughStore } = await load('store/judge-through-store.js')
const { JudgmentStore } = await load('store/judgment-store.js')
const { BatchedWrites } = await load('store/batched-writes.js')
const { readStoreFile, withStoreLock, storePathFor } = await load('store/store-file.js')
const { mapConcurrent } = await load('calibration/pool.js')
const { defaultRubric } = await load('rubric/define-rubric.js')
const { stableStringify } = await load('util/hash.js')
const { writeFileAtomic } = await load('util/atomic-write.js')

const words = 'refund parcel warranty invoice courier return policy days store account order support'.split(
  ' ',
)
const text = (seed, length) => {
  let out = ''
  for (let i = 0; out.length < length; i++) out += `${words[(seed * 7 + i * 13) % words.length]} `
  return `${seed}: ${out}`.slice(0, length)
}
// Calibration rows as they come: a question, retrieved context, and an answer of a few paragraphs.
const requests = Array.from({ length: ROWS }, (_, row) => ({
  rubric: defaultRubric,
  dimensions: ['faithfulness', 'relevance'],
  input: text(row, 800),
  context: text(row + 1, 3000),
  output: text(row + 2, 2200),
}))

const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const judge = {
  id: 'bench-judge',
  name: 'bench-judge',
  async judge(request) {
    await delay(LATENCY_MS)
    const scores = Object.fromEntries(
      request.dimensions.map((name) => [
        name,
        { score: 0.75, raw: 4, reason: `${name} holds up well enough` },
      ]),
    )
    return {
      judgeId: 'bench-judge',
      judgeName: 'bench-judge',
      rubricId: request.rubric.id,
      scores,
      latencyMs: LATENCY_MS,
      source: 'live',
    }
  },
}

/** The store as it was: every batch read, merged, re-serialised in full and written (the baseline). */
class RewritingStore {
  constructor(file) {
    this.file = file
    this.writes = new BatchedWrites(
      () => ({}),
      (batch) =>
        withStoreLock(file, async () => {
          const current = await readStoreFile(file)
          const judgments = { ...current.judgments, ...batch }
          await writeFileAtomic(file, `${stableStringify({ ...current, judgments }, 2)}\n`)
        }),
    )
  }
  async get(key) {
    this.document ??= readStoreFile(this.file)
    return (await this.document).judgments[key]
  }
  async put(key, request, judgment) {
    this.document ??= readStoreFile(this.file)
    const document = await this.document
    const shorten = (value) => (value.length <= 4000 ? value : `${value.slice(0, 4000)}…`)
    const entry = {
      judgeId: judgment.judgeId,
      judgeName: judgment.judgeName,
      rubricId: judgment.rubricId,
      scores: judgment.scores,
      latencyMs: Math.round(judgment.latencyMs),
      judgedAt: new Date().toISOString(),
      input: shorten(request.input),
      output: shorten(request.output),
    }
    document.judgments[key] = entry
    await this.writes.write((batch) => {
      batch[key] = entry
    })
  }
}

async function run(kind, round) {
  const dir = scratch(`store-${kind}-${round}`)
  const file = storePathFor(join(dir, 'set.jsonl'))
  const store =
    kind === 'before' ? new RewritingStore(file) : kind === 'after' ? new JudgmentStore(file) : undefined
  const started = performance.now()
  // As calibration judges rows: `after` writes behind the rows and waits for the writes at the end.
  const served = await mapConcurrent(requests, CONCURRENCY, (request) =>
    judgeThroughStore(judge, request, store, store ? 'auto' : 'off', 'not stored', {
      writeBehind: kind === 'after',
    }),
  )
  await store?.drain?.()
  await Promise.all(served.map(({ persisted }) => persisted))
  const ms = performance.now() - started
  const bytes = store ? statSync(file).size : 0
  return { ms, bytesPerJudgment: bytes / ROWS, bytes }
}

const results = { off: [], before: [], after: [] }
for (let round = 0; round < ROUNDS; round++) {
  for (const kind of ['off', 'before', 'after']) results[kind].push(await run(kind, round))
}
const ms = (kind) => median(results[kind].map((result) => result.ms))
const share = (kind) => Math.max(0, ms(kind) - ms('off')) / ms(kind)
const kb = (kind) => `${(results[kind][0].bytesPerJudgment / 1024).toFixed(2)} KB`
const fileMb = (kind) => `${(results[kind][0].bytes / 1024 / 1024).toFixed(2)} MB`
const pct = (value) => `${(value * 100).toFixed(1)}%`

console.log(
  `store: ${ROWS} judgments of one file, judge ${LATENCY_MS} ms, ${CONCURRENCY} in flight; medians of ${ROUNDS} rounds`,
)
console.log(`  no store (off)             ${fmt(ms('off'))}`)
console.log(
  `  store before (rewrite)     ${fmt(ms('before'))}  store share ${pct(share('before'))}  ${kb('before')} per judgment (${fileMb('before')})`,
)
console.log(
  `  store after (shared open)  ${fmt(ms('after'))}  store share ${pct(share('after'))}  ${kb('after')} per judgment (${fileMb('after')})`,
)
console.log(`  target: store share under 10%: ${share('after') < 0.1 ? 'met' : 'NOT met'}`)
process.exitCode = share('after') < 0.1 ? 0 : 1
