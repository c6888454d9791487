import { readFileSync } from 'node:fs'
import fg from 'fast-glob'
import { describe, expect, test } from 'vitest'
import { parseStore, type StoreDocument, serializeStore } from '../src/store/store-file.ts'
import { scanStoreKeys } from '../src/store/store-keys.ts'

const keysOf = (document: StoreDocument) => ({
  judgments: Object.keys(document.judgments),
  embeddings: Object.keys(document.embeddings ?? {}),
  simulatedTurns: Object.keys(document.simulatedTurns ?? {}),
})

describe('scanStoreKeys', () => {
  test('finds the entry keys JSON.parse finds, in the store files of the fixtures', () => {
    // The demo's simulated customer is committed with its store; a run of the demo writes the others.
    const files = fg.sync('fixtures/**/__judgments__/*.json', { absolute: true })
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const bytes = readFileSync(file)
      expect(scanStoreKeys(bytes), file).toEqual(keysOf(parseStore(bytes.toString('utf8'), file)))
    }
  })

  test('reads keys with escapes and any characters, and skips keys nested in entries and rows', () => {
    const document = {
      version: 1,
      judgments: {
        'plain-key': {
          judgeId: 'j',
          scores: { judgments: { 'not-a-key': 1 } },
          note: 'a "quoted", {brace} [x]',
        },
        'quote " and \\ backslash': { judgeId: 'j', scores: {} },
        'ünïcødé ✓': { judgeId: 'j', scores: {}, list: [{ a: 1 }, [2, { b: 'c' }]] },
      },
      embeddings: { vector: { model: 'm', vector: 'AACAPw==' } },
      simulatedTurns: { turn: { message: 'judgments' } },
      rows: { suite: { 'row-1': { relevance: 1 } } },
    } as unknown as StoreDocument
    for (const text of [
      serializeStore(document),
      JSON.stringify(document),
      JSON.stringify(document, null, 4),
    ]) {
      expect(scanStoreKeys(Buffer.from(text))).toEqual({
        judgments: ['plain-key', 'quote " and \\ backslash', 'ünïcødé ✓'],
        embeddings: ['vector'],
        simulatedTurns: ['turn'],
      })
    }
  })

  test('throws on text that ends inside a value or closes what it did not open', () => {
    expect(() => scanStoreKeys(Buffer.from('{"judgments": {"a": {'))).toThrow('ends inside a value')
    expect(() => scanStoreKeys(Buffer.from('{"judgments": {"a": "open'))).toThrow('unterminated string')
    expect(() => scanStoreKeys(Buffer.from('{"judgments": ]'))).toThrow('unbalanced JSON')
    expect(scanStoreKeys(Buffer.from('{}'))).toEqual({ judgments: [], embeddings: [], simulatedTurns: [] })
  })
})
