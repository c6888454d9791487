import { basename, extname } from 'node:path'
import type { Row, RowSource } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { DatasetDuplicateIdError } from './errors.ts'

/**
 * The JSON value a validated row stands for: `toJSON` applied (a `Date` becomes its ISO text), `undefined`
 * dropped, bigints as text. Hashes are taken of this, so a schema that returns dates still hashes by content.
 */
export function toJsonValue(value: unknown): unknown {
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    return toJsonValue((value as { toJSON: () => unknown }).toJSON())
  }
  if (typeof value === 'bigint') return value.toString()
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toJsonValue(item)))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined && typeof item !== 'function') out[key] = toJsonValue(item)
    }
    return out
  }
  return value
}

/** The row's own id: its `id` field when that is non-empty text or a number. */
export function ownId(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined
  const id = (data as { id?: unknown }).id
  if (typeof id === 'string' && id !== '') return id
  if (typeof id === 'number' && Number.isFinite(id)) return String(id)
  return undefined
}

/** Whether `value` is a dataset row (`{ id, data, source }`) rather than the data of one. */
export function isDatasetRow(value: unknown): value is Row<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Row<unknown>).id === 'string' &&
    'data' in value &&
    typeof (value as Row<unknown>).source === 'object'
  )
}

/** The full content digest of a row's data: equal rows, whatever their key order, get equal digests. */
function contentDigest(data: unknown): string {
  return contentHash(toJsonValue(data) ?? null, 64)
}

/** A stable id from a row's content: equal rows, whatever their key order, get equal ids. */
export function contentId(data: unknown): string {
  return contentDigest(data).slice(0, 12)
}

// Digests of the rows `buildRows` made, so that the dataset hash does not hash every row a second time.
const digests = new WeakMap<object, string>()

/**
 * Gives each row its id (its own, else its content id). Two rows with the same id fail with both places
 * (`duplicates: 'error'`), or the later ones get `~2`, `~3` appended in order (`'suffix'`, for logs, where equal
 * requests are expected).
 */
export function buildRows<T>(
  items: readonly { data: T; source: RowSource }[],
  duplicates: 'error' | 'suffix',
): Row<T>[] {
  const seen = new Map<string, RowSource>()
  return items.map(({ data, source }) => {
    const digest = contentDigest(data)
    const own = ownId(data)
    const base = own ?? digest.slice(0, 12)
    let id = base
    const first = seen.get(id)
    if (first) {
      if (duplicates === 'error') throw new DatasetDuplicateIdError(id, first, source, own !== undefined)
      for (let n = 2; seen.has(id); n++) id = `${base}~${n}`
    }
    seen.set(id, source)
    const row = { id, data, source }
    digests.set(row, digest)
    return row
  })
}

/**
 * The content hash of a dataset: of every row's id and content digest, in id order. It ignores key order, row
 * order, file names and formats, and changes when any row is added, removed or edited.
 */
export function datasetHash(rows: readonly Row<unknown>[]): string {
  const entries = rows.map((row) => [row.id, digests.get(row) ?? contentDigest(row.data)] as const)
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return contentHash(entries)
}

/** The `name` option, else the only file's name without extension, else the patterns. */
export function datasetName(files: readonly string[], patterns: readonly string[], name?: string): string {
  if (name !== undefined && name !== '') return name
  if (files.length === 1) {
    const file = basename(files[0]!)
    const withoutGz = file.toLowerCase().endsWith('.gz') ? file.slice(0, -3) : file
    return basename(withoutGz, extname(withoutGz))
  }
  return patterns.join(', ')
}
