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
  /**
   * The judged text, so that a diff of the store file shows which outputs changed: the output up to a limit
   * (`storeText.output`), the input and context as an excerpt (`storeText.excerpt`). Files written before the
   * limit keep up to 4,000 characters of the input and output, and no context.
   */
  input?: string
  /** The hash of the whole input, since `input` is an excerpt. */
  inputHash?: string
  context?: string
  /** The hash of the whole context, since `context` is an excerpt. */
  contextHash?: string
  output: string
  /** The hash of the whole output, when `output` was cut. */
  outputHash?: string
  /** In a comparison, the output shown as B, up to the same limit as `output` (A). */
  outputB?: string
  /**
   * The hash of what was judged (judge, rubric, input, output, context, reference) without the dimensions, so
   * that a request for some of the entry's dimensions on the same output is answered by it. Absent from entries
   * written before it was kept.
   */
  material?: string
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
  /** Simulated users' turns by `simulatedTurnKey`; absent from stores of files without simulated users. */
  simulatedTurns?: Record<string, StoredSimulatedTurn>
}

/** One stored turn of a simulated user (`runConversation`), so that the conversation replays without a call. */
export interface StoredSimulatedTurn {
  /** The model that played the user. */
  model: string
  /** `continue` with the user's next message, `done` (goal reached) or `give-up`. */
  action: 'continue' | 'done' | 'give-up'
  message: string
  /** The user turn, from 1. */
  turn: number
  /** The persona and goal, shortened, so that a diff of the store file shows which user changed. */
  persona: string
  goal: string
  /** The agent's last message the user answered, shortened; absent for the opening turn. */
  after?: string
  tokens?: TokenUsage
  latencyMs: number
  /** ISO time of the live call. */
  simulatedAt: string
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
  if (document.simulatedTurns !== undefined) checkSimulatedTurns(document.simulatedTurns, text, file)
  return document as StoreDocument
}

/**
 * Stable, sorted, pretty JSON with a final newline, so that diffs show only what changed. With `cache`, the text
 * of each judgment and embedding entry is kept by entry object and reused while the entry is unchanged, so that
 * writing a large store costs a join of its entries' texts, not a serialisation of every entry again.
 */
export function serializeStore(document: StoreDocument, cache?: WeakMap<object, string>): string {
  const sections: string[] = []
  for (const name of Object.keys(document).sort()) {
    const value = document[name as keyof StoreDocument]
    if (value === undefined) continue
    const text =
      name === 'judgments' || name === 'embeddings' || name === 'simulatedTurns'
        ? serializeEntries(value as Record<string, object>, cache)
        : stableStringify(value, 2).replaceAll('\n', '\n  ')
    sections.push(`  ${JSON.stringify(name)}: ${text}`)
  }
  return `{\n${sections.join(',\n')}\n}\n`
}

/** A section of entries at depth 1, as `stableStringify(section, 2)` would write it there. */
function serializeEntries(
  entries: Readonly<Record<string, object>>,
  cache?: WeakMap<object, string>,
): string {
  const keys = Object.keys(sortedKeysObject(entries))
  if (keys.length === 0) return '{}'
  const lines = keys.flatMap((key) => {
    const entry = entries[key]
    if (entry === undefined) return []
    let text = cache?.get(entry)
    if (text === undefined) {
      text = stableStringify(entry, 2).replaceAll('\n', '\n    ')
      cache?.set(entry, text)
    }
    return [`    ${JSON.stringify(key)}: ${text}`]
  })
  return `{\n${lines.join(',\n')}\n  }`
}

// JSON orders integer-like keys first whatever their insertion order; an object built in sorted order has the
// key order `stableStringify` writes.
function sortedKeysObject(entries: Readonly<Record<string, unknown>>): Record<string, true> {
  const sorted: Record<string, true> = {}
  for (const key of Object.keys(entries).sort()) sorted[key] = true
  return sorted
}

/** Changes to a store file: entries added or replaced, entries removed, row scores replaced or removed. */
export interface StoreChanges {
  judgments?: Readonly<Record<string, StoredJudgment>>
  embeddings?: Readonly<Record<string, StoredEmbedding>>
  simulatedTurns?: Readonly<Record<string, StoredSimulatedTurn>>
  /** Row scores by suite, then row id: each row's scores replace the stored ones. */
  rows?: Readonly<StoredRowScores>
  /** Keys of judgments, embeddings or simulated turns to remove. */
  remove?: readonly string[]
  /** Rows to remove, by suite. */
  removeRows?: Readonly<Record<string, readonly string[]>>
}

