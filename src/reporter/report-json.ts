/**
 * Internal to the reporter: the `report.json` document, the source of every other rendering. Pure. Its shape is
 * the published `reportSchema` (schema.ts).
 */
import type { DimensionStats, RubricSummary } from './aggregate.ts'
import { summarize } from './aggregate.ts'
import { type HeldRecord, type HeldReport, spooledText } from './record-spool.ts'
import { REPORT_SCHEMA_VERSION, type RubricReport, type TaskCostStats } from './schema.ts'

export type { ReportJudgment, RubricReport } from './schema.ts'
export { REPORT_SCHEMA_VERSION } from './schema.ts'

/** Statistics keyed by dimension name, in name order. */
export type DimensionStatsMap = Record<string, DimensionStats>

export interface BuildReportOptions {
  vitestVersion: string
  /** @default new Date() */
  createdAt?: Date
  /** The summary of the same records, when already computed. */
  summary?: RubricSummary
  /** The git commit of the run, when known. */
  commit?: string | null
}

/**
 * The report of `records`: run metadata, run and per-file statistics, then every judgment ordered by file. Gates,
 * the baseline comparison and alerts start empty; the reporter fills them in once it has checked them.
 */
export function buildReport<R extends HeldRecord>(
  records: readonly R[],
  options: BuildReportOptions,
): Omit<RubricReport, 'judgments'> & { judgments: R[] } {
  const summary = options.summary ?? summarize(records)
  const files: Record<string, DimensionStatsMap> = {}
  for (const { file, dimensions } of summary.files) files[file] = byDimension(dimensions)
  const fileCosts: Record<string, TaskCostStats> = {}
  for (const { file, cost } of summary.files) if (cost) fileCosts[file] = cost
  // A stable sort: within a file, judgments keep the order of the tests that made them.
  const ordered = [...records].sort((a, b) => compare(a.file, b.file) || compare(a.project, b.project))
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    vitestVersion: options.vitestVersion,
    commit: options.commit ?? null,
    judges: summary.judges,
    rubricIds: distinct(ordered.map((record) => (record.kind === 'judgment' ? record.rubricId : undefined))),
    datasetHashes: distinct(ordered.map((record) => record.datasetHash)),
    summary: {
      totals: {
        records: summary.records,
        liveCalls: summary.liveCalls,
        unsentCalls: summary.unsentCalls,
        storedCalls: summary.storedCalls,
        simulatedCalls: summary.simulatedCalls,
        sharedCalls: summary.sharedCalls,
        tokens: summary.tokens,
        costUsd: totalCost(ordered),
        retries: summary.retries,
      },
      run: byDimension(summary.run),
      files,
      ...(summary.runCost ? { taskCost: { run: summary.runCost, files: fileCosts } } : {}),
      ...(summary.pairwise.length > 0
        ? { pairwise: Object.fromEntries(summary.pairwise.map((stats) => [stats.dimension, stats])) }
        : {}),
    },
    gates: [],
    baseline: null,
    alerts: [],
    judgments: ordered,
  }
}

/** The report as written to disk: indented JSON ending with a newline. */
export function stringifyReport(report: HeldReport): string {
  return [...reportChunks(report)].join('')
}

/**
 * The text of `stringifyReport`, in pieces: everything before the judgments, then one judgment at a time, so
 * that a writer streams a run of many thousands of judgments without building the whole text. `judgments` is
 * the report's last key, and a judgment serialised on its own and indented by two levels is exactly its text
 * inside the report (strings never hold a raw line break).
 */
export function* reportChunks(report: HeldReport): Generator<string> {
  const { judgments, ...head } = report
  const headText = JSON.stringify(head, null, 2)
  if (judgments.length === 0) {
    yield `${JSON.stringify(report, null, 2)}\n`
    return
  }
  // The head without its closing brace, then the judgments array in the report's own layout.
  yield `${headText.slice(0, -2)},\n  "judgments": [`
  let separator = '\n    '
  for (const judgment of judgments) {
    yield separator + JSON.stringify(spooledText(judgment), null, 2).replaceAll('\n', '\n    ')
    separator = ',\n    '
  }
  yield '\n  ]\n}\n'
}

/**
 * The cost of the live judge calls (judgments, comparisons, simulated user turns), when any carries one (each
 * carries its share of its call).
 */
function totalCost(records: readonly HeldRecord[]): number | null {
  let total: number | null = null
  for (const record of records) {
    if (record.kind !== 'judgment' && record.kind !== 'pairwise' && record.kind !== 'simulation') continue
    if (record.costUsd === undefined) continue
    total = (total ?? 0) + (record.source === 'live' ? record.costUsd : 0)
  }
  return total
}

function distinct(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))].sort(compare)
}

function byDimension(dimensions: readonly DimensionStats[]): DimensionStatsMap {
  const map: DimensionStatsMap = {}
  for (const stats of dimensions) map[stats.dimension] = stats
  return map
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
