/**
 * Internal to the reporter: the `report.json` document, the source of every other rendering. Pure.
 */
import type { JudgmentError, RubricRecord, TokenUsage } from '../types.ts'
import { type DimensionStats, type JudgeSummary, type RubricSummary, summarize } from './aggregate.ts'
import type { LocatedRecord } from './collect.ts'

/** Bumped on any change that a reader of an older report would misread. */
export const REPORT_SCHEMA_VERSION = 1

/** One dimension of one judgment, from the last attempt of its test. Absent values are `null`. */
export interface ReportJudgment {
  file: string
  test: string
  project: string
  /** The test's final state. */
  state: LocatedRecord['state']
  assertion: string
  dimension: string
  score: number | null
  floor: number
  pass: boolean | null
  reason: string
  judgeId: string
  judgeName: string
  model: string | null
  rubricId: string
  tokens: TokenUsage | null
  latencyMs: number
  source: RubricRecord['source']
  error: JudgmentError | null
  retry: number
  input: string | null
  output: string
}

/** Statistics keyed by dimension name, in name order. */
export type DimensionStatsMap = Record<string, DimensionStats>

/** The versioned JSON document of one run. */
export interface RubricReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION
  /** ISO 8601 time the report was built. */
  createdAt: string
  vitestVersion: string
  judges: JudgeSummary[]
  summary: {
    totals: { records: number; liveCalls: number; storedCalls: number; tokens: number }
    run: DimensionStatsMap
    /** Keyed by file (relative to the Vitest root), in file order. */
    files: Record<string, DimensionStatsMap>
  }
  judgments: ReportJudgment[]
}

export interface BuildReportOptions {
  vitestVersion: string
  /** @default new Date() */
  createdAt?: Date
  /** The summary of the same records, when already computed. */
  summary?: RubricSummary
}

/** The report of `records`: run and per-file statistics, then every judgment ordered by file. */
export function buildReport(records: readonly LocatedRecord[], options: BuildReportOptions): RubricReport {
  const summary = options.summary ?? summarize(records)
  const files: Record<string, DimensionStatsMap> = {}
  for (const { file, dimensions } of summary.files) files[file] = byDimension(dimensions)
  // A stable sort: within a file, judgments keep the order of the tests that made them.
  const ordered = [...records].sort((a, b) => compare(a.file, b.file) || compare(a.project, b.project))
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    vitestVersion: options.vitestVersion,
    judges: summary.judges,
    summary: {
      totals: {
        records: summary.records,
        liveCalls: summary.liveCalls,
        storedCalls: summary.storedCalls,
        tokens: summary.tokens,
      },
      run: byDimension(summary.run),
      files,
    },
    judgments: ordered.map(toJudgment),
  }
}

/** The report as written to disk: indented JSON ending with a newline. */
export function stringifyReport(report: RubricReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

function toJudgment(record: LocatedRecord): ReportJudgment {
  return {
    file: record.file,
    test: record.test,
    project: record.project,
    state: record.state,
    assertion: record.assertion,
    dimension: record.dimension,
    score: record.score,
    floor: record.floor,
    pass: record.pass,
    reason: record.reason,
    judgeId: record.judgeId,
    judgeName: record.judgeName,
    model: record.model ?? null,
    rubricId: record.rubricId,
    tokens: record.tokens ?? null,
    latencyMs: record.latencyMs,
    source: record.source,
    error: record.error ?? null,
    retry: record.retry,
    input: record.input ?? null,
    output: record.output,
  }
}

function byDimension(dimensions: readonly DimensionStats[]): DimensionStatsMap {
  const map: DimensionStatsMap = {}
  for (const stats of dimensions) map[stats.dimension] = stats
  return map
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
