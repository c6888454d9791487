import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { RowScoresWriter } from '../src/store/row-scores.ts'
import {
  parseStore,
  readStoreFile,
  readStoreFileSync,
  type StoredJudgment,
  writeStoreEntries,
  writeStoreRows,
} from '../src/store/store-file.ts'

const entry: StoredJudgment = {
  judgeId: 'j1',
  judgeName: 'judge',
  rubricId: 'r1',
  scores: { tone: { score: 0.75, raw: 4, reason: 'calm' } },
  latencyMs: 12,
  judgedAt: '2026-01-01T00:00:00.000Z',
  output: 'answer',
}
const scratch = () => join(mkdtempSync(join(tmpdir(), 'rubric-rows-')), 'qa.eval.ts.json')

describe('the rows section of a store file', () => {
  test('a store written before it existed reads as before, without rows', async () => {
    const file = scratch()
    writeFileSync(file, JSON.stringify({ version: 1, judgments: { k1: entry } }))
    expect(await readStoreFile(file)).toEqual({ version: 1, judgments: { k1: entry } })
    expect(readStoreFileSync(file)).toEqual({ version: 1, judgments: { k1: entry } })
    expect(readStoreFileSync(join(file, '..', 'missing.json'))).toEqual({ version: 1, judgments: {} })
  })

  test('row scores are merged per suite and row; writing judgments or removing them keeps the rows', async () => {
    const file = scratch()
    await writeStoreEntries(file, { k1: entry })
    await writeStoreRows(file, { qa: { r1: { tone: 0.75 }, r2: { tone: 0.25 } } })
    await writeStoreRows(file, { qa: { r2: { tone: 0.5, relevance: 1 } }, other: { r1: { tone: 1 } } })
    await writeStoreEntries(file, { k2: entry }, ['k1'])
    const document = await readStoreFile(file)
    expect(Object.keys(document.judgments)).toEqual(['k2'])
    expect(document.rows).toEqual({
      qa: { r1: { tone: 0.75 }, r2: { tone: 0.5, relevance: 1 } },
      other: { r1: { tone: 1 } },
    })
    const text = readFileSync(file, 'utf8')
    expect(text.indexOf('"judgments"')).toBeLessThan(text.indexOf('"rows"'))
    expect(text.indexOf('"relevance": 1')).toBeLessThan(text.indexOf('"tone": 0.5'))
  })

  test('malformed rows make the store corrupt, with the line', () => {
    const text = JSON.stringify(
      { version: 1, judgments: {}, rows: { qa: { r1: { tone: 'high' } } } },
      null,
      2,
    )
    expect(() => parseStore(text, 'qa.json')).toThrow(
      'the judgment store qa.json is not valid: line 6: row "r1" of suite "qa" has scores that are not numbers in [0, 1]. It was left untouched.',
    )
    expect(() => parseStore('{"version":1,"judgments":{},"rows":[]}', 'qa.json')).toThrow(
      '"rows" is not an object of suites',
    )
  })

  test('the writer writes a row only when its scores changed, and rows finishing together in one write', async () => {
    const file = scratch()
    await writeStoreRows(file, { qa: { r1: { tone: 0.75 } } })
    const before = readFileSync(file, 'utf8')
    const writer = new RowScoresWriter(file)
    await writer.put('qa', 'r1', { tone: 0.75 })
    expect(readFileSync(file, 'utf8')).toBe(before)
    await Promise.all([writer.put('qa', 'r2', { tone: 1 }), writer.put('qa', 'r1', { tone: 0.5 })])
    expect((await readStoreFile(file)).rows).toEqual({ qa: { r1: { tone: 0.5 }, r2: { tone: 1 } } })
  })
})
