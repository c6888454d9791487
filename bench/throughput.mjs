// Throughput benchmark: 400 outputs judged live in 8 eval files (no worker settings: the evals project's defaults) against a local judge
// that answers after 100 ms, with the global judge limit at 16 calls in flight. The ideal is
// 400 x 100 ms / 16 = 2.5 s plus Vitest's own start-up, measured in the same run on a one-test suite.
import { availableParallelism } from 'node:os'
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
const DELAY_MS = 100
const CONCURRENCY = 16
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TARGET = 1.25

if (!process.env.BENCH_NO_BUILD) installPackage()
const { baseURL, stats, stop } = await startBenchJudge(DELAY_MS)
try {
  const emptyDir = scratch('throughput-empty')
  write(emptyDir, {
    'empty.test.ts': "import { test } from 'vitest'\n\ntest('nothing', () => {})\n",
    'vitest.config.ts': "export default { test: { include: ['**/*.test.ts'] } }\n",
  })

  const evalDir = scratch('throughput-live')
  const files = judgedSuiteFiles(FILES, PER_FILE)
  const options = {
    judge: { model: 'bench-judge', baseURL, apiKey: 'bench', concurrency: CONCURRENCY },
    store: 'off',
    reporter: { outputFile: false, progress: false },
  }
  write(evalDir, { ...files, 'vitest.config.ts': evalsConfig(options) })
  // The same suite one file at a time (Vitest's default for CPU-bound tests on this machine, CPUs - 1), for
  // comparison: the evals project runs more files at once because its files wait on the judge.
  const vitestWorkers = Math.max(availableParallelism() - 1, 1)
  const oneAtATimeDir = scratch('throughput-live-vitest-workers')
  write(oneAtATimeDir, {
    ...files,
    'vitest.config.ts': evalsConfig({ ...options, maxWorkers: vitestWorkers }),
  })

  let maxInFlight = 0
  const measure = async (dir) => {
    await stats('/stats/reset', 'POST')
    const run = timedRun(dir)
    const served = await stats()
    if (served.calls !== FILES * PER_FILE || !/400 live calls/.test(run.stdout)) {
      throw new Error(
        `expected ${FILES * PER_FILE} live calls, the judge served ${served.calls}:\n${run.stdout}`,
      )
    }
    maxInFlight = Math.max(maxInFlight, served.maxInFlight)
    return run.wallMs
  }
  const startup = []
  const live = []
  const vitestDefault = []
  for (let round = 0; round < ROUNDS; round++) {
    startup.push(timedRun(emptyDir).wallMs)
    live.push(await measure(evalDir))
    vitestDefault.push(await measure(oneAtATimeDir))
  }

  const startupMs = median(startup)
  const idealMs = (FILES * PER_FILE * DELAY_MS) / CONCURRENCY
  const ratio = (ms) => `${(ms / (idealMs + startupMs)).toFixed(2)}x`.padStart(8)
  console.log(
    `throughput: ${FILES * PER_FILE} live judge calls in ${FILES} files, judge answering in ${DELAY_MS} ms, ` +
      `concurrency ${CONCURRENCY}, median of ${ROUNDS} runs; most calls in flight: ${maxInFlight}`,
  )
  console.log(`  vitest start-up (one-test suite)  ${fmt(startupMs).padStart(8)}`)
  console.log(`  ideal (400 x 100 ms / 16)         ${fmt(idealMs).padStart(8)}`)
  console.log(
    `  live run                          ${fmt(median(live)).padStart(8)}   ${ratio(median(live))} of ideal + start-up (target: within ${TARGET}x)`,
  )
  // Each round against the same median start-up: the spread shows how much the machine's load moves the ratio.
  console.log(`  live runs, each                   ${live.map((ms) => ratio(ms).trim()).join(', ')}`)
  console.log(
    `  live run, maxWorkers: ${String(vitestWorkers).padEnd(12)}${fmt(median(vitestDefault)).padStart(8)}   ${ratio(median(vitestDefault))} of ideal + start-up (Vitest's default workers for CPU-bound tests)`,
  )
} finally {
  stop()
}
