// Transcript benchmark: 1,000 stored judgments of 20-turn conversations with tool calls (OpenAI Chat
// Completions messages, converted and hashed on every assertion) against 1,000 stored judgments of strings, in
// the same run. A judged transcript costs what a judged string does: one stored read, no live call.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { evalsConfig, fmt, installPackage, median, scratch, timedRun, write } from './lib.mjs'

const FILES = 10
const PER_FILE = 100
const TURNS = 20
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

// Builds one conversation per test: TURNS user turns, each answered, every other one after a tool call.
const conversationSource = `
function conversation(index) {
  const messages = [{ role: 'system', content: 'You are the support agent of Acme. Help with orders only.' }]
  for (let turn = 0; turn < ${TURNS}; turn++) {
    const order = \`A-\${index}-\${turn}\`
    messages.push({ role: 'user', content: \`Where is my order \${order}? It was due last week.\` })
    if (turn % 2 === 0) {
      const id = \`call_\${index}_\${turn}\`
      messages.push({
        role: 'assistant',
        content: null,
        tool_calls: [{ id, type: 'function', function: { name: 'lookupOrder', arguments: JSON.stringify({ orderId: order }) } }],
      })
      messages.push({ role: 'tool', tool_call_id: id, content: JSON.stringify({ orderId: order, status: 'shipped', eta: '2026-12-09' }) })
    }
    messages.push({ role: 'assistant', content: \`Order \${order} has shipped and should arrive on 9 December.\` })
  }
  return messages
}
`

function suite(dir, kind) {
  const files = {}
  for (let file = 0; file < FILES; file++) {
    const lines = ["import { test } from 'vitest'"]
    if (kind === 'transcript') lines.push(conversationSource)
    lines.push(`for (let index = 0; index < ${PER_FILE}; index++) {`)
    const output =
      kind === 'transcript'
        ? `conversation(${file} * 1000 + index)`
        : `\`Order A-\${index} has shipped and should arrive on 9 December (file ${file}).\``
    lines.push(
      '  test(`case ${index}`, async ({ expect }) => {',
      `    await expect(${output}).toScoreAtLeast('relevance', 0, { input: 'Where is my order?' })`,
      '  })',
      '}',
      '',
    )
    files[`file-${String(file).padStart(2, '0')}.eval.ts`] = lines.join('\n')
  }
  write(dir, files)
}

const options = { judge: 'heuristic', reporter: { outputFile: false } }
const dirs = { string: scratch('transcripts-strings'), transcript: scratch('transcripts-conversations') }
installPackage()
for (const [kind, dir] of Object.entries(dirs)) {
  suite(dir, kind)
  write(dir, { 'vitest.config.ts': evalsConfig(options) })
  timedRun(dir, { VITEST_RUBRIC_STORE: 'record' })
  if (!existsSync(join(dir, '__judgments__', 'file-00.eval.ts.json')))
    throw new Error('the store was not written')
}

const replayed = (dir) => {
  const run = timedRun(dir, { VITEST_RUBRIC_STORE: 'replay' })
  if (!/0 live calls · 1,000 stored/.test(run.stdout))
    throw new Error(`the replay run judged live:\n${run.stdout}`)
  return run
}
const runs = { string: [], transcript: [] }
for (let round = 0; round < ROUNDS; round++) {
  runs.string.push(replayed(dirs.string))
  runs.transcript.push(replayed(dirs.transcript))
}
const stringMs = median(runs.string.map((run) => run.wallMs))
const transcriptMs = median(runs.transcript.map((run) => run.wallMs))
console.log(
  `transcripts: ${FILES * PER_FILE} stored judgments in ${FILES} files, median of ${ROUNDS} runs each`,
)
console.log(`  strings                                  ${fmt(stringMs).padStart(8)}`)
console.log(`  ${TURNS}-turn transcripts with tool calls     ${fmt(transcriptMs).padStart(8)}`)
console.log(
  `  ratio                                    ${(transcriptMs / stringMs).toFixed(2)}x time (target: within 1.3x)`,
)
