import { RubricError } from '../errors.ts'
import type { RowSource } from '../types.ts'

/** Shows where a row is: `file:line` for JSONL, `file[index]` for JSON, `file:line (row n)` for CSV. */
export function formatSource(source: RowSource): string {
  if (source.index !== undefined) return `${source.file}[${source.index}]`
  if (source.line === undefined) return source.file
  const row = source.row === undefined ? '' : ` (row ${source.row})`
  return `${source.file}:${source.line}${row}`
}

/** No file matches the patterns. */
export class DatasetNoFilesError extends RubricError {
  readonly patterns: string[]
  readonly cwd: string

  constructor(patterns: string[], cwd: string, what = 'dataset') {
    super(
      'RUBRIC_DATASET_NO_FILES',
      `no ${what} files match ${patterns.map((p) => `"${p}"`).join(', ')} in ${cwd}. ` +
        'Check the pattern: it is a fast-glob pattern relative to the working directory ' +
        '(pass `cwd`, for example `cwd: import.meta.dirname`, to resolve it elsewhere).',
    )
    this.name = 'DatasetNoFilesError'
    this.patterns = patterns
    this.cwd = cwd
  }
}

/** A matched file whose extension is not a dataset format. */
export class DatasetFormatError extends RubricError {
  readonly file: string

  constructor(file: string, extension: string) {
    super(
      'RUBRIC_DATASET_FORMAT',
      `cannot read ${file}: "${extension || '(no extension)'}" is not a dataset format. ` +
        'Use .jsonl (one JSON object per line), .json (an array of rows) or .csv (with a header row), ' +
        'or narrow the pattern to such files.',
    )
    this.name = 'DatasetFormatError'
    this.file = file
  }
}

/** A file that cannot be parsed: a malformed JSONL line, a JSON file that is not an array, a broken CSV. */
export class DatasetParseError extends RubricError {
  readonly source: RowSource

  constructor(source: RowSource, message: string, options?: { cause?: unknown }) {
    super('RUBRIC_DATASET_PARSE', message, options)
    this.name = 'DatasetParseError'
    this.source = source
  }
}

/** One row that failed its schema. */
export interface RowProblem {
  source: RowSource
  /** zod's issues, kept apart from their display. */
  issues: readonly { path: readonly PropertyKey[]; message: string }[]
  /** The issues as `z.prettifyError` shows them. */
  pretty: string
}

const SHOWN_PROBLEMS = 10

/** Rows that fail the schema. All failing rows are collected, so one run shows every row to fix. */
export class DatasetRowError extends RubricError {
  /** The dataset's name. */
  readonly dataset: string
  readonly problems: RowProblem[]

  constructor(dataset: string, problems: RowProblem[], fix: string, options?: { cause?: unknown }) {
    const count = problems.length === 1 ? '1 row' : `${problems.length} rows`
    const lines = problems.slice(0, SHOWN_PROBLEMS).map((problem) => {
      const pretty = problem.pretty
        .split('\n')
        .map((line) => `    ${line}`)
        .join('\n')
      return `  ${formatSource(problem.source)}\n${pretty}`
    })
    if (problems.length > SHOWN_PROBLEMS) lines.push(`  ... and ${problems.length - SHOWN_PROBLEMS} more`)
    super(
      'RUBRIC_DATASET_INVALID_ROW',
      `${count} of dataset "${dataset}" ${problems.length === 1 ? 'does' : 'do'} not match the schema:\n` +
        `${lines.join('\n')}\n${fix}`,
      options,
    )
    this.name = 'DatasetRowError'
    this.dataset = dataset
    this.problems = problems
  }
}

/** Two rows with the same id: their judgments and test names would collide. */
export class DatasetDuplicateIdError extends RubricError {
  readonly id: string

  constructor(id: string, first: RowSource, second: RowSource, explicit: boolean) {
    super(
      'RUBRIC_DATASET_DUPLICATE_ID',
      explicit
        ? `${formatSource(second)} has the id "${id}" of ${formatSource(first)}. Give each row a distinct id.`
        : `${formatSource(second)} repeats the row at ${formatSource(first)} (content id ${id}). ` +
            'Remove the duplicate, or give the rows distinct ids.',
    )
    this.name = 'DatasetDuplicateIdError'
    this.id = id
  }
}

/** Files matched but hold no rows. */
export class DatasetEmptyError extends RubricError {
  constructor(dataset: string, files: string[]) {
    super(
      'RUBRIC_DATASET_EMPTY',
      `dataset "${dataset}" has no rows: ${files.join(', ')} ${files.length === 1 ? 'holds' : 'hold'} none. ` +
        'Add rows, or check that the pattern matches the files you meant.',
    )
    this.name = 'DatasetEmptyError'
  }
}
