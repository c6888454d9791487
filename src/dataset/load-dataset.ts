import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { RubricArgumentError } from '../errors.ts'
import type { Dataset, LoadDatasetOptions, RowSource } from '../types.ts'
import { DatasetEmptyError, DatasetRowError, type RowProblem } from './errors.ts'
import { findFiles, findFilesSync, resolveCwd, toPatterns } from './find-files.ts'
import { parseDatasetText, type RawRow } from './parse-file.ts'
import { buildRows, datasetHash, datasetName } from './rows.ts'
import { datasetRowSchema } from './schema.ts'

type AnySchema = z.core.$ZodType
type DefaultSchema = typeof datasetRowSchema

/**
 * Loads the rows of every file that matches the patterns (fast-glob, relative to `cwd`): JSONL (one object per
 * line, blank lines allowed), JSON (an array of rows) and CSV (RFC 4180, with a header row). Every row is
 * validated with the schema; all failing rows are reported at once, each with its file and line (JSONL), index
 * (JSON) or line and row (CSV), the field and zod's message. Files are read in path order, rows in file order.
 *
 * ```ts
 * const golden = await loadDataset('evals/data/*.jsonl')
 * const tickets = await loadDataset('evals/tickets.csv', { schema: z.object({ input: z.string(), segment: z.string() }) })
 * ```
 */
export async function loadDataset<S extends AnySchema = DefaultSchema>(
  patterns: string | readonly string[],
  options: LoadDatasetOptions<S> = {},
): Promise<Dataset<z.output<S>>> {
  const list = toPatterns(patterns, 'loadDataset')
  const schema = resolveSchema(options.schema)
  const cwd = resolveCwd(options.cwd)
  const found = await findFiles(list, cwd, 'dataset')
  const texts = await Promise.all(found.map((entry) => readFile(entry.path, 'utf8')))
  const raw = found.flatMap((entry, index) => parseDatasetText(entry.file, texts[index]!))
  const name = datasetName(
    found.map((entry) => entry.file),
    list,
    options.name,
  )
  const results = await Promise.all(raw.map((row) => z.safeParseAsync(schema, row.value)))
  return finish<z.output<S>>(name, found, raw, results, schema === datasetRowSchema)
}

/**
 * `loadDataset`, synchronously, for code that defines tests at collection time without top-level await.
 * Schemas with async refinements need `loadDataset`.
 */
export function loadDatasetSync<S extends AnySchema = DefaultSchema>(
  patterns: string | readonly string[],
  options: LoadDatasetOptions<S> = {},
): Dataset<z.output<S>> {
  const list = toPatterns(patterns, 'loadDatasetSync')
  const schema = resolveSchema(options.schema)
  const cwd = resolveCwd(options.cwd)
  const found = findFilesSync(list, cwd, 'dataset')
  const raw = found.flatMap((entry) => parseDatasetText(entry.file, readFileSync(entry.path, 'utf8')))
  const name = datasetName(
    found.map((entry) => entry.file),
    list,
    options.name,
  )
  const results = raw.map((row) => z.safeParse(schema, row.value))
  return finish<z.output<S>>(name, found, raw, results, schema === datasetRowSchema)
}

function resolveSchema(schema: unknown): AnySchema {
  if (schema === undefined) return datasetRowSchema
  if (schema === null || typeof schema !== 'object' || !('_zod' in schema)) {
    throw new RubricArgumentError(
      'the `schema` option of loadDataset() must be a zod 4 schema, for example ' +
        "`schema: z.object({ input: z.string(), segment: z.string() })` with `import { z } from 'zod'`.",
    )
  }
  return schema as AnySchema
}

type ParseResult = { success: true; data: unknown } | { success: false; error: z.core.$ZodError }

function finish<T>(
  name: string,
  found: readonly { file: string }[],
  raw: readonly RawRow[],
  results: readonly ParseResult[],
  defaultSchema: boolean,
): Dataset<T> {
  const files = found.map((entry) => entry.file)
  if (raw.length === 0) throw new DatasetEmptyError(name, files)
  const problems: RowProblem[] = []
  const valid: { data: T; source: RowSource }[] = []
  results.forEach((result, index) => {
    const source = raw[index]!.source
    if (result.success) {
      valid.push({ data: result.data as T, source })
    } else {
      problems.push({
        source,
        issues: result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
        pretty: z.prettifyError(result.error),
      })
    }
  })
  if (problems.length > 0) {
    const fix = defaultSchema
      ? 'Fix the rows: the default schema reads `input` (text, required), `id`, `output`, `context` (text or ' +
        'list of texts), `reference`, `expected` and `metadata` (an object); or pass loadDataset() a `schema` ' +
        'that accepts them.'
      : 'Fix the rows, or change the `schema` passed to loadDataset() to accept them.'
    throw new DatasetRowError(name, problems, fix)
  }
  const rows = buildRows(valid, 'error')
  return { name, rows, hash: datasetHash(rows), files }
}
