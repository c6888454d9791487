// Setup-file benchmark: what `vitest-rubric/setup` costs each eval file. Every file of a plain Vitest project
// (no plugin) imports the setup module once in its own fresh worker, as `evals()` does before the file runs, and
// measures the import's CPU time and wall time there. The baseline is measured in the same workers just before:
// the CPU the worker has spent up to then (starting, loading Vitest, collecting the file) is what plain Vitest
// spends per file, so a loaded machine slows both alike. CPU, not wall time: on a shared machine the wall time of
// a few milliseconds is mostly waiting for a core.
import { readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { installPackage, median, scratch, timedRun, write } from './lib.mjs'

const FILES = 24
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const TARGET_MS = 30

installPackage()
const workers = Math.max(availableParallelism() - 1, 1)
const dir = scratch('setup-import')
const timings = join(dir, 'timings.txt')
const files = {
  'vitest.config.ts': `export default { test: { include: ['**/*.test.ts'], maxWorkers: ${workers} } }\n`,
}
for (let file = 0; file < FILES; file++) {
  files[`file-${String(file).padStart(2, '0')}.test.ts`] = [
    "import { appendFileSync } from 'node:fs'",
    "import { test } from 'vitest'",
    "test('imports the setup file', async () => {",
    '  const cpu = process.cpuUsage()',
    '  const started = performance.now()',
    "  await import('vitest-rubric/setup')",
    '  const wallMs = performance.now() - started',
    '  const setup = process.cpuUsage(cpu)',
    `  appendFileSync(${JSON.stringify(timings)}, \`\${(setup.user + setup.system) / 1000} \${wallMs} \${(cpu.user + cpu.system) / 1000}\\n\`)`,
    '})',
    '',
  ].join('\n')
}
write(dir, files)

const setupCpu = []
const setupWall = []
const plainCpu = []
const loads = []
const ms = (value) => `${value.toFixed(1)} ms`
for (let round = 0; round < ROUNDS; round++) {
  rmSync(timings, { force: true })
  loads.push(loadavg()[0])
  timedRun(dir)
  const rows = readFileSync(timings, 'utf8').trim().split('\n')
  if (rows.length !== FILES) throw new Error(`expected ${FILES} timings, read ${rows.length}`)
  const thisRound = { cpu: [], plain: [] }
  for (const row of rows) {
    const [cpu, wall, plain] = row.split(' ').map(Number)
    setupCpu.push(cpu)
    setupWall.push(wall)
    plainCpu.push(plain)
    thisRound.cpu.push(cpu)
    thisRound.plain.push(plain)
  }
  console.log(
    `  round ${round + 1}: setup ${ms(median(thisRound.cpu))} CPU, plain worker ${ms(median(thisRound.plain))} CPU (load average ${loads.at(-1).toFixed(1)})`,
  )
}

const setup = median(setupCpu)
const plain = median(plainCpu)
console.log(
  `setup file: imported once in each of ${FILES} fresh workers, medians over ${ROUNDS} runs (load average ${Math.min(...loads).toFixed(1)} to ${Math.max(...loads).toFixed(1)})`,
)
console.log(
  `  vitest-rubric/setup per file            ${ms(setup).padStart(9)} CPU   ${ms(median(setupWall)).padStart(9)} wall   (target: under ${TARGET_MS} ms CPU)`,
)
console.log(
  `  plain Vitest per file (baseline)        ${ms(plain).padStart(9)} CPU   in the same worker, before the import`,
)
console.log(
  `  ratio                                   setup adds ${((setup / plain) * 100).toFixed(0)}% to a plain file's worker CPU`,
)
