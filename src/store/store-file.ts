import { readFileSync } from 'node:fs'
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { RubricError } from '../errors.ts'
import type { DimensionScore, TokenUsage } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { stableStringify } from '../util/hash.ts'

/**
 * Version of the store file format. The optional `rows` and `embeddings` sections did not change it: files without
 * them are read as before, and an older reader ignores them (losing only the row index and the vectors, which
 * later runs write again).
 */
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

/**
 * The last scores of the rows of `describeEval` suites, by suite name, then row id, then dimension: what the
 * boundary slice reads to pick the rows near a floor, since a judgment's key needs the output, which needs the
 * task to run. A row's entry is replaced whenever the row is scored in a run that writes the store.
 */
export type StoredRowScores = Record<string, Record<string, Record<string, number>>>

export interface StoreDocument {
  version: number
  judgments: Record<string, StoredJudgment>
  /** Absent from files written before row scores were kept, and from stores of files without `describeEval`. */
  rows?: StoredRowScores
  /** Embedding vectors by `embeddingKey` (model and text); absent from stores of files without embedding similarity. */
  embeddings?: Record<string, StoredEmbedding>
}

/** One stored embedding vector, so that embedding similarity replays without a call. */
export interface StoredEmbedding {
  model: string
  /** The number of components of the vector. */
  size: number
  /** The vector as little-endian 32-bit floats (what embedding APIs return), base64-encoded. */
  vector: string
  /** The embedded text, shortened, so that a diff of the store file shows which texts changed. */
  text: string
  /** ISO time of the live call. */
  embeddedAt: string
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

/** `readStoreFile`, synchronously, for what tests need while they are collected. */
export function readStoreFileSync(file: string): StoreDocument {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
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
  if (document.rows !== undefined) checkRows(document.rows, text, file)
  if (document.embeddings !== undefined) checkEmbeddings(document.embeddings, text, file)
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
    const rows = current.rows === undefined ? {} : { rows: current.rows }
    // Removed keys may name vectors too (obsolete entries); other sections are kept as they are.
    const embeddings = current.embeddings === undefined ? {} : { embeddings: { ...current.embeddings } }
    for (const key of remove) delete embeddings.embeddings?.[key]
    await writeFileAtomic(file, serializeStore({ version: STORE_VERSION, judgments, ...rows, ...embeddings }))
  })
}

/**
 * Replaces the stored scores of rows (suite name → row id → scores) in the store file on disk, under the same
 * lock as the judgments, atomically.
 */
export async function writeStoreRows(file: string, updates: Readonly<StoredRowScores>): Promise<void> {
  await withLock(`${file}.lock`, async () => {
    const current = await readStoreFile(file)
    const rows: StoredRowScores = { ...current.rows }
    for (const [suite, byRow] of Object.entries(updates)) rows[suite] = { ...rows[suite], ...byRow }
    await writeFileAtomic(file, serializeStore({ ...current, version: STORE_VERSION, rows }))
  })
}

/** Adds (or replaces) embedding vectors in the store file on disk, under the same lock, atomically. */
export async function writeStoreEmbeddings(
  file: string,
  entries: Readonly<Record<string, StoredEmbedding>>,
): Promise<void> {
  await withLock(`${file}.lock`, async () => {
    const current = await readStoreFile(file)
    const embeddings = { ...current.embeddings, ...entries }
    await writeFileAtomic(file, serializeStore({ ...current, version: STORE_VERSION, embeddings }))
  })
}

function checkEmbeddings(embeddings: unknown, text: string, file: string): void {
  if (embeddings === null || typeof embeddings !== 'object' || Array.isArray(embeddings)) {
    throw new StoreCorruptError(
      file,
      `line ${lineOf(text, '"embeddings"')}: "embeddings" is not an object of vectors`,
    )
  }
  for (const [key, entry] of Object.entries(embeddings as Record<string, unknown>)) {
    const candidate = entry as Partial<StoredEmbedding> | null
    if (!candidate || typeof candidate.model !== 'string' || typeof candidate.vector !== 'string') {
      throw new StoreCorruptError(
        file,
        `line ${lineOf(text, `"${key}"`)}: embedding "${key}" has no "model" or "vector"`,
      )
    }
  }
}

function checkRows(rows: unknown, text: string, file: string): void {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
  const fail = (where: string, detail: string) => {
    throw new StoreCorruptError(file, `line ${lineOf(text, where)}: ${detail}`)
  }
  if (!isObject(rows)) fail('"rows"', '"rows" is not an object of suites')
  for (const [suite, byRow] of Object.entries(rows as Record<string, unknown>)) {
    if (!isObject(byRow)) fail(`"${suite}"`, `rows of suite "${suite}" are not an object of row ids`)
    for (const [row, scores] of Object.entries(byRow as Record<string, unknown>)) {
      const valid =
        isObject(scores) &&
        Object.values(scores).every((score) => typeof score === 'number' && score >= 0 && score <= 1)
      if (!valid)
        fail(`"${row}"`, `row "${row}" of suite "${suite}" has scores that are not numbers in [0, 1]`)
    }
  }
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
