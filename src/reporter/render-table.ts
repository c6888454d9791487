/**
 * Internal to the reporter: the terminal rendering of a summary. Pure; nothing in it depends on timing, so it
 * can be compared with a snapshot.
 */
import picocolors from 'picocolors'
import type { CalibrationCell } from '../calibration/status.ts'
import { formatUsd } from '../judge/limiter/limiter.ts'
import type { DimensionStats, RubricSummary } from './aggregate.ts'
import { changeCell, paintVerdict } from './render-checks.ts'
import type { DimensionChange } from './schema.ts'

type Colors = ReturnType<typeof picocolors.createColors>

export interface RenderOptions {
  /** Paint with ANSI colours. */
  colors: boolean
  /**
   * A table per file before the run table. With a single file its table is the run's, so only it is shown.
   * @default true
   */
  perFile?: boolean
  /**
   * The change of each dimension's mean against the baseline: adds a `change` column to the run's table (to the
   * file's table when it is the only one).
   */
  changes?: ReadonlyMap<string, DimensionChange> | undefined
  /**
   * The calibration of each dimension's judge (`ρ 0.47 (n 235)`, `stale`, `uncalibrated`): adds a `calibration`
   * column to the run's table (to the file's table when it is the only one).
   */
  calibration?: ReadonlyMap<string, CalibrationCell> | undefined
}

const COLUMNS = ['dimension', 'n', 'mean', 'p10', 'min', 'pass', 'floor', 'errors'] as const
const INDENT = '   '
const integer = new Intl.NumberFormat('en-US')

/** The header line and the tables, ending without a newline. */
export function renderSummary(summary: RubricSummary, options: RenderOptions): string {
  const c = picocolors.createColors(options.colors)
  const blocks = [renderHeader(summary, c)]
  const perFile = options.perFile ?? true
  const single = perFile && summary.files.length === 1
  if (perFile) {
    for (const { file, dimensions } of summary.files) {
      const title = withCost(file, dimensions)
      blocks.push(
        renderTable(
          title,
          dimensions,
          c,
          single ? options.changes : undefined,
          single ? options.calibration : undefined,
        ),
      )
    }
  }
  if (!single) {
    const title = withCost(`all files (${summary.files.length})`, summary.run)
    blocks.push(renderTable(title, summary.run, c, options.changes, options.calibration))
  }
  return blocks.join('\n\n')
}

/**
 * ` Rubric  judge <names> · <n> live calls · <n> stored · <n> tokens`, with what was written, kept after a failed
 * re-judging, and obsolete when there is any.
 */
export function renderHeader(summary: RubricSummary, c: Colors = picocolors.createColors(false)): string {
  const names = [...new Set(summary.judges.map((judge) => judge.name))]
  const parts = [
    `${names.length === 1 ? 'judge' : 'judges'} ${names.join(', ') || '-'}`,
    `${integer.format(summary.liveCalls)} live ${summary.liveCalls === 1 ? 'call' : 'calls'}`,
    `${integer.format(summary.storedCalls)} stored`,
    ...(summary.writtenCalls > 0 ? [`${integer.format(summary.writtenCalls)} written`] : []),
    ...(summary.keptCalls > 0
      ? [c.yellow(`${integer.format(summary.keptCalls)} kept (re-judging failed)`)]
      : []),
    ...(summary.obsolete ? [c.yellow(`${integer.format(summary.obsolete)} obsolete`)] : []),
    `${integer.format(summary.tokens)} tokens`,
    ...(summary.costUsd > 0 ? [formatUsd(summary.costUsd)] : []),
    ...(summary.retries > 0
      ? [c.yellow(`${integer.format(summary.retries)} ${summary.retries === 1 ? 'retry' : 'retries'}`)]
      : []),
  ]
  return ` ${c.bold(c.inverse(' Rubric '))} ${parts.join(c.dim(' · '))}`
}

