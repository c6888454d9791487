import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { gunzip } from 'node:zlib'
import { z } from 'zod'
import { RubricArgumentError } from '../errors.ts'
import type { DatasetRow, LogRecord, LogSample, RowSource, SampleLogsOptions } from '../types.ts'
import { DatasetRowError, type RowProblem } from './errors.ts'
import { findFiles, resolveCwd, toPatterns } from './find-files.ts'
import { parseJsonl } from './parse-file.ts'
import { buildRows, datasetHash, datasetName } from './rows.ts'
import { assertShare, sampleRows } from './sample.ts'
import { datasetRowSchema } from './schema.ts'

const unzip = promisify(gunzip)

/** The log field names the default reader accepts, first present wins. */
export const LOG_FIELDS = {
  id: ['id', 'request_id', 'requestId', 'trace_id', 'traceId'],
  input: ['input', 'prompt', 'question', 'query'],
  output: ['output', 'response', 'completion', 'answer'],
  context: ['context', 'retrieved_context', 'retrievedContext', 'retrieved'],
  error: ['error'],
  flagged: ['flagged'],
  feedback: ['feedback', 'thumbs', 'user_feedback', 'userFeedback'],
  timestamp: ['timestamp', 'ts', 'time', 'created_at', 'createdAt'],
} as const

const NEGATIVE = new Set(['down', 'thumbs_down', 'thumbs-down', 'thumbsdown', 'negative', 'bad', '👎'])

/** Why a request is in the sample; kept in `metadata.sampleReason`. */
export type SampleReason = 'error' | 'flagged' | 'thumbs-down' | 'always' | 'rate'

/**
 * The default reader of one log line. Of each group of field names in `LOG_FIELDS` the first present is read:
 * - `input`: text; other values are written as JSON. Likewise `output`.
 * - `context`: text, or a list of texts or of objects with `text`, `content` or `pageContent`.
 * - `error`: any value but `null`, `false` and `""` marks a failed request (an object shows its `message`).
 * - `flagged`: `true`, `"true"` or `1`.
 * - `feedback`: thumbs down when it is `-1` or one of `down`, `thumbs_down`, `thumbs-down`, `thumbsdown`,
 *   `negative`, `bad`, `👎` (any case), or an object whose `thumbs` or `value` is.
 * - every other field goes into `metadata`.
 */
export function readLogRecord(entry: unknown): Partial<LogRecord> {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return {}
  const fields = entry as Record<string, unknown>
  const used = new Set<string>()
  const pick = (names: readonly string[]): unknown => {
    for (const name of names) {
      if (fields[name] !== undefined && fields[name] !== null) {
        used.add(name)
        return fields[name]
      }
    }
    for (const name of names) used.add(name)
    return undefined
  }
  const record: Partial<LogRecord> = {}
  const id = pick(LOG_FIELDS.id)
  if (typeof id === 'string' || typeof id === 'number') record.id = String(id)
  const input = toText(pick(LOG_FIELDS.input))
  if (input !== undefined) record.input = input
  const output = toText(pick(LOG_FIELDS.output))
  if (output !== undefined) record.output = output
  const context = toContext(pick(LOG_FIELDS.context))
  if (context !== undefined) record.context = context
  const error = toError(pick(LOG_FIELDS.error))
  if (error !== undefined) record.error = error
  const flagged = pick(LOG_FIELDS.flagged)
  if (flagged === true || flagged === 'true' || flagged === 1) record.flagged = true
  if (isThumbsDown(pick(LOG_FIELDS.feedback))) record.thumbsDown = true
  const timestamp = pick(LOG_FIELDS.timestamp)
  if (typeof timestamp === 'string' || typeof timestamp === 'number') record.timestamp = String(timestamp)
  const metadata: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) if (!used.has(key)) metadata[key] = value
  if (Object.keys(metadata).length > 0) record.metadata = metadata
  return record
}

/**
 * Samples production traffic from JSONL request logs (files found with fast-glob; `.gz` files are
 * decompressed): every request with an error, a flag or a thumbs down (and those the `always` option picks),
 * plus `rate` of the others, seeded as `sampleRows` is. Each kept request becomes a dataset row with its
 * `input`, `output` and `context`, and `metadata` holding the log's other fields, `timestamp`, `error`,
 * `flagged`, `thumbsDown` and `sampleReason`. Row ids come from the log (`request_id`, ...) or from the
 * content.
 *
 * ```ts
 * const traffic = await sampleLogs('logs/2025-06-01/*.jsonl', { rate: 0.05 })
 * ```
 */
