// Setup-file benchmark: what `vitest-rubric/setup` costs each eval file. Every file of a plain Vitest project
// (no plugin) imports the setup module once in its own fresh worker, as `evals()` does before the file runs, and
// measures the import's CPU time and wall time there. The baseline, measured in the same run, is what plain
// Vitest spends per file on the same files without the import (wall time x workers / files).
import { readFileSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fmt, installPackage, median, scratch, timedRun, write } from './lib.mjs'

const FILES = 24
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const TARGET_MS = 30

installPackage()
const workers = Math.max(availableParallelism() - 1, 1)
const config = `export default { test: { include: ['**/*.test.ts'], maxWorkers: ${workers} } }\n`

const measuredDir = scratch('setup-import')
const timings = join(measuredDir, 'timings.txt')
const measured = { 'vitest.config.ts': config }
for (let file = 0; file < FILES; file++) {
  measured[`file-${String(file).padStart(2, '0')}.test.ts`] = [
    "import { appendFileSync } from 'node:fs'",
    "import { test } from 'vitest'",
    "test('imports the setup file', async () => {",
    '  const cpu = process.cpuUsage()',
    '  const started = performance.now()',
    "  await import('vitest-rubric/setup')",
    '  const wallMs = performance.now() - started',
    '  const { user, system } = process.cpuUsage(cpu)',
    `  appendFileSync(${JSON.stringify(timings)}, \`\${(user + system) / 1000} \${wallMs}\\n\`)`,
    '})',
    '',
  ].join('\n')
}
write(measuredDir, measured)

const plainDir = scratch('setup-plain')
const plain = { 'vitest.config.ts': config }
for (let file = 0; file < FILES; file++) {
  plain[`file-${String(file).padStart(2, '0')}.test.ts`] =
    "import { test, expect } from 'vitest'\ntest('passes', () => expect(1).toBe(1))\n"
}
write(plainDir, plain)

const cpuMs = []
const wallMs = []
const plainRuns = []
for (let round = 0; round < ROUNDS; round++) {
  rmSync(timings, { force: true })
  timedRun(measuredDir)
  const rows = readFileSync(timings, 'utf8').trim().split('\n')
  if (rows.length !== FILES) throw new Error(`expected ${FILES} timings, read ${rows.length}`)
  for (const row of rows) {
    const [cpu, wall] = row.split(' ').map(Number)
    cpuMs.push(cpu)
    wallMs.push(wall)
  }
  plainRuns.push(timedRun(plainDir).wallMs)
}

const perPlainFileMs = (median(plainRuns) * workers) / FILES
const setupCpu = median(cpuMs)
const setupWall = median(wallMs)
const ms = (value) => `${value.toFixed(1)} ms`
console.log(`setup file: imported once in each of ${FILES} fresh workers, medians over ${ROUNDS} runs`)
console.log(
  `  vitest-rubric/setup per file            ${ms(setupCpu).padStart(9)} CPU   ${ms(setupWall).padStart(9)} wall   (target: under ${TARGET_MS} ms)`,
)
console.log(
  `  plain Vitest per file (baseline)        ${ms(perPlainFileMs).padStart(9)} wall x workers   (${fmt(median(plainRuns))} for ${FILES} files, ${workers} workers)`,
)
console.log(
  `  ratio                                   setup adds ${((setupWall / perPlainFileMs) * 100).toFixed(0)}% to a plain file's cost`,
)
