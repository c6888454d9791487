// Throughput benchmark: 400 outputs judged live in 8 eval files (no worker settings: the evals project's defaults) against a local judge
// that answers after 100 ms, with the global judge limit at 16 calls in flight. The ideal is
// 400 x 100 ms / 16 = 2.5 s plus Vitest's own start-up, measured in the same run on a one-test suite.
import { availableParallelism, loadavg } from 'node:os'
import {
  evalsConfig,
  installPackage,
  judgedSuiteFiles,
  measureAgainstIdeal,
  printAgainstIdeal,
  scratch,
  startBenchJudge,
  write,
} from './lib.mjs'

const FILES = 8
const PER_FILE = 50
const DELAY_MS = 100
const CONCURRENCY = 16
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const TARGET = 1.25

if (!process.env.BENCH_NO_BUILD) installPackage()
const judge = await startBenchJudge(DELAY_MS)
try {
  const evalDir = scratch('throughput-live')
  const files = judgedSuiteFiles(FILES, PER_FILE)
  const options = {
    judge: { model: 'bench-judge', baseURL: judge.baseURL, apiKey: 'bench', concurrency: CONCURRENCY },
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

  const calls = FILES * PER_FILE
  const load = loadavg()[0]
  const workersLabel = `live run, maxWorkers: ${vitestWorkers}`
  const measured = await measureAgainstIdeal({
    name: 'throughput',
    judge,
    suites: { 'live run': evalDir, [workersLabel]: oneAtATimeDir },
    calls,
    delayMs: DELAY_MS,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    check: (stdout) => {
      if (!/400 live calls/.test(stdout)) throw new Error(`the run did not report 400 live calls:\n${stdout}`)
    },
  })
  console.log(
    `throughput: ${calls} live judge calls in ${FILES} files, judge answering in ${DELAY_MS} ms, ` +
      `concurrency ${CONCURRENCY}, median of ${ROUNDS} runs; most calls in flight: ${measured.maxInFlight}; ` +
      `load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
  )
  printAgainstIdeal(measured, {
    ideal: '400 x 100 ms / 16',
    target: TARGET,
    labels: { [workersLabel]: "of ideal + start-up (Vitest's default workers for CPU-bound tests)" },
  })
} finally {
  judge.stop()
}