export async function sampleLogs(
  patterns: string | readonly string[],
  options: SampleLogsOptions,
): Promise<LogSample> {
  const list = toPatterns(patterns, 'sampleLogs')
  if (options?.rate === undefined) {
    throw new RubricArgumentError(
      'sampleLogs() needs a `rate`: the share of ordinary requests to keep, for example `{ rate: 0.05 }`.',
    )
  }
  assertShare(options.rate, 'sampleLogs() `rate`')
  const cwd = resolveCwd(options.cwd)
  const found = await findFiles(list, cwd, 'log')
  const files = found.map((entry) => entry.file)
  const name = datasetName(files, list, options.name)
  const map = options.map ?? (readLogRecord as (entry: unknown, source: RowSource) => LogRecord | undefined)

  let skipped = 0
  const problems: RowProblem[] = []
  const items: { data: DatasetRow; source: RowSource; always: boolean }[] = []
  for (const entry of found) {
    const buffer = await readFile(entry.path)
    const text = (entry.path.toLowerCase().endsWith('.gz') ? await unzip(buffer) : buffer).toString('utf8')
    const parsed = parseJsonl(entry.file, text, options.malformedLines ?? 'error')
    skipped += parsed.skipped
    for (const { value, source } of parsed.rows) {
      const record = map(value, source)
      if (record === undefined) {
        skipped++
        continue
      }
      const reason = reasonOf(record, options.always)
      const result = z.safeParse(datasetRowSchema, toRow(record, reason ?? 'rate'))
      if (!result.success) {
        problems.push({
          source,
          issues: result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
          pretty: z.prettifyError(result.error),
        })
        continue
      }
      items.push({ data: result.data, source, always: reason !== undefined })
    }
  }
  if (problems.length > 0) {
    const fix = options.map
      ? 'Return an `input` text (and text `output`, `context`) from `map` for every line, or `undefined` to skip it.'
      : `The default reader takes the input from ${LOG_FIELDS.input.map((f) => `"${f}"`).join(', ')}; pass ` +
        'sampleLogs() a `map` that reads your log shape, for example `map: (entry) => ({ ...readLogRecord(entry), ' +
        'input: entry.request.text })`, or `undefined` to skip a line.'
    throw new DatasetRowError(name, problems, fix)
  }

  // Ids come from all requests, before the draw, so that a request's id does not depend on the sample.
  const rows = buildRows(items, 'suffix')
  const always = new Set(rows.filter((_, index) => items[index]!.always))
  const kept = sampleRows(rows, {
    fraction: options.rate,
    always: (row) => always.has(row),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  })
  return {
    name,
    rows: kept,
    hash: datasetHash(kept),
    files,
    counts: { total: items.length, always: always.size, sampled: kept.length - always.size, skipped },
  }
}

function reasonOf(record: LogRecord, always: SampleLogsOptions['always']): SampleReason | undefined {
  if (record.error !== undefined && record.error !== '') return 'error'
  if (record.flagged === true) return 'flagged'
  if (record.thumbsDown === true) return 'thumbs-down'
  if (always?.(record)) return 'always'
  return undefined
}

/** The dataset row of a log record; `undefined` fields are left out, so the schema reports what is missing. */
function toRow(record: LogRecord, reason: SampleReason): Record<string, unknown> {
  const metadata: Record<string, unknown> = { ...record.metadata }
  if (record.timestamp !== undefined) metadata.timestamp = record.timestamp
  if (record.error !== undefined) metadata.error = record.error
  if (record.flagged !== undefined) metadata.flagged = record.flagged
  if (record.thumbsDown !== undefined) metadata.thumbsDown = record.thumbsDown
  metadata.sampleReason = reason
  const row: Record<string, unknown> = { input: record.input, metadata }
  if (record.id !== undefined) row.id = record.id
  if (record.output !== undefined) row.output = record.output
  if (record.context !== undefined) row.context = record.context
  return row
}

function toText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return JSON.stringify(value)
}

function toContext(value: unknown): string | string[] | undefined {
  if (!Array.isArray(value)) return toText(value)
  return value.map((item) => {
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      const passage = item as Record<string, unknown>
      const text = passage.text ?? passage.content ?? passage.pageContent
      if (typeof text === 'string') return text
    }
    return toText(item) ?? ''
  })
}

function toError(value: unknown): string | undefined {
  if (value === undefined || value === null || value === false || value === '') return undefined
  if (value === true) return 'error'
  if (typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
    return (value as { message: string }).message
  }
  return toText(value)
}

function isThumbsDown(value: unknown): boolean {
  if (value === -1) return true
  if (typeof value === 'string') return NEGATIVE.has(value.trim().toLowerCase())
  if (value !== null && typeof value === 'object') {
    const feedback = value as Record<string, unknown>
    return isThumbsDown(feedback.thumbs) || isThumbsDown(feedback.value)
  }
  return false
}
