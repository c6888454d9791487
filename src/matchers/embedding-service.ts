import { relative } from 'node:path'
import { createEmbedder, type Embedder } from '../embeddings/embedder.ts'
import { resolveEmbeddings } from '../embeddings/options.ts'
import { RubricError } from '../errors.ts'
import { decodeVector, EmbeddingStore, embeddingKey, toStoredEmbedding } from '../store/embedding-store.ts'
import { storePathFor } from '../store/store-file.ts'
import type { RubricRecord } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import type { ProvidedRubricOptions } from './provided.ts'
import { provided } from './worker-options.ts'

// Module state lives per test file in a worker: each eval file reads its store once.
let store: EmbeddingStore | undefined
const embedders = new Map<string, Embedder>()
/** Vectors fetched in this run, by key, while in flight and after: concurrent tests share one call per text. */
const fetched = new Map<string, Promise<number[]>>()

/** The embedding model an assertion uses: its own `model` option, else the project's, else the default. */
export function embeddingModel(model?: string): { model: string; dimensions?: number } {
  const { judge, embeddings } = provided()
  const options = resolveEmbeddings(embeddings, judge, model)
  return {
    model: options.model,
    ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
  }
}

/** The vectors of some texts and where they came from. */
export interface ServedVectors {
  vectors: number[][]
  model: string
  /** `stored` when every vector was read from the store, else `live`. */
  source: 'live' | 'stored'
  store?: NonNullable<RubricRecord['store']>
}

/**
 * Embeds texts through the judgment store of the eval file, as judgments are: `auto` reads stored vectors and
 * fetches (and writes) the misses, `replay` fails on a miss, `record` fetches every text once a run and
 * overwrites, `off` fetches without storing.
 */
export async function embedTexts(
  texts: readonly string[],
  {
    model,
    testFile,
    signal,
  }: { model?: string | undefined; testFile?: string | undefined; signal?: AbortSignal | undefined },
  settings: ProvidedRubricOptions = provided(),
): Promise<ServedVectors> {
  const { store: policy, root, judge, embeddings } = settings
  const options = resolveEmbeddings(embeddings, judge, model)
  const keys = texts.map((text) => embeddingKey(options.model, options.dimensions, text))
  const useStore = policy.mode !== 'off' && testFile !== undefined
  if (useStore) {
    const file = storePathFor(testFile)
    if (store?.file !== file) store = new EmbeddingStore(file)
  }
  const fileStore = useStore ? store : undefined

  const vectors: (number[] | undefined)[] = []
  let fromStore = 0
  for (const [index, key] of keys.entries()) {
    const stored = fileStore && policy.mode !== 'record' ? await fileStore.get(key) : undefined
    if (stored) {
      vectors[index] = decodeVector(stored.vector)
      fromStore++
    }
  }
  const missing = keys.flatMap((_key, index) => (vectors[index] === undefined ? [index] : []))
  if (missing.length > 0 && policy.mode === 'replay' && fileStore) {
    const file = relative(root, fileStore.file).split('\\').join('/')
    throw new RubricError(
      'RUBRIC_STORE_MISS',
      `no stored embedding of ${missing.length === texts.length ? 'these texts' : 'one of the texts'} for ` +
        `"${options.model}" in ${file}; run locally with an embeddings key to record it (or set ` +
        'VITEST_RUBRIC_STORE=auto where the embeddings API can be called).',
    )
  }

  const fresh: { index: number; key: string }[] = []
  if (missing.length > 0) {
    const embedderId = contentHash(options)
    let embedder = embedders.get(embedderId)
    if (!embedder) {
      embedder = createEmbedder(options)
      embedders.set(embedderId, embedder)
    }
    // One call for the texts no test of this file has fetched yet; the others wait on the call that has.
    const toFetch = [...new Set(missing.map((index) => keys[index]!))].filter((key) => !fetched.has(key))
    if (toFetch.length > 0) {
      const textOf = new Map(keys.map((key, index) => [key, texts[index]!]))
      const call = embedder.embed(
        toFetch.map((key) => textOf.get(key)!),
        signal,
      )
      for (const [position, key] of toFetch.entries()) {
        const vector = call.then((all) => all[position]!)
        // A failed call is forgotten, so that a later assertion tries again.
        vector.catch(() => fetched.delete(key))
        fetched.set(key, vector)
      }
    }
    // Taken together before waiting: a failed call removes its keys from `fetched`.
    const pending = missing.map((index) => fetched.get(keys[index]!)!)
    for (const [position, vector] of (await Promise.all(pending)).entries()) {
      const index = missing[position]!
      vectors[index] = vector
      fresh.push({ index, key: keys[index]! })
    }
  }

  let written = false
  if (fileStore && fresh.length > 0) {
    const entries = Object.fromEntries(
      fresh.map(({ index, key }) => [key, toStoredEmbedding(options.model, texts[index]!, vectors[index]!)]),
    )
    written = await fileStore.put(entries)
  }
  return {
    vectors: vectors as number[][],
    model: options.model,
    source: fromStore === texts.length ? 'stored' : 'live',
    ...(fileStore
      ? {
          store: {
            file: relative(root, fileStore.file).split('\\').join('/'),
            key: keys[0]!,
            keys: [...new Set(keys)],
            written,
          },
        }
      : {}),
  }
}