/** Applies changes to a store document in place; sections left empty by removals are dropped. */
export function applyStoreChanges(document: StoreDocument, changes: StoreChanges): void {
  Object.assign(document.judgments, changes.judgments)
  if (changes.embeddings && Object.keys(changes.embeddings).length > 0) {
    document.embeddings = { ...document.embeddings, ...changes.embeddings }
  }
  if (changes.simulatedTurns && Object.keys(changes.simulatedTurns).length > 0) {
    document.simulatedTurns = { ...document.simulatedTurns, ...changes.simulatedTurns }
  }
  for (const [suite, byRow] of Object.entries(changes.rows ?? {})) {
    document.rows ??= {}
    document.rows[suite] = { ...document.rows[suite], ...byRow }
  }
  for (const key of changes.remove ?? []) {
    delete document.judgments[key]
    delete document.embeddings?.[key]
    delete document.simulatedTurns?.[key]
  }
  if (document.simulatedTurns && Object.keys(document.simulatedTurns).length === 0)
    delete document.simulatedTurns
  for (const [suite, rowIds] of Object.entries(changes.removeRows ?? {})) {
    const byRow = document.rows?.[suite]
    if (!byRow) continue
    for (const rowId of rowIds) delete byRow[rowId]
    if (Object.keys(byRow).length === 0) delete document.rows?.[suite]
  }
}

/**
 * Merges changes into the store file on disk under a lock, so that writers in other workers (the same eval file
 * in two projects) lose nothing, and replaces it atomically: a killed run leaves the earlier file whole. For one
 * write; a worker's stores write through `SharedStore`, which keeps the file in memory between writes.
 */
export async function writeStoreChanges(file: string, changes: StoreChanges): Promise<void> {
  await withStoreLock(file, async () => {
    const document = await readStoreFile(file)
    applyStoreChanges(document, changes)
    await writeFileAtomic(file, serializeStore(document))
  })
}

/** Adds or replaces judgments and removes keys (judgments or vectors), in one write. */
export function writeStoreEntries(
  file: string,
  entries: Readonly<Record<string, StoredJudgment>>,
  remove: readonly string[] = [],
): Promise<void> {
  return writeStoreChanges(file, { judgments: entries, remove })
}

/** Replaces the stored scores of rows (suite name → row id → scores), in one write. */
export function writeStoreRows(file: string, updates: Readonly<StoredRowScores>): Promise<void> {
  return writeStoreChanges(file, { rows: updates })
}

/** Adds (or replaces) embedding vectors, in one write. */
export function writeStoreEmbeddings(
  file: string,
  entries: Readonly<Record<string, StoredEmbedding>>,
): Promise<void> {
  return writeStoreChanges(file, { embeddings: entries })
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

function checkSimulatedTurns(turns: unknown, text: string, file: string): void {
  if (turns === null || typeof turns !== 'object' || Array.isArray(turns)) {
    throw new StoreCorruptError(
      file,
      `line ${lineOf(text, '"simulatedTurns"')}: "simulatedTurns" is not an object of turns`,
    )
  }
  for (const [key, entry] of Object.entries(turns as Record<string, unknown>)) {
    const candidate = entry as Partial<StoredSimulatedTurn> | null
    const actions: unknown[] = ['continue', 'done', 'give-up']
    if (!candidate || !actions.includes(candidate.action) || typeof candidate.message !== 'string') {
      throw new StoreCorruptError(
        file,
        `line ${lineOf(text, `"${key}"`)}: simulated turn "${key}" has no "action" (continue, done or give-up) or "message"`,
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
 * Runs `run` holding the lock of a store file: a lock file created exclusively, holding the owner's pid. A lock whose owner is gone (a run killed in the
 * middle of a write) is taken over at once; one older than 30 s is taken over whatever its owner.
 */
export async function withStoreLock<T>(file: string, run: () => Promise<T>): Promise<T> {
  const lockFile = `${file}.lock`
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
