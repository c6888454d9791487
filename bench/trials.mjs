// Trials benchmark: 400 outputs judged live in 8 eval files with `trials: 3` (1,200 judge calls) against a local
// judge that answers after 100 ms, with the global judge limit at 16 calls in flight. The ideal is
// 1,200 x 100 ms / 16 = 7.5 s plus Vitest's own start-up, measured in the same run on a one-test suite, as in
// throughput.mjs: trials run at once under the global limit, so they cost calls, not rounds.
import {
  evalsConfig,
  fmt,
  installPackage,
  judgedSuiteFiles,
  median,
  scratch,
  startBenchJudge,
  timedRun,
  write,
} from './lib.mjs'

const FILES = 8
const PER_FILE = 50
const TRIALS = 3
const DELAY_MS = 100
const CONCURRENCY = 16
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const TARGET = 1.3

if (!process.env.BENCH_NO_BUILD) installPackage()
const { baseURL, stats, stop } = await startBenchJudge(DELAY_MS)
try {
  const emptyDir = scratch('trials-empty')
  write(emptyDir, {
    'empty.test.ts': "import { test } from 'vitest'\n\ntest('nothing', () => {})\n",
    'vitest.config.ts': "export default { test: { include: ['**/*.test.ts'] } }\n",
  })
  const evalDir = scratch('trials-live')
  const files = judgedSuiteFiles(FILES, PER_FILE)
  const options = {
    judge: { model: 'bench-judge', baseURL, apiKey: 'bench', concurrency: CONCURRENCY, trials: TRIALS },
    store: 'off',
    reporter: { outputFile: false, progress: false },
  }
  write(evalDir, { ...files, 'vitest.config.ts': evalsConfig(options) })

  const calls = FILES * PER_FILE * TRIALS
  let maxInFlight = 0
  const startup = []
  const live = []
  for (let round = 0; round < ROUNDS; round++) {
    startup.push(timedRun(emptyDir).wallMs)
    await stats('/stats/reset', 'POST')
    const run = timedRun(evalDir)
    const served = await stats()
    if (served.calls !== calls) {
      throw new Error(`expected ${calls} live calls, the judge served ${served.calls}:\n${run.stdout}`)
    }
    maxInFlight = Math.max(maxInFlight, served.maxInFlight)
    live.push(run.wallMs)
  }
  const startupMs = median(startup)
  const idealMs = (calls * DELAY_MS) / CONCURRENCY
  const ratio = (ms) => `${(ms / (idealMs + startupMs)).toFixed(2)}x`.padStart(8)
  console.log(
    `trials: ${FILES * PER_FILE} outputs x ${TRIALS} trials = ${calls} live judge calls in ${FILES} files, judge ` +
      `answering in ${DELAY_MS} ms, concurrency ${CONCURRENCY}, median of ${ROUNDS} runs; most calls in flight: ${maxInFlight}`,
  )
  console.log(`  vitest start-up (one-test suite)  ${fmt(startupMs).padStart(8)}`)
  console.log(`  ideal (1,200 x 100 ms / 16)       ${fmt(idealMs).padStart(8)}`)
  console.log(
    `  live run                          ${fmt(median(live)).padStart(8)}   ${ratio(median(live))} of ideal + start-up (target: within ${TARGET}x)`,
  )
  console.log(`  live runs, each                   ${live.map((ms) => ratio(ms).trim()).join(', ')}`)
} finally {
  stop()
}
