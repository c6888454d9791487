import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { defaultRubric } from '../src/rubric/define-rubric.ts'
import { JudgmentStore, judgmentKey, resolveStoreText, toStored } from '../src/store/judgment-store.ts'
import { openStore, SharedStore } from '../src/store/shared-store.ts'
import {
  readStoreFile,
  type StoreDocument,
  type StoredJudgment,
  serializeStore,
  writeStoreEntries,
} from '../src/store/store-file.ts'
import type { JudgeRequest, Judgment } from '../src/types.ts'
import { contentHash, stableStringify } from '../src/util/hash.ts'
import { tempDirs } from './support/temp-dirs.ts'

const scratch = tempDirs('rubric-shared-store-')
const storeFile = () => join(scratch(), '__judgments__', 'qa.eval.ts.json')

const entry = (output: string): StoredJudgment => ({
  judgeId: 'j1',
  judgeName: 'judge',
  rubricId: 'r1',
  scores: { tone: { score: 0.75, raw: 4, reason: 'calm' } },
  latencyMs: 12,
  judgedAt: '2026-01-01T00:00:00.000Z',
  output,
})

const judgment: Judgment = {
  judgeId: 'j1',
  judgeName: 'judge',
  rubricId: defaultRubric.id,
  scores: { relevance: { score: 1, raw: 5, reason: 'on topic' } },
  latencyMs: 3,
  source: 'live',
}

describe('the open store of a store file', () => {
  test('is one per file in a process, shared by every reader', () => {
    const file = storeFile()
    expect(openStore(file)).toBe(openStore(file))
    expect(openStore(file)).not.toBe(openStore(`${file}.other`))
  })

  test('writes the text a whole serialisation writes, key order of integer-like row ids included', () => {
    const document: StoreDocument = {
      version: 1,
      judgments: { b: entry('B'), a: entry('A\nwith "quotes"') },
      rows: { qa: { '10': { tone: 1 }, '2': { tone: 0.5 }, x: { tone: 0 } } },
      embeddings: { e: { model: 'm', size: 1, vector: 'AAAAAA==', text: 't', embeddedAt: 'now' } },
    }
    const cache = new WeakMap<object, string>()
    const expected = `${stableStringify(document, 2)}\n`
    expect(serializeStore(document, cache)).toBe(expected)
    // Served from the cache the second time, with the same text.
    expect(serializeStore(document, cache)).toBe(expected)
    expect(serializeStore({ version: 1, judgments: {} })).toBe(
      `${stableStringify({ version: 1, judgments: {} }, 2)}\n`,
    )
  })

  test('batches concurrent writes, and keeps what another process wrote in between', async () => {
    const file = storeFile()
    const store = new SharedStore(file)
    await store.write({ judgments: { mine1: entry('1') } })
    // Another process (the same eval file in a second project) writes under the lock.
    await writeStoreEntries(file, { theirs: entry('2') })
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        store.write({ judgments: { [`k${index}`]: entry(`${index}`) } }),
      ),
    )
    const onDisk = await readStoreFile(file)
    expect(Object.keys(onDisk.judgments).sort()).toEqual(
      ['mine1', 'theirs', ...Array.from({ length: 20 }, (_, index) => `k${index}`)].sort(),
    )
    expect((await store.read()).judgments.theirs).toEqual(entry('2'))
    expect(readFileSync(file, 'utf8')).toBe(serializeStore(onDisk))
  })

  test('a corrupt file fails every reader and is never written', async () => {
    const file = storeFile()
    await writeStoreEntries(file, { a: entry('A') })
    writeFileSync(file, '{ "version": 1, "judgments": {')
    const store = new SharedStore(file)
    await expect(store.read()).rejects.toThrow('It was left untouched')
    await expect(store.write({ judgments: { b: entry('B') } })).rejects.toThrow('It was left untouched')
    expect(readFileSync(file, 'utf8')).toBe('{ "version": 1, "judgments": {')
  })
})

describe('stored judged text', () => {
  const request: JudgeRequest = {
    rubric: defaultRubric,
    dimensions: ['relevance'],
    input: `Q${'q'.repeat(500)}`,
    context: `C${'c'.repeat(5000)}`,
    output: `O${'o'.repeat(3000)}`,
  }

  test('keeps the output up to its limit and excerpts of the input and context, with hashes of the whole', () => {
    const stored = toStored(request, judgment, { output: 2000, excerpt: 200 })
    expect(Array.from(stored.output)).toHaveLength(2000)
    expect(stored.output.endsWith('…')).toBe(true)
    expect(stored.outputHash).toBe(contentHash(request.output))
    expect(Array.from(stored.input ?? '')).toHaveLength(200)
    expect(stored.inputHash).toBe(contentHash(request.input))
    expect(Array.from(stored.context ?? '')).toHaveLength(200)
    expect(stored.contextHash).toBe(contentHash(request.context))

    const short = toStored({ ...request, output: 'short' }, judgment, { output: 2000, excerpt: 200 })
    expect(short.output).toBe('short')
    expect(short.outputHash).toBeUndefined()
  })

  test('keys hash the whole texts: texts that differ only past the excerpt have different keys', () => {
    const tail = { ...request, context: `${request.context}!` }
    expect(toStored(tail, judgment).context).toBe(toStored(request, judgment).context)
    expect(judgmentKey('j1', tail)).not.toBe(judgmentKey('j1', request))
  })

  test('the limits are an option, checked', async () => {
    const file = storeFile()
    const store = new JudgmentStore(file, resolveStoreText({ output: 10 }, 'evals()'))
    await store.put('k', request, judgment)
    const stored = (await readStoreFile(file)).judgments.k
    expect(stored?.output).toBe(`O${'o'.repeat(8)}…`)
    expect(Array.from(stored?.input ?? '')).toHaveLength(200)
    expect(() => resolveStoreText({ excerpt: 0 }, 'evals()')).toThrow(
      'evals() `storeText.excerpt` is 0; it is a number of characters, a whole number of at least 1 (default 200).',
    )
  })

  test('entries written before the limits are read as they are', async () => {
    const file = storeFile()
    const old = { ...entry('x'.repeat(4000)), input: 'y'.repeat(4000) }
    await writeStoreEntries(file, { old })
    expect(await new JudgmentStore(file).get('old')).toEqual(old)
  })
})
