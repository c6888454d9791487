import { readFileSync } from 'node:fs'
import { readStoreFile, type StoreDocument, storePathFor, writeStoreChanges } from './store-file.ts'
import { type StoreEntryKeys, scanStoreKeys } from './store-keys.ts'

/** A module of the run and the store keys its tests used. */
export interface StoreUsage {
  /** Absolute path of the eval file. */
  moduleFile: string
  /** Whether every test of the module ran: only then are unused entries known to be obsolete. */
  complete: boolean
  usedKeys: ReadonlySet<string>
  /** The ids of the `describeEval` rows its tests ran; absent, no row scores are obsolete. */
  usedRows?: ReadonlySet<string>
}

export interface ObsoleteEntries {
  /** Absolute path of the store file. */
  storeFile: string
  /** Judgments and embeddings no test used. */
  keys: string[]
  /** Simulated user turns no conversation played. */
  turns?: string[]
  /** Row scores no test ran, by suite, removed with the judgments: the rows are gone from their suites. */
  rows?: Record<string, string[]>
}

/**
 * Entries of the store files of completely run modules that no test used, with the scores of rows no test ran
 * (a row whose judgments are obsolete is a row gone from its suite). Partial runs (a name filter, `.only`,
 * skipped tests) report nothing for the modules they did not run whole.
 */
export async function findObsolete(usages: readonly StoreUsage[]): Promise<ObsoleteEntries[]> {
  const found: ObsoleteEntries[] = []
  for (const [storeFile, usage] of byStoreFile(usages)) {
    if (!usage.complete) continue
    // Most store files have no unused entry: their keys are enough to know, without building the document.
    let entries: StoreEntryKeys
    try {
      entries = scanStoreKeys(readFileSync(storeFile))
    } catch {
      continue // no store, or a corrupt one, which the tests that read it report
    }
    const unused = (key: string) => !usage.usedKeys.has(key)
    if (!Object.values(entries).some((keys) => keys.some(unused))) continue
    let document: StoreDocument
    try {
      document = await readStoreFile(storeFile)
    } catch {
      continue
    }
    const stored = [...Object.keys(document.judgments), ...Object.keys(document.embeddings ?? {})]
    const keys = stored.filter(unused).sort()
    const turns = Object.keys(document.simulatedTurns ?? {})
      .filter(unused)
      .sort()
    if (keys.length === 0 && turns.length === 0) continue
    const rows: Record<string, string[]> = {}
    for (const [suite, byRow] of Object.entries(usage.usedRows ? (document.rows ?? {}) : {})) {
      const gone = Object.keys(byRow).filter((rowId) => !usage.usedRows?.has(rowId))
      if (gone.length > 0) rows[suite] = gone.sort()
    }
    found.push({
      storeFile,
      keys,
      ...(turns.length > 0 ? { turns } : {}),
      ...(Object.keys(rows).length > 0 ? { rows } : {}),
    })
  }
  return found
}

/** How many obsolete judgments (and embeddings) and simulated user turns `obsolete` holds. */
export function countObsolete(obsolete: readonly ObsoleteEntries[]): { judgments: number; turns: number } {
  let judgments = 0
  let turns = 0
  for (const entries of obsolete) {
    judgments += entries.keys.length
    turns += entries.turns?.length ?? 0
  }
  return { judgments, turns }
}

/**
 * The usages of each store file: an eval file run by two projects is two modules of one store file, and an entry
 * is obsolete only if neither used it; either one run partly makes the file's usage partial.
 */
function byStoreFile(usages: readonly StoreUsage[]): Map<string, StoreUsage> {
  const merged = new Map<string, StoreUsage>()
  for (const usage of usages) {
    const storeFile = storePathFor(usage.moduleFile)
    const known = merged.get(storeFile)
    if (!known) {
      merged.set(storeFile, usage)
      continue
    }
    const usedRows =
      known.usedRows && usage.usedRows ? new Set([...known.usedRows, ...usage.usedRows]) : undefined
    merged.set(storeFile, {
      moduleFile: known.moduleFile,
      complete: known.complete && usage.complete,
      usedKeys: new Set([...known.usedKeys, ...usage.usedKeys]),
      ...(usedRows ? { usedRows } : {}),
    })
  }
  return merged
}

/** Removes obsolete entries and the scores of rows no test ran, each store file replaced atomically. */
export async function removeObsolete(obsolete: readonly ObsoleteEntries[]): Promise<void> {
  for (const { storeFile, keys, turns, rows } of obsolete) {
    await writeStoreChanges(storeFile, {
      remove: [...keys, ...(turns ?? [])],
      ...(rows ? { removeRows: rows } : {}),
    })
  }
}
