/**
 * Internal to the reporter: the run history (`.vitest-rubric/history.jsonl`, one JSON line per complete run) and
 * the slow-drift test over it. Reading and the drift test are pure; `appendHistory` writes.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { mean } from '../stats/descriptive.ts'
import type { DriftOptions } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { contentHash } from '../util/hash.ts'
import { DEFAULT_DRIFT } from './options.ts'
import type { HeldReport } from './record-spool.ts'
import type { RubricAlert } from './schema.ts'
import { type CostDimension, costText } from './task-cost.ts'

// `errorShare` and `coverage` came later: lines written before them still parse, and take no part in drift
// (what they covered is unknown).
const historyEntrySchema = z.object({
  /** ISO 8601 time of the run. */
  time: z.string(),
  commit: z.string().nullable(),
  /** The share of the run's results that were errors (a judge or scorer that gave no score), `null` with none. */
  errorShare: z.number().nullable().optional(),
  dimensions: z.record(
    z.string(),
    z.object({
      mean: z.number().nullable(),
      /** The mean's 95% interval; absent in lines written before intervals, `null` below 2 scores. */
      meanLow: z.number().nullable().optional(),
      meanHigh: z.number().nullable().optional(),
      n: z.number(),
      passRate: z.number().nullable(),
      /** A hash of what the run asked of the dimension: each file with its number of results, errors included. */
      coverage: z.string().optional(),
    }),
  ),
  /** What the run's `describeEval` tasks spent: latency p95, mean tokens, and which tasks (as `coverage` above). */
  taskCost: z
    .object({ latencyP95: z.number(), tokensMean: z.number().nullable(), coverage: z.string() })
    .optional(),
})

/** One line of the history: a run's error share and per-dimension mean (with its interval), n, pass rate and coverage. */
export type HistoryEntry = z.output<typeof historyEntrySchema>

/** The history keeps this many runs; older lines are dropped when a run is added. */
export const HISTORY_LIMIT = 1000

/** The history line of a report. */
export function historyEntry(report: HeldReport): HistoryEntry {
  const dimensions: HistoryEntry['dimensions'] = {}
  let results = 0
  let errors = 0
  for (const [name, stats] of Object.entries(report.summary.run)) {
    dimensions[name] = {
      mean: stats.mean,
      ...(stats.meanLow === undefined ? {} : { meanLow: stats.meanLow }),
      ...(stats.meanHigh === undefined ? {} : { meanHigh: stats.meanHigh }),
      n: stats.n,
      passRate: stats.passRate,
      coverage: dimensionCoverage(report, name),
    }
    results += stats.n + stats.errors
    errors += stats.errors
  }
  const cost = report.summary.taskCost
  return {
    time: report.createdAt,
    commit: report.commit,
    errorShare: results === 0 ? null : errors / results,
    dimensions,
    ...(cost
      ? {
          taskCost: {
            latencyP95: cost.run.latency.p95,
            tokensMean: cost.run.tokens?.mean ?? null,
            coverage: contentHash(
              Object.entries(cost.files)
                .map(([file, stats]) => [file, stats.latency.n])
                .sort(),
            ),
          },
        }
      : {}),
  }
}

/**
 * What a run asked of a dimension: the files that recorded it, each with its number of results (errors
 * included, so a failing judge does not change what the run covered). Two runs of a dimension compare only when
 * these agree: a mean over other files or other tests is another quantity, not a drift of this one.
 */
