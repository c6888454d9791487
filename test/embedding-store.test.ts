import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import type { ProvidedRubricOptions } from '../src/matchers/provided.ts'
import { decodeVector, embeddingKey, encodeVector } from '../src/store/embedding-store.ts'
import { findObsolete, removeObsolete } from '../src/store/obsolete.ts'
import {
  parseStore,
  readStoreFile,
  type StoredJudgment,
  type StoredSimulatedTurn,
  serializeStore,
  storePathFor,
  writeStoreChanges,
  writeStoreEmbeddings,
  writeStoreEntries,
  writeStoreRows,
} from '../src/store/store-file.ts'
import type { StoreMode } from '../src/types.ts'
import { embed, type JudgeServer, startJudgeServer } from './support/judge-server.ts'

const scratch = () => mkdtempSync(join(tmpdir(), 'rubric-embeddings-'))

const judgment: StoredJudgment = {
  judgeId: 'j1',
  judgeName: 'judge',
  rubricId: 'r1',
  scores: { relevance: { score: 1, raw: 5, reason: 'on topic' } },
  latencyMs: 12,
  judgedAt: '2026-01-01T00:00:00.000Z',
  output: 'Refunds take 30 days.',
}

describe('vectors in the store', () => {
  test('are little-endian float32, base64: exact for what embedding APIs return', () => {
    const vector = Array.from(new Float32Array([0.1, -0.25, 1e-7, 0.999]))
    expect(decodeVector(encodeVector(vector))).toEqual(vector)
    expect(encodeVector([1])).toBe('AACAPw==')
  })

  test('are keyed by model, requested size and text', () => {
    const key = embeddingKey('m', undefined, 'text')
    expect(key).toMatch(/^[0-9a-f]{16}$/)
    expect(embeddingKey('m', undefined, 'text')).toBe(key)
    expect(new Set([key, embeddingKey('m2', undefined, 'text'), embeddingKey('m', 256, 'text')]).size).toBe(3)
  })

  test('live in an optional section: older files read as before, and every writer keeps the others', async () => {
    const file = join(scratch(), 'answers.eval.ts.json')
    writeFileSync(file, serializeStore({ version: 1, judgments: { j: judgment } }))
    expect(await readStoreFile(file)).toEqual({ version: 1, judgments: { j: judgment } })

    const vector = {
      model: 'm',
      size: 1,
      vector: 'AACAPw==',
      text: 'x',
      embeddedAt: '2026-01-01T00:00:00.000Z',
    }
    await writeStoreEmbeddings(file, { e2: vector, e1: vector })
    await writeStoreRows(file, { suite: { row: { relevance: 1 } } })
    await writeStoreEntries(file, { k: judgment })
    const document = await readStoreFile(file)
    expect(Object.keys(document.judgments)).toEqual(['j', 'k'])
    expect(document.rows).toEqual({ suite: { row: { relevance: 1 } } })
    expect(Object.keys(document.embeddings ?? {})).toEqual(['e1', 'e2'])
    // Stable: sorted keys, so the file reads the same whatever the order of writes.
    const text = readFileSync(file, 'utf8')
    expect(text).toBe(serializeStore(document))
    expect(text.indexOf('"embeddings"')).toBeLessThan(text.indexOf('"judgments"'))
  })

  test('unused vectors are obsolete like unused judgments, and -u removes them', async () => {
    const dir = scratch()
    const moduleFile = join(dir, 'answers.eval.ts')
    const file = storePathFor(moduleFile)
    const vector = {
      model: 'm',
      size: 1,
      vector: 'AACAPw==',
      text: 'x',
      embeddedAt: '2026-01-01T00:00:00.000Z',
    }
    await writeStoreEntries(file, { used: judgment, stale: judgment })
    await writeStoreEmbeddings(file, { usedVector: vector, staleVector: vector })
    const obsolete = await findObsolete([
      { moduleFile, complete: true, usedKeys: new Set(['used', 'usedVector']) },
    ])
    expect(obsolete).toEqual([{ storeFile: file, keys: ['stale', 'staleVector'] }])
    await removeObsolete(obsolete)
    const document = await readStoreFile(file)
    expect(Object.keys(document.judgments)).toEqual(['used'])
    expect(Object.keys(document.embeddings ?? {})).toEqual(['usedVector'])
  })

  test('simulated turns no conversation played are obsolete too; a store whose entries were all used is left alone', async () => {
    const dir = scratch()
    const moduleFile = join(dir, 'agent.eval.ts')
    const file = storePathFor(moduleFile)
    const turn: StoredSimulatedTurn = {
      model: 'm',
      action: 'continue',
      message: 'Hi',
      turn: 1,
      persona: 'p',
      goal: 'g',
      latencyMs: 1,
      simulatedAt: '2026-01-01T00:00:00.000Z',
    }
    await writeStoreChanges(file, {
      judgments: { used: judgment },
      simulatedTurns: { playedTurn: turn, staleTurn: turn },
    })
    expect(
      await findObsolete([
        { moduleFile, complete: true, usedKeys: new Set(['used', 'playedTurn', 'staleTurn']) },
      ]),
    ).toEqual([])
    const obsolete = await findObsolete([
      { moduleFile, complete: true, usedKeys: new Set(['used', 'playedTurn']) },
    ])
    expect(obsolete).toEqual([{ storeFile: file, keys: [], turns: ['staleTurn'] }])
    await removeObsolete(obsolete)
    const document = await readStoreFile(file)
    expect(Object.keys(document.judgments)).toEqual(['used'])
    expect(Object.keys(document.simulatedTurns ?? {})).toEqual(['playedTurn'])
  })

  test('an eval file run by two projects: an entry is obsolete only if neither used it', async () => {
    const dir = scratch()
    const moduleFile = join(dir, 'answers.eval.ts')
    const file = storePathFor(moduleFile)
    await writeStoreEntries(file, { byA: judgment, byB: judgment, byNeither: judgment })
    const a = { moduleFile, complete: true, usedKeys: new Set(['byA']) }
    const b = { moduleFile, complete: true, usedKeys: new Set(['byB']) }
    expect(await findObsolete([a, b])).toEqual([{ storeFile: file, keys: ['byNeither'] }])
    // One project ran the file partly: nothing of it is known to be obsolete.
    expect(await findObsolete([a, { ...b, complete: false }])).toEqual([])
  })

  test('a hand-edited vector without one is named with its line', () => {
    const text =
      '{\n  "embeddings": {\n    "bad": { "model": "m" }\n  },\n  "judgments": {},\n  "version": 1\n}\n'
    expect(() => parseStore(text, 'store.json')).toThrow('line 3: embedding "bad" has no "model" or "vector"')
  })
})

