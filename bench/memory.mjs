// Memory benchmark: the main process's peak memory on a replayed suite against plain Vitest, per judgment. The
// same N tests run three ways, measured in the same run: `expect(x).toBe(x)` without the plugin; replayed
// judgments with the reporter off (the records stay whole in each test's meta, which Vitest holds to the end); and
// replayed judgments with the reporter writing report.json (it holds each file's records compactly once the file
// ends, their text on disk). The peak is the largest resident set of the process tree, which is the main
// process's (workers hold one file at a time); it counts garbage not yet collected as well, so each row also shows
// what the main process holds when the run ends: its heap after a full garbage collection (bench/heap-probe.mjs).
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { evalsConfig, fmt, installPackage, mb, median, scratch, timedRun, write, writeSuite } from './lib.mjs'

const PER_FILE = 200
const JUDGMENTS = Number(process.env.BENCH_JUDGMENTS ?? 8000)
const FILES = Math.max(1, Math.round(JUDGMENTS / PER_FILE))
const N = FILES * PER_FILE
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1)
const TARGET_KB = 2
const HEAP_PROBE = fileURLToPath(new URL('./heap-probe.mjs', import.meta.url))

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
  const run = timedRun(dir, { VITEST_RUBRIC_STORE: 'replay' }, [HEAP_PROBE])
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
  plain.push(timedRun(plainDir, {}, [HEAP_PROBE]))
  reporterOff.push(replayed(reporterOffDir))
  reporterOn.push(replayed(reporterOnDir))
}
if (!existsSync(join(reporterOnDir, '.vitest-rubric', 'report.json')))
  throw new Error('report.json was not written')

const peak = (runs) => median(runs.map((run) => run.peakRssMb ?? Number.NaN))
const held = (runs) => median(runs.map((run) => Number(/__HEAP__ (\d+)/.exec(run.stdout)?.[1]) / 2 ** 20))
const time = (runs) => median(runs.map((run) => run.wallMs))
const [plainMb, offMb, onMb] = [plain, reporterOff, reporterOn].map(peak)
const [plainHeld, offHeld, onHeld] = [plain, reporterOff, reporterOn].map(held)
const perJudgment = (mbOver) => `${((mbOver * 1024) / N).toFixed(2)} KB`
const row = (label, runs, peakMb, heldMb, note = '') =>
  `  ${label.padEnd(36)} peak ${mb(peakMb).padStart(7)}   held ${mb(heldMb).padStart(6)}   ${fmt(time(runs)).padStart(8)}${note}`
// Each round's plugin peak against the plain peak of the same round: how steady the ratio is.
const perRound = (runs) =>
  runs
    .map((run, round) => perJudgment((run.peakRssMb ?? Number.NaN) - (plain[round].peakRssMb ?? Number.NaN)))
    .join(', ')
console.log(
  `memory: ${N.toLocaleString('en-US')} replayed judgments in ${FILES} files, median of ${ROUNDS} runs ` +
    `(held: the main process's heap after a full GC when the run ends)`,
)
console.log(row('plain toBe, no plugin', plain, plainMb, plainHeld))
console.log(
  row(
    'stored judgments, reporter off',
    reporterOff,
    offMb,
    offHeld,
    `   ${perJudgment(offMb - plainMb)} per judgment over plain (held ${perJudgment(offHeld - plainHeld)}): whole records in Vitest's task meta`,
  ),
)
console.log(
  row(
    'stored judgments, report.json',
    reporterOn,
    onMb,
    onHeld,
    `   ${perJudgment(onMb - plainMb)} per judgment over plain (held ${perJudgment(onHeld - plainHeld)}) (target: under ${TARGET_KB} KB)` +
      (ROUNDS > 1 ? `\n${' '.repeat(40)}each round against its plain run: ${perRound(reporterOn)}` : ''),
  ),
)
