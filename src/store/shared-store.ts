import { type BigIntStats, statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { BatchedWrites } from './batched-writes.ts'
import {
  applyStoreChanges,
  readStoreFile,
  readStoreFileSync,
  type StoreChanges,
  type StoreDocument,
  serializeStore,
  withStoreLock,
} from './store-file.ts'

/**
 * One eval file's store file, open in this process: read once and kept in memory for every reader (judgments,
 * embeddings, row scores, the boundary slice); changes go out in batches (changes that arrive while a write is
 * under way go out together in the next).
 *
 * A write costs what the batch costs plus a join of the file's text, not a read, parse and serialisation of the
 * whole file: the file is read again only when another process replaced it since this one last read or wrote it
 * (its inode, size and modification time differ), and each entry's text is serialised once.
 */
export class SharedStore {
  private document: StoreDocument | undefined
  private loading: Promise<StoreDocument> | undefined
  /** The file as this process last read or wrote it; `missing` when it did not exist. */
  private stamp: string | undefined
  private readonly texts = new WeakMap<object, string>()
  private readonly writes = new BatchedWrites<StoreChanges[]>(
    () => [],
    (batch) => this.flush(batch),
  )

  constructor(readonly file: string) {}

  /** The document, read once. A store that cannot be read fails every reader, and is never written. */
  read(): Promise<StoreDocument> {
    if (this.document) return Promise.resolve(this.document)
    this.loading ??= this.load()
    return this.loading
  }

  /** The document, read synchronously if it has not been read yet (for what tests need while collected). */
  readSync(): StoreDocument {
    if (this.document) return this.document
    const stamp = stampOf(() => statSync(this.file, { bigint: true }))
    const document = readStoreFileSync(this.file)
    this.stamp = stamp
    this.document = document
    return document
  }

  /**
   * Applies changes to what readers see at once, and writes them with the next batch; resolves once they are on
   * disk. `spaced` lets the batch wait so that writing takes a bounded share of the time (see `BatchedWrites`).
   */
  async write(changes: StoreChanges, options: { spaced?: boolean } = {}): Promise<void> {
    applyStoreChanges(await this.read(), changes)
    await this.writes.write((batch) => {
      batch.push(changes)
    }, options)
  }

  /** Writes what is waiting at once, without spacing; resolves once it is on disk (failed writes included). */
  drain(): Promise<void> {
    return this.writes.drain()
  }

  private async load(): Promise<StoreDocument> {
    // Stamped before reading: a file replaced between the two is read again at the next write.
    const stamp = await stampOfAsync(this.file)
    const document = await readStoreFile(this.file)
    this.stamp = stamp
    this.document ??= document
    return this.document
  }

  private async flush(batch: readonly StoreChanges[]): Promise<void> {
    await withStoreLock(this.file, async () => {
      let document = await this.read()
      const stamp = await stampOfAsync(this.file)
      if (stamp !== this.stamp) {
        // Another process wrote the file: its entries are kept, this batch's changes go on top. Changes of
        // later batches, already applied in memory, are applied to the file again when their batch is written.
        document = await readStoreFile(this.file)
        this.document = document
      }
      for (const changes of batch) applyStoreChanges(document, changes)
      await writeFileAtomic(this.file, serializeStore(document, this.texts))
      this.stamp = await stampOfAsync(this.file)
    })
  }
}

const open = new Map<string, SharedStore>()

/**
 * The open store of a store file in this process. Module state lives per test file in a worker, so each eval
 * file's store is opened once by whichever reader asks first, and shared by the others.
 */
export function openStore(file: string): SharedStore {
  let store = open.get(file)
  if (!store) {
    store = new SharedStore(file)
    open.set(file, store)
  }
  return store
}

function stampOfAsync(file: string): Promise<string> {
  return stat(file, { bigint: true }).then(stampText, missing)
}

function stampOf(read: () => BigIntStats): string {
  try {
    return stampText(read())
  } catch (error) {
    return missing(error)
  }
}

const stampText = (s: BigIntStats) => `${s.ino}:${s.size}:${s.mtimeNs}`

function missing(error: unknown): 'missing' {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
  throw error
}
