import { shorten } from '../reporter/worst.ts'
import { contentHash } from '../util/hash.ts'
import { openStore, type SharedStore } from './shared-store.ts'
import type { StoredEmbedding } from './store-file.ts'

const MAX_STORED_TEXT = 4000

/** The key of an embedding vector: the model, the vector size asked for, and the text. */
export function embeddingKey(model: string, dimensions: number | undefined, text: string): string {
  return contentHash({ embedding: model, dimensions, text })
}

/** A vector as base64 of little-endian 32-bit floats: a quarter of the JSON text, and exact for float32 APIs. */
export function encodeVector(vector: ArrayLike<number>): string {
  const bytes = Buffer.alloc(vector.length * 4)
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i]!, i * 4)
  return bytes.toString('base64')
}

export function decodeVector(encoded: string): number[] {
  const bytes = Buffer.from(encoded, 'base64')
  const vector = new Array<number>(Math.floor(bytes.length / 4))
  for (let i = 0; i < vector.length; i++) vector[i] = bytes.readFloatLE(i * 4)
  return vector
}

/** A stored entry for a vector fetched now. */
export function toStoredEmbedding(model: string, text: string, vector: ArrayLike<number>): StoredEmbedding {
  return {
    model,
    size: vector.length,
    vector: encodeVector(vector),
    text: shorten(text, MAX_STORED_TEXT),
    embeddedAt: new Date().toISOString(),
  }
}

/**
 * The vectors of one eval file's store: served from the file's open store (read once per process), new vectors
 * written with its next batch. Each key is written at most once per run, so `record` mode re-embeds a text once,
 * not once per assertion.
 */
export class EmbeddingStore {
  private readonly store: SharedStore
  private readonly recorded = new Set<string>()

  constructor(readonly file: string) {
    this.store = openStore(file)
  }

  async get(key: string): Promise<StoredEmbedding | undefined> {
    return (await this.store.read()).embeddings?.[key]
  }

  /** Whether this run wrote (or is writing) the key. */
  wrote(key: string): boolean {
    return this.recorded.has(key)
  }

  /** Keeps the entries this run has not written yet; resolves once they are on disk, with whether any were new. */
  async put(entries: Readonly<Record<string, StoredEmbedding>>): Promise<boolean> {
    const fresh = Object.entries(entries).filter(([key]) => !this.recorded.has(key))
    if (fresh.length === 0) return false
    for (const [key] of fresh) this.recorded.add(key)
    await this.store.write({ embeddings: Object.fromEntries(fresh) })
    return true
  }
}
