import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import {
  parseStore,
  readStoreFile,
  type StoredJudgment,
  serializeStore,
  storePathFor,
  writeStoreEntries,
} from '../src/store/store-file.ts'

const entry = (output: string, score = 0.75): StoredJudgment => ({
  judgeId: 'j1',
  judgeName: 'judge',
  rubricId: 'r1',
  scores: { relevance: { score, raw: 4, reason: 'on topic' } },
  latencyMs: 12,
  judgedAt: '2026-01-01T00:00:00.000Z',
  output,
})

const scratch = () => mkdtempSync(join(tmpdir(), 'rubric-store-'))

describe('store files', () => {
  test('live beside the eval file, named after it', () => {
    expect(storePathFor('/repo/evals/support.eval.ts')).toBe('/repo/evals/__judgments__/support.eval.ts.json')
  })

  test('serialise sorted and pretty, whatever the insertion order', () => {
    const a = serializeStore({ version: 1, judgments: { b: entry('B'), a: entry('A') } })
    const b = serializeStore({ version: 1, judgments: { a: entry('A'), b: entry('B') } })
    expect(a).toBe(b)
    expect(a.indexOf('"a"')).toBeLessThan(a.indexOf('"b"'))
    expect(a.endsWith('}\n')).toBe(true)
    expect(a.split('\n').length).toBeGreaterThan(10)
  })

  test('a missing file is an empty store', async () => {
    expect(await readStoreFile(join(scratch(), 'none.json'))).toEqual({ version: 1, judgments: {} })
  })

  test('invalid JSON is an error naming the file and the line, and the file is left alone', async () => {
    const dir = scratch()
    const file = join(dir, 'broken.json')
    const text = '{\n  "version": 1,\n  "judgments": {\n<<<<<<< HEAD\n  }\n}\n'
    writeFileSync(file, text)
    await expect(readStoreFile(file)).rejects.toThrow(`the judgment store ${file} is not valid: line 4`)
    await expect(writeStoreEntries(file, { k: entry('x') })).rejects.toThrow('It was left untouched')
    expect(readFileSync(file, 'utf8')).toBe(text)
  })

  test('a hand-edited entry without scores is named with its line', () => {
    const { scores: _, ...withoutScores } = entry('A')
    const broken = serializeStore({ version: 1, judgments: { bad: withoutScores as StoredJudgment } })
    expect(() => parseStore(broken, 'store.json')).toThrow(/line 3: entry "bad" has no "scores"/)
  })

  test("simulated users' turns: a section of their own, round-tripped; a bad turn is named with its line", () => {
    const turn = {
      model: 'gpt-4.1-mini',
      action: 'continue' as const,
      message: 'It is BW-10428.',
      turn: 2,
      persona: 'Noor',
      goal: 'a refund',
      after: 'Which order?',
      latencyMs: 40,
      simulatedAt: '2026-01-01T00:00:00.000Z',
    }
    const text = serializeStore({ version: 1, judgments: { a: entry('A') }, simulatedTurns: { t1: turn } })
    expect(parseStore(text, 'store.json')).toEqual({
      version: 1,
      judgments: { a: entry('A') },
      simulatedTurns: { t1: turn },
    })
    const broken = text.replace('"continue"', '"wave"')
    expect(() => parseStore(broken, 'store.json')).toThrow(
      `line ${text.split('\n').findIndex((line) => line.includes('"t1"')) + 1}: simulated turn "t1" has no "action" (continue, done or give-up) or "message"`,
    )
  })

  test('concurrent writers to one file lose no entry and leave no temporary files', async () => {
    const dir = scratch()
    const file = join(dir, '__judgments__', 'many.eval.ts.json')
    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        writeStoreEntries(file, { [`key-${index}`]: entry(`output ${index}`) }),
      ),
    )
    const stored = await readStoreFile(file)
    expect(Object.keys(stored.judgments)).toHaveLength(40)
    expect(await readdir(join(dir, '__judgments__'))).toEqual(['many.eval.ts.json'])
  })

  test('removing entries keeps the others', async () => {
    const file = join(scratch(), 'store.json')
    await writeStoreEntries(file, { a: entry('A'), b: entry('B'), c: entry('C') })
    await writeStoreEntries(file, {}, ['b'])
    expect(Object.keys((await readStoreFile(file)).judgments)).toEqual(['a', 'c'])
  })
})