describe('embedding through the store', () => {
  let server: JudgeServer
  const calls = () => server.requests.filter((request) => request.path === '/v1/embeddings').length

  beforeAll(async () => {
    server = await startJudgeServer()
  })
  afterAll(() => server.close())
  beforeEach(() => {
    server.reset()
    // Module state (the store read once, vectors fetched this run) is per eval file: each test starts afresh.
    vi.resetModules()
  })

  const settings = (mode: StoreMode, root: string): ProvidedRubricOptions => ({
    judge: 'heuristic',
    store: { mode, prune: true },
    concurrent: false,
    annotations: false,
    root,
    embeddings: { model: 'embed-test', baseURL: server.baseURL, apiKey: 'test-key' },
  })

  async function embedIn(root: string, mode: StoreMode, texts: string[]) {
    const { embedTexts } = await import('../src/matchers/embedding-service.ts')
    return embedTexts(texts, { testFile: join(root, 'answers.eval.ts') }, settings(mode, root))
  }

  test('auto fetches the misses once and writes them; a replay makes no call', async () => {
    const root = scratch()
    const texts = ['Refunds take 30 days.', 'Refunds are processed within a month.']
    const live = await embedIn(root, 'auto', texts)
    expect(calls()).toBe(1)
    expect(live).toMatchObject({ model: 'embed-test', source: 'live' })
    expect(live.store).toMatchObject({ file: '__judgments__/answers.eval.ts.json', written: true })
    expect(live.store?.keys).toHaveLength(2)
    // Vectors are kept as float32 live too, so that live and replayed scores are equal.
    expect(live.vectors[0]).toEqual(Array.from(new Float32Array(embed(texts[0]!))))

    const document = await readStoreFile(join(root, '__judgments__', 'answers.eval.ts.json'))
    const key = embeddingKey('embed-test', undefined, texts[0]!)
    expect(document.embeddings?.[key]).toMatchObject({ model: 'embed-test', size: 8, text: texts[0] })

    for (const mode of ['replay', 'auto'] as const) {
      const replayed = await embedIn(root, mode, [texts[1]!, texts[0]!])
      expect(replayed.source).toBe('stored')
      expect(replayed.store?.written).toBe(false)
      expect(replayed.vectors).toEqual([live.vectors[1], live.vectors[0]])
    }
    expect(calls()).toBe(1)
  })

  test('a replay miss fails naming the store file and the fix, and calls nothing', async () => {
    const root = scratch()
    await expect(embedIn(root, 'replay', ['never embedded'])).rejects.toThrow(
      'no stored embedding of these texts for "embed-test" in __judgments__/answers.eval.ts.json; run locally ' +
        'with an embeddings key to record it (or set VITEST_RUBRIC_STORE=auto where the embeddings API can be called).',
    )
    await expect(embedIn(root, 'replay', ['never embedded'])).rejects.toMatchObject({
      code: 'RUBRIC_STORE_MISS',
    })
    expect(calls()).toBe(0)
  })

  test('record fetches again once a run and overwrites; off neither reads nor writes', async () => {
    const root = scratch()
    const file = join(root, '__judgments__', 'answers.eval.ts.json')
    const embeddedAt = async () =>
      (await readStoreFile(file)).embeddings?.[embeddingKey('embed-test', undefined, 'a text')]?.embeddedAt
    // Only the clock is fake: each recording is stamped with a time of its own.
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
      await embedIn(root, 'auto', ['a text'])
      expect(await embeddedAt()).toBe('2026-01-01T00:00:00.000Z')
      vi.setSystemTime(new Date('2026-01-02T00:00:00.000Z'))
      // Within a run, a text recorded once is not fetched again.
      expect((await embedIn(root, 'record', ['a text'])).store?.written).toBe(false)
      expect(calls()).toBe(1)
      expect(await embeddedAt()).toBe('2026-01-01T00:00:00.000Z')
      vi.resetModules() // the next run
      const recorded = await embedIn(root, 'record', ['a text'])
      expect(recorded).toMatchObject({ source: 'live', store: { written: true } })
      expect(calls()).toBe(2)
      expect(await embeddedAt()).toBe('2026-01-02T00:00:00.000Z')
    } finally {
      vi.useRealTimers()
    }

    vi.resetModules()
    const elsewhere = scratch()
    const off = await embedIn(elsewhere, 'off', ['a text'])
    expect(off.store).toBeUndefined()
    expect(off.source).toBe('live')
    expect(existsSync(join(elsewhere, '__judgments__'))).toBe(false)
    expect(calls()).toBe(3)
  })
})
