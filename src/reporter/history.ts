/**
 * Internal to the reporter: the run history (`.vitest-rubric/history.jsonl`, one JSON line per complete run) and
 * the slow-drift test over it. Reading and the drift test are pure; `appendHistory` writes.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { DriftOptions } from '../types.ts'
import { writeFileAtomic } from '../util/atomic-write.ts'
import { DEFAULT_DRIFT } from './options.ts'
import type { RubricAlert, RubricReport } from './schema.ts'

const historyEntrySchema = z.object({
  /** ISO 8601 time of the run. */
  time: z.string(),
  commit: z.string().nullable(),
  dimensions: z.record(
    z.string(),
    z.object({ mean: z.number().nullable(), n: z.number(), passRate: z.number().nullable() }),
  ),
})

/** One line of the history: a run's per-dimension mean, n and pass rate. */
export type HistoryEntry = z.output<typeof historyEntrySchema>

/** The history keeps this many runs; older lines are dropped when a run is added. */
export const HISTORY_LIMIT = 1000

/** The history line of a report. */
export function historyEntry(report: RubricReport): HistoryEntry {
  const dimensions: HistoryEntry['dimensions'] = {}
  for (const [name, stats] of Object.entries(report.summary.run)) {
    dimensions[name] = { mean: stats.mean, n: stats.n, passRate: stats.passRate }
  }
  return { time: report.createdAt, commit: report.commit, dimensions }
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

/** A dimension whose mean fell across the last runs. */
export interface DriftFinding {
  dimension: string
  /** The means of the runs looked at, oldest first (the last one is this run's). */
  means: number[]
  /** The least-squares slope of the mean per run. */
  slope: number
}

/**
 * Slow drift: for each dimension of the latest entry, the means of the last `runs` entries that scored it (the
 * latest included) fall when their least-squares slope per run is at most `-slope` and the last mean is below the
 * first. Fewer runs than `runs` say nothing.
 */
export function detectDrift(entries: readonly HistoryEntry[], options: DriftOptions = {}): DriftFinding[] {
  const { runs, slope: threshold } = { ...DEFAULT_DRIFT, ...options }
  const latest = entries.at(-1)
  if (!latest) return []
  const findings: DriftFinding[] = []
  for (const dimension of Object.keys(latest.dimensions).sort()) {
    if (typeof latest.dimensions[dimension]?.mean !== 'number') continue
    const means = entries
      .map((entry) => entry.dimensions[dimension]?.mean)
      .filter((value): value is number => typeof value === 'number')
      .slice(-runs)
    if (means.length < runs) continue
    const slope = leastSquaresSlope(means)
    if (slope <= -threshold && means.at(-1)! < means[0]!) findings.push({ dimension, means, slope })
  }
  return findings
}

/** A P2 alert per drifting dimension. */
export function driftAlerts(findings: readonly DriftFinding[]): RubricAlert[] {
  return findings.map((finding) => ({
    tier: 'P2',
    kind: 'drift',
    dimension: finding.dimension,
    message:
      `${finding.dimension} mean fell over the last ${finding.means.length} runs ` +
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
