/**
 * Internal to the reporter: the per-dimension table of a report as text cells, shared by the Markdown and HTML
 * renderings (each escapes and lays out the cells its own way).
 */
import type { DimensionChange, RubricReport } from './schema.ts'

type RunStats = RubricReport['summary']['run'][string]

export interface DimensionRow {
  stats: RunStats
  /** n, mean, se, 95% CI, p10, min, pass, floor, errors, and with a judge panel its members' means, as text. */
  cells: string[]
  /** The change against the baseline; `undefined` for a dimension the baseline did not score. */
  change: DimensionChange | undefined
}

/** The column names (the first is the dimension) and a row per dimension of the run. */
export function dimensionRows(report: Omit<RubricReport, 'judgments'>): {
  head: string[]
  withChange: boolean
  rows: DimensionRow[]
} {
  const changes = new Map(report.baseline?.dimensions.map((change) => [change.dimension, change]))
  const withChange = report.baseline !== null
  const paneled = Object.values(report.summary.run).some((stats) => stats.members)
  const head = [
    'dimension',
    'n',
    'mean',
    'se',
    '95% CI',
    'p10',
    'min',
    'pass',
    'floor',
    'errors',
    ...(paneled ? ['members'] : []),
    ...(withChange ? ['change'] : []),
  ]
  const rows = Object.values(report.summary.run).map((stats) => {
    const pass =
      stats.passRate === null ? '-' : `${stats.passed}/${stats.n} (${Math.floor(stats.passRate * 100)}%)`
    const floor =
      stats.floor.min === stats.floor.max
        ? fixed(stats.floor.min)
        : `${fixed(stats.floor.min)}–${fixed(stats.floor.max)}`
    const cells = [
      String(stats.n),
      fixed(stats.mean),
      fixed(stats.meanSe ?? null),
      stats.meanLow == null || stats.meanHigh == null
        ? '-'
        : `${fixed(stats.meanLow)}–${fixed(stats.meanHigh)}`,
      fixed(stats.p10),
      fixed(stats.min),
      pass,
      floor,
      String(stats.errors),
      ...(paneled ? [membersText(stats, fixed)] : []),
    ]
    return { stats, cells, change: changes.get(stats.dimension) }
  })
  return { head, withChange, rows }
}

/**
 * Each panel member's mean beside the panel's, `a 0.820, b 0.750` (`-` for a member without scores, and for a
 * dimension no panel judged); `format` writes a mean as its table does. Member names are the user's: escape them.
 */
export function membersText(
  stats: Pick<RunStats, 'members'>,
  format: (value: number | null) => string,
): string {
  if (!stats.members) return '-'
  return stats.members.map((member) => `${member.name} ${format(member.mean)}`).join(', ')
}

/** A score with three decimals, `-` for none. */
export function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(3)
}
