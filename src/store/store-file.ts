import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { RubricError } from '../errors.ts'
import type { DimensionScore, TokenUsage } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { stableStringify } from '../util/hash.ts'

/** Version of the store file format. */
export const STORE_VERSION = 1

/** One stored judgment. Only verdicts are kept: errors are judged again next time. */
export interface StoredJudgment {
  judgeId: string
  judgeName: string
  model?: string
  rubricId: string
  scores: Record<string, DimensionScore>
  tokens?: TokenUsage
  latencyMs: number
  /** ISO time of the live call. */
  judgedAt: string
  /** The judged text, so that a diff of the store file shows which outputs changed. */
  input?: string
  output: string
}

export interface StoreDocument {
  version: number
  judgments: Record<string, StoredJudgment>
}

/** The store file of an eval file: `__judgments__/<eval file name>.json` beside it. */
export function storePathFor(testFile: string): string {
  return join(dirname(testFile), '__judgments__', `${basename(testFile)}.json`)
}

/** A store file that cannot be read as one. It is never overwritten: the user must mend or delete it. */
export class StoreCorruptError extends RubricError {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(
      'RUBRIC_STORE_CORRUPT',
      `the judgment store ${file} is not valid: ${detail}. It was left untouched. Mend the file (it is JSON, ` +
        'often a merge conflict), or delete it to judge its outputs again.',
      options,
    )
    this.name = 'StoreCorruptError'
  }
}

/** Reads a store file; a missing file is an empty store. */
export async function readStoreFile(file: string): Promise<StoreDocument> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: STORE_VERSION, judgments: {} }
    throw error
  }
  return parseStore(text, file)
}

export function parseStore(text: string, file: string): StoreDocument {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new StoreCorruptError(file, describeJsonError(text, error as Error), { cause: error })
  }
  const document = data as Partial<StoreDocument> | null
  if (
    !document ||
    typeof document !== 'object' ||
    typeof document.judgments !== 'object' ||
    !document.judgments
  ) {
    throw new StoreCorruptError(file, 'line 1: expected an object with "version" and "judgments"')
  }
  if (document.version !== STORE_VERSION) {
    throw new StoreCorruptError(file, `version ${String(document.version)} is not ${STORE_VERSION}`)
  }
  for (const [key, entry] of Object.entries(document.judgments)) {
    if (
      !entry ||
      typeof entry !== 'object' ||
      typeof entry.scores !== 'object' ||
      typeof entry.judgeId !== 'string'
    ) {
      throw new StoreCorruptError(
        file,
        `line ${lineOf(text, `"${key}"`)}: entry "${key}" has no "scores" or "judgeId"`,
      )
    }
  }
  return document as StoreDocument
}

/** Stable, sorted, pretty JSON with a final newline, so that diffs show only what changed. */
export function serializeStore(document: StoreDocument): string {
  return `${stableStringify(document, 2)}\n`
}

/**
 * Merges entries into the store file on disk under a lock, so that writers in other workers (the same eval file
 * in two projects) lose nothing, and replaces it atomically: a killed run leaves the earlier file whole.
 */
export async function writeStoreEntries(
  file: string,
  entries: Readonly<Record<string, StoredJudgment>>,
  remove: readonly string[] = [],
): Promise<void> {
  await withLock(`${file}.lock`, async () => {
    const current = await readStoreFile(file)
    const judgments = { ...current.judgments, ...entries }
    for (const key of remove) delete judgments[key]
    await writeFileAtomic(file, serializeStore({ version: STORE_VERSION, judgments }))
  })
}

const STALE_LOCK_MS = 30_000

/**
 * A lock file created exclusively, holding the owner's pid. A lock whose owner is gone (a run killed in the
 * middle of a write) is taken over at once; one older than 30 s is taken over whatever its owner.
 */
async function withLock<T>(lockFile: string, run: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true })
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(lockFile, 'wx')
      await handle.writeFile(String(process.pid))
      await handle.close()
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      if (await isStale(lockFile)) await rm(lockFile, { force: true })
      else await delay(Math.min(50, 2 + attempt * 2))
    }
  }
  try {
    return await run()
  } finally {
    await rm(lockFile, { force: true })
  }
}

async function isStale(lockFile: string): Promise<boolean> {
  const [owner, age] = await Promise.all([
    readFile(lockFile, 'utf8').then(Number, () => Number.NaN),
    stat(lockFile).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    ),
  ])
  if (age > STALE_LOCK_MS) return true
  if (!Number.isInteger(owner) || owner <= 0) return false // still being written by its owner
  try {
    process.kill(owner, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

function describeJsonError(text: string, error: Error): string {
  const position = /position (\d+)/.exec(error.message)?.[1]
  const lineColumn = /line (\d+) column (\d+)/.exec(error.message)
  if (lineColumn) return `line ${lineColumn[1]}, column ${lineColumn[2]}: ${error.message}`
  if (position === undefined) return error.message
  const before = text.slice(0, Number(position))
  const line = before.split('\n').length
  const column = Number(position) - before.lastIndexOf('\n')
  return `line ${line}, column ${column}: ${error.message}`
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle)
  return index < 0 ? 1 : text.slice(0, index).split('\n').length
}
