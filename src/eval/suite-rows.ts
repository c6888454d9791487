/**
 * Internal to `describeEval`: the rows of a suite, their test names and the metadata they carry. Pure.
 */
import { DatasetDuplicateIdError } from '../dataset/errors.ts'
import { buildRows, datasetHash, isDatasetRow, ownId } from '../dataset/rows.ts'
import { RubricArgumentError } from '../errors.ts'
import type { Dataset, EvalData, Row, RowSource } from '../types.ts'

/** The rows of a suite with the dataset they come from. */
export interface SuiteRows<T> {
  rows: Row<T>[]
  /** The dataset's name, or the suite's for an array of rows. */
  dataset: string
  /** The hash of every row given, before any sample or slice: the version of the data. */
  datasetHash: string
}

const MAX_NAME = 60

/**
 * The rows of `data`: a dataset's rows as they are; an array's items as rows, dataset rows kept, plain data
 * given its own `id` or a content id. Two rows with one id fail, since their tests and stored scores would mix.
 */
export function toSuiteRows<T>(data: EvalData<T>, suite: string): SuiteRows<T> {
  if (isDataset<T>(data)) return { rows: [...data.rows], dataset: data.name, datasetHash: data.hash }
  if (!Array.isArray(data)) {
    throw new RubricArgumentError(
      `describeEval('${suite}'): \`data\` is ${describe(data)}. Pass a dataset (\`loadDataset('evals/qa.jsonl')\`), ` +
        'an array of rows such as `[{ input: "..." }]`, or a promise of either.',
    )
  }
  const file = `describeEval('${suite}') data`
  const seen = new Map<string, RowSource>()
  const rows = (data as readonly (T | Row<T>)[]).map((item, index): Row<T> => {
    const row = isDatasetRow(item)
      ? (item as Row<T>)
      : buildRows([{ data: item as T, source: { file, index } }], 'error')[0]!
    const first = seen.get(row.id)
    if (first) throw new DatasetDuplicateIdError(row.id, first, row.source, ownId(row.data) !== undefined)
    seen.set(row.id, row.source)
    return row
  })
  if (rows.length === 0) {
    throw new RubricArgumentError(`describeEval('${suite}'): \`data\` has no rows. Give it at least one row.`)
  }
  return { rows, dataset: suite, datasetHash: datasetHash(rows) }
}

/**
 * The test name of each row: `name(data, row)` when given, else the row's own `id`, else its input shortened
 * to 60 characters (or its content id when it has no text input). Names that would repeat get the row id
 * appended, so that each row's test and report entry stand apart.
 */
export function rowTestNames<T>(rows: readonly Row<T>[], name?: (data: T, row: Row<T>) => string): string[] {
  const names = rows.map((row) => {
    if (name) {
      const custom = name(row.data, row)
      if (typeof custom !== 'string' || custom.trim() === '') {
        throw new RubricArgumentError(
          `describeEval testName() returned ${JSON.stringify(custom)} for row ${row.id}; return a non-empty text.`,
        )
      }
      return custom
    }
    if (ownId(row.data) !== undefined) return row.id
    const input = (row.data as { input?: unknown } | null)?.input
    return typeof input === 'string' && input.trim() !== '' ? shortText(input) : row.id
  })
  const counts = new Map<string, number>()
  for (const text of names) counts.set(text, (counts.get(text) ?? 0) + 1)
  return names.map((text, index) => {
    const id = rows[index]!.id
    return (counts.get(text) ?? 0) > 1 && text !== id ? `${text} (${id})` : text
  })
}

/** The metadata of a row as records carry it: text, numbers and booleans as they are, other values as JSON. */
export function rowMetadata(raw: unknown): Record<string, string | number | boolean> | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined
  const metadata: Record<string, string | number | boolean> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue
    if (typeof value === 'string' || typeof value === 'boolean') metadata[key] = value
    else if (typeof value === 'number') metadata[key] = Number.isFinite(value) ? value : String(value)
    else {
      const json = safeJson(value)
      if (json !== undefined) metadata[key] = json
    }
  }
  return Object.keys(metadata).length > 0 ? metadata : undefined
}

/** Whitespace collapsed, at most 60 characters. */
export function shortText(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= MAX_NAME ? flat : `${flat.slice(0, MAX_NAME - 1).trimEnd()}…`
}

function isDataset<T>(data: unknown): data is Dataset<T> {
  return (
    data !== null &&
    typeof data === 'object' &&
    !Array.isArray(data) &&
    Array.isArray((data as Dataset<T>).rows) &&
    typeof (data as Dataset<T>).hash === 'string'
  )
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined
  }
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value)
  return Array.isArray(value)
    ? 'an array'
    : typeof value === 'object'
      ? 'an object without `rows`'
      : typeof value
}
