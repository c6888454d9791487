/**
 * Public types of datasets and sampling. They belong in `src/types.ts` once the dataset slice is merged; they
 * live here meanwhile so that the dataset modules can be written beside the rest of the tree.
 */

/**
 * A row as the default schema reads it. Fields the default schema does not know (for example a CSV column
 * `segment`) are moved into `metadata`, so reports can group by them; keys written in `metadata` itself win.
 */
export interface DatasetRow {
  /** A stable id. Numbers are turned into text. Without one, the row's id is a hash of its content. */
  id?: string
  /** The input (question, prompt) the task answers. */
  input: string
  /** A recorded output to judge as it is, for example a response read from production logs. */
  output?: string
  /** The context the output must be grounded in: one text, or several retrieved passages. */
  context?: string | string[]
  /** A reference answer, for judges and scorers that compare with one. */
  reference?: string
  /** An expected value for exact scorers (any JSON value). */
  expected?: unknown
  /** Anything else about the row (`segment`, `source`, ...). It travels into the report. */
  metadata?: Record<string, unknown>
}

/** Where a row comes from. */
export interface RowSource {
  /** The file, relative to the `cwd` it was loaded from, with forward slashes. */
  file: string
  /** The 1-based line the row starts on (JSONL and CSV files). */
  line?: number
  /** The 0-based index of the row in the file's array (JSON files). */
  index?: number
  /** The 1-based number of the row among the file's data rows, not counting the header (CSV files). */
  row?: number
}

/** One validated row of a dataset. */
export interface Row<T = DatasetRow> {
  /** The row's own `id` (as text) when it has one, else a hash of its validated content. Unique in a dataset. */
  readonly id: string
  /** The row as the schema returned it. */
  readonly data: T
  readonly source: RowSource
}

/** Rows loaded from one or more files. */
export interface Dataset<T = DatasetRow> {
  /** A name for reports: the `name` option, else the file's name without extension, else the patterns. */
  readonly name: string
  readonly rows: Row<T>[]
  /**
   * A hash of the validated rows and their ids. It does not depend on key order, row order, file names or
   * formats, and it changes when any row changes, so a report can say which version of a dataset it scored.
   */
  readonly hash: string
  /** The files read, relative to `cwd`, with forward slashes, sorted. */
  readonly files: string[]
}

/** Options of `loadDataset` and `loadDatasetSync`. */
export interface LoadDatasetOptions<S = unknown> {
  /**
   * A zod 4 schema every row must pass; its output becomes `row.data`. CSV cells are text and empty cells are
   * left out, so use `z.coerce.number()` for numeric columns.
   * @default datasetRowSchema (`id`, `input`, `output`, `context`, `reference`, `expected`, `metadata`)
   */
  schema?: S
  /**
   * The directory the patterns are relative to, and that `files` and error messages are shown relative to.
   * Pass `import.meta.dirname` to resolve patterns next to the eval file.
   * @default process.cwd()
   */
  cwd?: string | URL
  /** The dataset's name in reports. @default the file name without extension, or the patterns */
  name?: string
}

/** Options of `sampleRows`. Without `n` or `fraction` every row is kept. */
export interface SampleOptions<R> {
  /** How many rows to draw, besides the `always` rows. More than there are keeps them all. */
  n?: number
  /**
   * The share of rows to draw, between 0 and 1, besides the `always` rows: `fraction` of the rows that are
   * not `always` rows, rounded to the nearest whole row.
   */
  fraction?: number
  /**
   * Draw from each stratum in proportion to its size, within one row of the exact share. A function, or the
   * name of a field: of `row.data` for dataset rows (then of `row.data.metadata`), else of the row (then of
   * `row.metadata`). Rows without the field form one stratum.
   */
  stratifyBy?: string | ((row: R) => unknown)
  /** Rows kept whatever the sample (for example errors and flagged responses). They do not count against `n`. */
  always?: (row: R) => boolean
  /**
   * The seed of the draw: the same seed and rows give the same sample. Set the environment variable to
   * rotate samples across runs (for example `VITEST_RUBRIC_SEED=$(date +%F)`).
   * @default process.env.VITEST_RUBRIC_SEED, else 1
   */
  seed?: number | string
}

/**
 * One request of a production log, in the shape `sampleLogs` works with. The default reader fills it from the
 * field names listed on `readLogRecord`; a `map` option returns it from any other log shape.
 */
export interface LogRecord {
  /** The request's id, when the log has one; it becomes the row's id. */
  id?: string
  /** The prompt or question. */
  input: string
  /** The response the application gave. */
  output?: string
  /** The retrieved context the response should be grounded in. */
  context?: string | string[]
  /** The error of a failed request. Rows with an error are always kept. */
  error?: string
  /** Flagged by a user, a moderator or a guardrail. Flagged rows are always kept. */
  flagged?: boolean
  /** The user gave negative feedback (thumbs down). Such rows are always kept. */
  thumbsDown?: boolean
  /** When the request was made, as written in the log. */
  timestamp?: string
  /** Any other field worth keeping; it goes into the row's metadata. */
  metadata?: Record<string, unknown>
}

/** Options of `sampleLogs`. */
export interface SampleLogsOptions {
  /** The share of ordinary requests (no error, not flagged, no thumbs down) to keep, between 0 and 1. */
  rate: number
  /** Keep these requests too, besides errors, flagged and thumbs-down ones. */
  always?: (record: LogRecord) => boolean
  /** @default process.env.VITEST_RUBRIC_SEED, else 1 */
  seed?: number | string
  /**
   * Reads one parsed log line into a `LogRecord`; return `undefined` to skip the line. Call `readLogRecord`
   * inside it to keep the default field names for what you do not map yourself.
   * @default readLogRecord
   */
  map?: (entry: unknown, source: RowSource) => LogRecord | undefined
  /**
   * What to do with a line that is not valid JSON: fail, or skip it and count it in `counts.skipped`
   * (a log still being written can end in a cut line).
   * @default 'error'
   */
  malformedLines?: 'error' | 'skip'
  /** @default process.cwd() */
  cwd?: string | URL
  /** @default the file name without extension, or the patterns */
  name?: string
}

/** The rows `sampleLogs` kept, as a dataset, with counts of what it read. */
export interface LogSample extends Dataset<DatasetRow> {
  readonly counts: {
    /** Requests read (lines that were skipped not included). */
    total: number
    /** Requests kept because of an error, a flag, a thumbs down or the `always` option. */
    always: number
    /** Ordinary requests kept by the `rate`. */
    sampled: number
    /** Lines skipped: malformed (with `malformedLines: 'skip'`) or left out by `map`. */
    skipped: number
  }
}
