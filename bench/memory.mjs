// Memory benchmark: the main process's peak memory on a replayed suite against plain Vitest, per judgment. The
// same N tests run three ways, measured in the same run: `expect(x).toBe(x)` without the plugin; replayed
// judgments with the reporter off (what Vitest itself keeps of the records in each test's meta); and replayed
// judgments with the reporter writing report.json (the plugin's own share is the difference). The peak is the
// largest resident set of the process tree, which is the main process's (workers hold one file at a time).
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { evalsConfig, fmt, installPackage, mb, median, scratch, timedRun, write, writeSuite } from './lib.mjs'

const PER_FILE = 200
const JUDGMENTS = Number(process.env.BENCH_JUDGMENTS ?? 8000)
const FILES = Math.max(1, Math.round(JUDGMENTS / PER_FILE))
const N = FILES * PER_FILE
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1)
const TARGET_KB = 2

installPackage()
const maxWorkers = Math.max(availableParallelism() - 1, 1)
const plainDir = scratch('memory-plain')
writeSuite(plainDir, 'plain', FILES, PER_FILE)
write(plainDir, {
  'vitest.config.ts': `export default { test: { include: ['**/*.test.ts'], maxWorkers: ${maxWorkers} } }\n`,
})
const evalsDir = (name, reporter) => {
  const dir = scratch(name)
  writeSuite(dir, 'eval', FILES, PER_FILE)
  write(dir, { 'vitest.config.ts': evalsConfig({ judge: 'heuristic', maxWorkers, reporter }) })
  timedRun(dir, { VITEST_RUBRIC_STORE: 'record' })
  if (!existsSync(join(dir, '__judgments__', 'file-00.eval.ts.json')))
    throw new Error('the store was not written')
  return dir
}
const reporterOffDir = evalsDir('memory-reporter-off', false)
const reporterOnDir = evalsDir('memory-reporter-on', { history: false })

const replayed = (dir) => {
  const run = timedRun(dir, { VITEST_RUBRIC_STORE: 'replay' })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Vitest's summary is coloured
  const summary = run.stdout.replace(/\u001b\[[0-9;]*m/g, '')
  if (!new RegExp(`Tests\\s+${N} passed`).test(summary))
    throw new Error(`the replay run failed:\n${run.stdout}`)
  return run
}
const plain = []
const reporterOff = []
const reporterOn = []
for (let round = 0; round < ROUNDS; round++) {
  plain.push(timedRun(plainDir))
  reporterOff.push(replayed(reporterOffDir))
  reporterOn.push(replayed(reporterOnDir))
}
if (!existsSync(join(reporterOnDir, '.vitest-rubric', 'report.json')))
  throw new Error('report.json was not written')

const peak = (runs) => median(runs.map((run) => run.peakRssMb ?? Number.NaN))
const time = (runs) => median(runs.map((run) => run.wallMs))
const [plainMb, offMb, onMb] = [plain, reporterOff, reporterOn].map(peak)
const perJudgment = (mbOver) => `${((mbOver * 1024) / N).toFixed(2)} KB per judgment`
console.log(
  `memory: ${N.toLocaleString('en-US')} replayed judgments in ${FILES} files, median of ${ROUNDS} runs`,
)
console.log(`  plain toBe, no plugin                 peak ${mb(plainMb).padStart(7)}   ${fmt(time(plain))}`)
console.log(
  `  stored judgments, reporter off        peak ${mb(offMb).padStart(7)}   ${fmt(time(reporterOff))}   ${perJudgment(offMb - plainMb)} over plain (Vitest's task meta)`,
)
console.log(
  `  stored judgments, report.json         peak ${mb(onMb).padStart(7)}   ${fmt(time(reporterOn))}   ${perJudgment(onMb - plainMb)} over plain (target: under ${TARGET_KB} KB)`,
)
console.log(`  the reporter's own share               ${perJudgment(onMb - offMb)}`)
