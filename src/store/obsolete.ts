import { readStoreFile, storePathFor, writeStoreEntries } from './store-file.ts'

/** A module of the run and the store keys its tests used. */
export interface StoreUsage {
  /** Absolute path of the eval file. */
  moduleFile: string
  /** Whether every test of the module ran: only then are unused entries known to be obsolete. */
  complete: boolean
  usedKeys: ReadonlySet<string>
}

export interface ObsoleteEntries {
  /** Absolute path of the store file. */
  storeFile: string
  keys: string[]
}

/**
 * Entries of the store files of completely run modules that no test used. Partial runs (a name filter, `.only`,
 * skipped tests) report nothing for the modules they did not run whole.
 */
export async function findObsolete(usages: readonly StoreUsage[]): Promise<ObsoleteEntries[]> {
  const found: ObsoleteEntries[] = []
  for (const usage of usages) {
    if (!usage.complete) continue
    const storeFile = storePathFor(usage.moduleFile)
    let stored: string[]
    try {
      const document = await readStoreFile(storeFile)
      stored = [...Object.keys(document.judgments), ...Object.keys(document.embeddings ?? {})]
    } catch {
      continue // a corrupt store is reported by the tests that read it
    }
    const keys = stored.filter((key) => !usage.usedKeys.has(key)).sort()
    if (keys.length > 0) found.push({ storeFile, keys })
  }
  return found
}

/** Removes obsolete entries, each store file replaced atomically. */
export async function removeObsolete(obsolete: readonly ObsoleteEntries[]): Promise<void> {
  for (const { storeFile, keys } of obsolete) await writeStoreEntries(storeFile, {}, keys)
}
