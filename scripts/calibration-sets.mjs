#!/usr/bin/env node
/**
 * Converts UniEval's copies of the QAGS and Topical-Chat human labels into calibration sets (JSONL rows with
 * human scores per dimension, see `CalibrationRow`), written to fixtures/calibration/:
 *
 *   node scripts/calibration-sets.mjs /work/shared/datasets/unieval
 *
 * - qags-xsum.jsonl, qags-cnndm.jsonl: the summary is the output, the article the context; QAGS "consistency"
 *   (the share of summary sentences annotators found supported, 0 to 1) is the human `faithfulness`.
 * - topical-chat.jsonl: the response is the output, the dialogue history the input, the knowledge fact the
 *   context, grouped by dialogue (6 responses each). USR's "uses knowledge" (groundedness, 0 to 1) is the human
 *   `faithfulness`; "maintains context" (UniEval's coherence, 1 to 3) is the human `coherence`, and also
 *   `relevance`, which it is closer to: whether the response follows on from the dialogue.
 *
 * The scores are those of the source files, unchanged; each row declares their scale. Re-running gives the same
 * files byte for byte.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const source = process.argv[2] ?? process.env.UNIEVAL_DIR
if (!source) {
  console.error('usage: node scripts/calibration-sets.mjs <dir with the UniEval JSON files and LICENSE>')
  process.exit(2)
}
const out = new URL('../fixtures/calibration/', import.meta.url).pathname
mkdirSync(out, { recursive: true })

const read = (name) => JSON.parse(readFileSync(join(source, name), 'utf8'))
/** Tokenised text as UniEval stores it ("do n't", "summer ."), trimmed; the judges see it as it is. */
const text = (value) => String(value).trim()

function write(name, rows) {
  writeFileSync(join(out, name), `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`)
  console.log(`wrote fixtures/calibration/${name} (${rows.length} rows)`)
}

for (const [file, name, label] of [
  ['qags_xsum.json', 'qags-xsum', 'QAGS, XSum summaries'],
  ['qags_cnndm.json', 'qags-cnndm', 'QAGS, CNN/DailyMail summaries'],
]) {
  write(
    `${name}.jsonl`,
    read(file).map((row) => ({
      id: `${name}-${String(row.doc_id).padStart(3, '0')}`,
      output: text(row.system_output),
      context: text(row.source),
      human: { faithfulness: row.scores.consistency },
      scale: { min: 0, max: 1 },
      metadata: { dataset: label, label: 'consistency', docId: row.doc_id },
    })),
  )
}

const dialogues = new Map()
write(
  'topical-chat.jsonl',
  read('topical_chat.json').map((row, index) => {
    if (!dialogues.has(row.source))
      dialogues.set(row.source, `dialogue-${String(dialogues.size + 1).padStart(2, '0')}`)
    const { groundedness, coherence, ...others } = row.scores
    return {
      id: `topical-chat-${String(index + 1).padStart(3, '0')}`,
      group: dialogues.get(row.source),
      input: text(row.source),
      context: text(row.context),
      output: text(row.system_output),
      human: { faithfulness: groundedness, coherence, relevance: coherence },
      scale: {
        faithfulness: { min: 0, max: 1 },
        coherence: { min: 1, max: 3 },
        relevance: { min: 1, max: 3 },
      },
      metadata: {
        dataset: 'Topical-Chat (USR)',
        system: row.system_id,
        labels:
          'faithfulness = groundedness (uses knowledge); coherence and relevance = coherence (maintains context)',
        otherScores: others,
      },
    }
  }),
)
writeFileSync(join(out, 'LICENSE-unieval'), readFileSync(join(source, 'LICENSE')))
console.log('copied the MIT licence of the UniEval data to fixtures/calibration/LICENSE-unieval')