/** A titled table with a row per dimension. */
export function renderTable(
  title: string,
  dimensions: readonly DimensionStats[],
  c: Colors = picocolors.createColors(false),
  changes?: ReadonlyMap<string, DimensionChange>,
  calibration?: ReadonlyMap<string, CalibrationCell>,
): string {
  // A cost column only when the judge's model has a price.
  const priced = dimensions.some((stats) => stats.costUsd > 0)
  const rows: Cell[][] = dimensions.map((stats) => [
    { text: stats.dimension },
    { text: String(stats.n) },
    { text: fixed(stats.mean), paint: belowFloor(stats.mean, stats) ? c.yellow : undefined },
    { text: fixed(stats.p10) },
    { text: fixed(stats.min) },
    passCell(stats, c),
    { text: floorText(stats) },
    { text: String(stats.errors), paint: stats.errors > 0 ? c.red : undefined },
    ...(changes ? [changeColumnCell(changes.get(stats.dimension), c)] : []),
    ...(priced ? [{ text: formatUsd(stats.costUsd) }] : []),
    ...(calibration ? [calibrationColumnCell(calibration.get(stats.dimension), c)] : []),
  ])
  const columns = [
    ...COLUMNS,
    ...(changes ? ['change'] : []),
    ...(priced ? ['cost'] : []),
    ...(calibration ? ['calibration'] : []),
  ]
  const header: Cell[] = columns.map((text) => ({ text, paint: c.dim }))
  const widths = columns.map((_, index) =>
    Math.max(...[header, ...rows].map((row) => row[index]?.text.length ?? 0)),
  )
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0
        const padded =
          index === 0 || columns[index] === 'change' || columns[index] === 'calibration'
            ? cell.text.padEnd(width)
            : cell.text.padStart(width)
        return cell.paint ? cell.paint(padded) : padded
      })
      .join('  ')
      .trimEnd(),
  )
  return [` ${c.bold(title)}`, ...lines.map((line) => INDENT + line)].join('\n')
}

/** A table's title with what its live calls cost, when they had a price. */
function withCost(title: string, dimensions: readonly DimensionStats[]): string {
  const costUsd = dimensions.reduce((sum, stats) => sum + stats.costUsd, 0)
  return costUsd > 0 ? `${title} · ${formatUsd(costUsd)}` : title
}

interface Cell {
  text: string
  paint?: ((text: string) => string) | undefined
}

/**
 * `passed/n percent`. The percentage is rounded down, so 100% means that every scored record passed.
 */
function passCell(stats: DimensionStats, c: Colors): Cell {
  if (stats.passRate === null) return { text: '-' }
  const percent = Math.floor(stats.passRate * 100)
  const text = `${stats.passed}/${stats.n} ${String(percent).padStart(3)}%`
  return { text, paint: stats.passed < stats.n ? c.red : c.green }
}

function changeColumnCell(change: DimensionChange | undefined, c: Colors): Cell {
  const { text, verdict } = changeCell(change)
  return { text, paint: verdict ? (value) => paintVerdict(verdict, value, c) : c.dim }
}

/** Scorers have no judge to calibrate: `-`. A stale or missing calibration is flagged, a weak one shown red. */
function calibrationColumnCell(cell: CalibrationCell | undefined, c: Colors): Cell {
  if (!cell) return { text: '-', paint: c.dim }
  const paint = { ok: undefined, weak: c.red, stale: c.yellow, uncalibrated: c.yellow }[cell.tone]
  return { text: cell.text, paint }
}

function floorText(stats: DimensionStats): string {
  const { min, max } = stats.floor
  return min === max ? fixed(min) : `${fixed(min)}-${fixed(max)}`
}

function belowFloor(value: number | null, stats: DimensionStats): boolean {
  return value !== null && value < stats.floor.common
}

function fixed(value: number | null): string {
  return value === null ? '-' : value.toFixed(2)
}