function dimensionCoverage(report: HeldReport, dimension: string): string {
  const files: [string, number][] = []
  for (const [file, stats] of Object.entries(report.summary.files)) {
    const fileStats = stats[dimension]
    if (fileStats) files.push([file, fileStats.n + fileStats.errors])
  }
  return contentHash(files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

/**
 * The entries of a history file's text, oldest first. Lines that are not entries (a line cut by a crash, a
 * hand edit) are skipped: a history is a record to look back on, not a reason to fail a run.
 */
export function parseHistory(text: string): HistoryEntry[] {
  const entries: HistoryEntry[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const parsed = historyEntrySchema.safeParse(JSON.parse(line))
      if (parsed.success) entries.push(parsed.data)
    } catch {
      // not JSON: skipped
    }
  }
  return entries
}

/** The entries of a history file; none when it does not exist yet. */
export async function readHistory(path: string): Promise<HistoryEntry[]> {
  try {
    return parseHistory(await readFile(path, 'utf8'))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
}

/**
 * Adds a run to the history, keeping the last {@link HISTORY_LIMIT} runs. The whole file is replaced atomically,
 * so a crash never leaves half a line.
 */
export async function appendHistory(path: string, entry: HistoryEntry, previous?: readonly HistoryEntry[]) {
  const entries = [...(previous ?? (await readHistory(path))), entry].slice(-HISTORY_LIMIT)
  await writeFileAtomic(path, entries.map((item) => `${JSON.stringify(item)}\n`).join(''))
}

/** A dimension whose mean fell across the last runs, or a task cost that rose. */
export interface DriftFinding {
  dimension: string
  /** The means of the runs looked at, oldest first (the last one is this run's); for a cost, its statistic. */
  means: number[]
  /** The least-squares slope of the mean per run; for a cost, as a share of the mean of the values. */
  slope: number
  /** For a task cost: the statistic that rose, `p95` of latency or `mean` of tokens. */
  cost?: 'p95' | 'mean'
}

/**
 * Slow drift: for each dimension of the latest entry, the means of the last `runs` comparable entries that scored
 * it (the latest included) fall when their least-squares slope per run is at most `-slope` and the last mean is
 * below the first. Comparable entries covered the dimension as the latest did (same files, same number of results
 * each) and had at most `maxErrorShare` errors; a latest entry above that share says nothing, nor do fewer
 * comparable runs than `runs`.
 */
export function detectDrift(entries: readonly HistoryEntry[], options: DriftOptions = {}): DriftFinding[] {
  const { runs, slope: threshold, maxErrorShare } = { ...DEFAULT_DRIFT, ...options }
  const latest = entries.at(-1)
  const costs = costDrift(entries, runs, threshold)
  if (!latest || !withinErrorShare(latest, maxErrorShare)) return costs
  const reliable = entries.filter((entry) => withinErrorShare(entry, maxErrorShare))
  const findings: DriftFinding[] = []
  for (const dimension of Object.keys(latest.dimensions).sort()) {
    const current = latest.dimensions[dimension]
    if (typeof current?.mean !== 'number' || current.coverage === undefined) continue
    const means = reliable
      .map((entry) => entry.dimensions[dimension])
      .filter((stats) => stats?.coverage === current.coverage)
      .map((stats) => stats?.mean)
      .filter((value): value is number => typeof value === 'number')
      .slice(-runs)
    if (means.length < runs) continue
    const slope = leastSquaresSlope(means)
    if (slope <= -threshold && means.at(-1)! < means[0]!) findings.push({ dimension, means, slope })
  }
  return [...findings, ...costs]
}

/**
 * Task costs that rose: latency p95 and mean tokens over the last `runs` entries with the same tasks, whose
 * least-squares slope per run is at least `threshold` of their mean (0.01: a rise of 1% a run) and whose last value
 * is above the first. A cost is in milliseconds or tokens, not on the [0, 1] scale the slope of a mean is read on,
 * hence the share; and judge errors do not change what the system under test spent, so `maxErrorShare` does not
 * leave runs out.
 */
function costDrift(entries: readonly HistoryEntry[], runs: number, threshold: number): DriftFinding[] {
  const latest = entries.at(-1)?.taskCost
  if (!latest) return []
  const comparable = entries.flatMap((entry) =>
    entry.taskCost?.coverage === latest.coverage ? [entry.taskCost] : [],
  )
  const findings: DriftFinding[] = []
  const rising = (dimension: string, cost: 'p95' | 'mean', values: number[]) => {
    const last = values.slice(-runs)
    if (last.length < runs) return
    const slope = leastSquaresSlope(last) / Math.max(mean(last), Number.MIN_VALUE)
    if (slope >= threshold && last.at(-1)! > last[0]!) findings.push({ dimension, means: last, slope, cost })
  }
  rising(
    'latency',
    'p95',
    comparable.map((cost) => cost.latencyP95),
  )
  if (latest.tokensMean !== null) {
    rising(
      'tokens',
      'mean',
      comparable.flatMap((cost) => (cost.tokensMean === null ? [] : [cost.tokensMean])),
    )
  }
  return findings
}

/** An entry whose error share is known and at most `maxErrorShare` (a run without results has none). */
function withinErrorShare(entry: HistoryEntry, maxErrorShare: number): boolean {
  return entry.errorShare !== undefined && (entry.errorShare ?? 0) <= maxErrorShare
}

/** A P2 alert per drifting dimension. */
export function driftAlerts(findings: readonly DriftFinding[]): RubricAlert[] {
  return findings.map((finding) => ({
    tier: 'P2',
    kind: 'drift',
    dimension: finding.dimension,
    message: finding.cost
      ? `${finding.dimension} ${finding.cost} rose over the last ${finding.means.length} runs ` +
        `(${finding.means.map((value) => costText(finding.dimension as CostDimension, value)).join(' → ')}, ` +
        `+${(finding.slope * 100).toFixed(1)}% per run)`
      : `${finding.dimension} mean fell over the last ${finding.means.length} runs ` +
        `(${finding.means.map((value) => value.toFixed(3)).join(' → ')}, ${finding.slope.toFixed(3)} per run)`,
  }))
}

/** The slope of the least-squares line through (0, y0), (1, y1), ... */
export function leastSquaresSlope(values: readonly number[]): number {
  const n = values.length
  if (n < 2) return 0
  const meanX = (n - 1) / 2
  const meanY = values.reduce((sum, value) => sum + value, 0) / n
  let covariance = 0
  let variance = 0
  for (let x = 0; x < n; x++) {
    covariance += (x - meanX) * (values[x]! - meanY)
    variance += (x - meanX) ** 2
  }
  return covariance / variance
}
