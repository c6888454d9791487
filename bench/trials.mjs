// Trials benchmark: 400 outputs judged live in 8 eval files with `trials: 3` (1,200 judge calls) against a local
// judge that answers after 100 ms, with the global judge limit at 16 calls in flight. The ideal is
// 1,200 x 100 ms / 16 = 7.5 s plus Vitest's own start-up, measured in the same run on a one-test suite, as in
// throughput.mjs: trials run at once under the global limit, so they cost calls, not rounds.
import { loadavg } from 'node:os'
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
const TRIALS = 3
const DELAY_MS = 100
const CONCURRENCY = 16
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const TARGET = 1.3
const PLAIN = 'same calls without trials'

if (!process.env.BENCH_NO_BUILD) installPackage()
const judge = await startBenchJudge(DELAY_MS)
try {
  const evalDir = scratch('trials-live')
  const options = {
    judge: {
      model: 'bench-judge',
      baseURL: judge.baseURL,
      apiKey: 'bench',
      concurrency: CONCURRENCY,
      trials: TRIALS,
    },
    store: 'off',
    reporter: { outputFile: false, progress: false },
  }
  write(evalDir, { ...judgedSuiteFiles(FILES, PER_FILE), 'vitest.config.ts': evalsConfig(options) })
  // The same number of calls without trials (three times the outputs, one call each), in the same rounds: what
  // trials cost beyond their calls is the difference between the two.
  const plainDir = scratch('trials-plain')
  write(plainDir, {
    ...judgedSuiteFiles(FILES, PER_FILE * TRIALS),
    'vitest.config.ts': evalsConfig({ ...options, judge: { ...options.judge, trials: 1 } }),
  })

  const calls = FILES * PER_FILE * TRIALS
  const load = loadavg()[0]
  const measured = await measureAgainstIdeal({
    name: 'trials',
    judge,
    suites: { 'live run': evalDir, [PLAIN]: plainDir },
    calls,
    delayMs: DELAY_MS,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
  })
  console.log(
    `trials: ${FILES * PER_FILE} outputs x ${TRIALS} trials = ${calls} live judge calls in ${FILES} files, judge ` +
      `answering in ${DELAY_MS} ms, concurrency ${CONCURRENCY}, median of ${ROUNDS} runs; most calls in flight: ` +
      `${measured.maxInFlight}; load average ${load.toFixed(2)} before, ${loadavg()[0].toFixed(2)} after`,
  )
  printAgainstIdeal(measured, {
    ideal: '1,200 x 100 ms / 16',
    target: TARGET,
    labels: { [PLAIN]: 'of ideal + start-up (1,200 outputs, one call each, for comparison)' },
  })
} finally {
  judge.stop()
}
