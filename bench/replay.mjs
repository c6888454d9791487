// Replay benchmark: 5,000 assertions across 50 eval files whose judgments are all stored, against the same
// 5,000 tests written with `expect(x).toBe(x)` and no plugin, measured in the same run. The ratio compares the
// two with the same number of workers (Vitest's default); the evals project's own default, more files at once,
// is shown beside it.
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { evalsConfig, fmt, installPackage, mb, median, scratch, timedRun, write, writeSuite } from './lib.mjs'

const FILES = 50
const PER_FILE = 100
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

installPackage()
const plainDir = scratch('replay-plain')
writeSuite(plainDir, 'plain', FILES, PER_FILE)
write(plainDir, { 'vitest.config.ts': "export default { test: { include: ['**/*.test.ts'] } }\n" })

const vitestWorkers = Math.max(availableParallelism() - 1, 1)
const evalsOptions = { judge: 'heuristic', reporter: { outputFile: false } }
const replayDir = scratch('replay-stored')
writeSuite(replayDir, 'eval', FILES, PER_FILE)
write(replayDir, { 'vitest.config.ts': evalsConfig({ ...evalsOptions, maxWorkers: vitestWorkers }) })
const defaultsDir = scratch('replay-stored-evals-defaults')
writeSuite(defaultsDir, 'eval', FILES, PER_FILE)
write(defaultsDir, { 'vitest.config.ts': evalsConfig(evalsOptions) })

// Record every judgment once (not measured), then replay.
for (const dir of [replayDir, defaultsDir]) {
  timedRun(dir, { VITEST_RUBRIC_STORE: 'record' })
  if (!existsSync(join(dir, '__judgments__', 'file-00.eval.ts.json')))
    throw new Error('the store was not written')
}

const replayed = (dir) => {
  const run = timedRun(dir, { VITEST_RUBRIC_STORE: 'replay' })
  if (!/0 live calls · 5,000 stored/.test(run.stdout))
    throw new Error(`the replay run judged live:\n${run.stdout}`)
  return run
}
const plain = []
const replay = []
const defaults = []
for (let round = 0; round < ROUNDS; round++) {
  plain.push(timedRun(plainDir))
  replay.push(replayed(replayDir))
  defaults.push(replayed(defaultsDir))
}

const time = (runs) => median(runs.map((run) => run.wallMs))
const memory = (runs) => median(runs.map((run) => run.peakRssMb ?? 0))
const [plainMs, replayMs, defaultsMs] = [plain, replay, defaults].map(time)
const [plainMb, replayMb, defaultsMb] = [plain, replay, defaults].map(memory)
console.log(`replay: ${FILES * PER_FILE} assertions in ${FILES} files, median of ${ROUNDS} runs each`)
console.log(
  `  plain toBe, no plugin (maxWorkers ${vitestWorkers})      ${fmt(plainMs).padStart(8)}   peak ${mb(plainMb)}`,
)
console.log(
  `  stored judgments (maxWorkers ${vitestWorkers})           ${fmt(replayMs).padStart(8)}   peak ${mb(replayMb)}`,
)
console.log(
  `  ratio                                    ${(replayMs / plainMs).toFixed(2)}x time, ${(replayMb / plainMb).toFixed(2)}x memory (target: time within 1.5x)`,
)
console.log(
  `  stored judgments, evals() defaults       ${fmt(defaultsMs).padStart(8)}   peak ${mb(defaultsMb)}   ${(defaultsMs / plainMs).toFixed(2)}x time`,
)
