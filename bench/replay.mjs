// Replay benchmark: 5,000 assertions across 50 eval files whose judgments are all stored, against the same
// 5,000 tests written with `expect(x).toBe(x)` and no plugin, measured in the same run.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { evalsConfig, fmt, installPackage, mb, median, scratch, timedRun, write } from './lib.mjs'

const FILES = 50
const PER_FILE = 100
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

function suite(dir, kind) {
  const files = {}
  for (let file = 0; file < FILES; file++) {
    const lines = ["import { test } from 'vitest'", `for (let index = 0; index < ${PER_FILE}; index++) {`]
    const output = `\`Refunds are paid within 14 days of the return (case \${index}, file ${file}).\``
    if (kind === 'plain') {
      lines.push(
        '  test(`case ${index}`, ({ expect }) => {',
        `    const x = ${output}`,
        '    expect(x).toBe(x)',
        '  })',
      )
    } else {
      lines.push(
        '  test(`case ${index}`, async ({ expect }) => {',
        `    await expect(${output}).toScoreAtLeast('relevance', 0, { input: 'How long do refunds take?' })`,
        '  })',
      )
    }
    lines.push('}', '')
    files[`file-${String(file).padStart(2, '0')}.${kind === 'plain' ? 'test' : 'eval'}.ts`] = lines.join('\n')
  }
  write(dir, files)
}

installPackage()
const plainDir = scratch('replay-plain')
suite(plainDir, 'plain')
write(plainDir, { 'vitest.config.ts': "export default { test: { include: ['**/*.test.ts'] } }\n" })

const replayDir = scratch('replay-stored')
suite(replayDir, 'eval')
write(replayDir, { 'vitest.config.ts': evalsConfig({ judge: 'heuristic', reporter: { outputFile: false } }) })

// Record every judgment once (not measured), then replay.
timedRun(replayDir, { VITEST_RUBRIC_STORE: 'record' })
if (!existsSync(join(replayDir, '__judgments__', 'file-00.eval.ts.json')))
  throw new Error('the store was not written')

const plain = []
const replay = []
for (let round = 0; round < ROUNDS; round++) {
  plain.push(timedRun(plainDir))
  const run = timedRun(replayDir, { VITEST_RUBRIC_STORE: 'replay' })
  if (!/0 live calls · 5,000 stored/.test(run.stdout))
    throw new Error(`the replay run judged live:\n${run.stdout}`)
  replay.push(run)
}

const plainMs = median(plain.map((run) => run.wallMs))
const replayMs = median(replay.map((run) => run.wallMs))
const plainMb = median(plain.map((run) => run.peakRssMb ?? 0))
const replayMb = median(replay.map((run) => run.peakRssMb ?? 0))
console.log(`replay: ${FILES * PER_FILE} assertions in ${FILES} files, median of ${ROUNDS} runs each`)
console.log(`  plain toBe, no plugin   ${fmt(plainMs).padStart(8)}   peak ${mb(plainMb)}`)
console.log(`  stored judgments        ${fmt(replayMs).padStart(8)}   peak ${mb(replayMb)}`)
console.log(
  `  ratio                   ${(replayMs / plainMs).toFixed(2)}x time, ${(replayMb / plainMb).toFixed(2)}x memory (target: time within 1.5x)`,
)
