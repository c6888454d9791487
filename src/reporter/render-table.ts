/**
 * Internal to the reporter: the terminal rendering of a summary. Pure; nothing in it depends on timing, so it
 * can be compared with a snapshot.
 */
import picocolors from 'picocolors'
import type { CalibrationCell } from '../calibration/status.ts'
import { formatUsd } from '../judge/limiter/limiter.ts'
import type { UnsentCause } from '../types.ts'
import type { DimensionStats, RubricSummary } from './aggregate.ts'
import { membersText } from './dimension-rows.ts'
import { renderPairwise } from './pairwise-stats.ts'
import { changeCell, paintVerdict } from './render-checks.ts'
import type { DimensionChange } from './schema.ts'
import { type CostDimension, type CostStats, costCells, type TaskCostStats } from './task-cost.ts'
import { shorten } from './worst.ts'

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
  /** The columns a table may take (see {@link terminalWidth}). @default 100 */
  width?: number | undefined
}

const INDENT = '   '
const integer = new Intl.NumberFormat('en-US')

/** The header line and the tables, ending without a newline. */
export function renderSummary(summary: RubricSummary, options: RenderOptions): string {
  const c = picocolors.createColors(options.colors)
  const blocks = [renderHeader(summary, c)]
  const perFile = options.perFile ?? true
  const single = perFile && summary.files.length === 1
  if (perFile) {
    for (const { file, dimensions, cost } of summary.files) {
      // A file of pairwise comparisons alone has no dimension scores: their own section stands instead.
      if (dimensions.length === 0 && !cost && summary.pairwise.length > 0) continue
      const title = withCost(file, dimensions)
      blocks.push(
        renderTable(title, dimensions, c, {
          changes: single ? options.changes : undefined,
          calibration: single ? options.calibration : undefined,
          width: options.width,
        }) + renderTaskCost(cost, c, options.width),
      )
    }
  }
  if (!single) {
    const title = withCost(`all files (${summary.files.length})`, summary.run)
    blocks.push(
      renderTable(title, summary.run, c, {
        changes: options.changes,
        calibration: options.calibration,
        width: options.width,
      }) + renderTaskCost(summary.runCost, c, options.width),
    )
  }
  const pairwise = renderPairwise(summary.pairwise, c, options.width)
  if (pairwise) blocks.push(pairwise)
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
    countOf(summary.liveCalls, 'live call', 'live calls'),
    `${integer.format(summary.storedCalls)} stored`,
    ...(summary.sharedCalls > 0 ? [`${integer.format(summary.sharedCalls)} shared`] : []),
    ...unsentParts(summary.unsentCalls, c),
    ...simulatedParts(summary.simulatedCalls),
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

/**
 * `incl. 3 simulated user turns`, when there are any: of the live, stored and unsent calls before it, not more of
 * them, since a simulated user's turn is a call of the judge's client, under its limits and budget.
 */
export function simulatedParts(count: number): string[] {
  return count > 0 ? [`incl. ${countOf(count, 'simulated user turn', 'simulated user turns')}`] : []
}

/** `3 live calls`, `1 live call` */
export function countOf(count: number, one: string, many: string): string {
  return `${integer.format(count)} ${count === 1 ? one : many}`
}

const UNSENT_CAUSES: Record<Exclude<UnsentCause, 'budget'>, string> = {
  'no-key': 'no judge key',
  store: 'store unreadable',
  'replay-miss': 'not stored, replay',
}

/**
 * Judgments whose request never left: `2 skipped (budget spent)`, and as errors by cause
 * `3 errors before sending (2 no judge key, 1 store unreadable)`.
 */
function unsentParts(unsent: RubricSummary['unsentCalls'], c: Colors): string[] {
  const parts: string[] = []
  if (unsent.budget) parts.push(c.yellow(`${integer.format(unsent.budget)} skipped (budget spent)`))
  const causes = Object.entries(UNSENT_CAUSES).flatMap(([cause, label]) => {
    const count = unsent[cause as UnsentCause] ?? 0
    return count > 0 ? [{ count, label }] : []
  })
  const errors = causes.reduce((sum, cause) => sum + cause.count, 0)
  if (errors > 0) {
    const byCause = causes.map((cause) => `${integer.format(cause.count)} ${cause.label}`).join(', ')
    parts.push(c.red(`${countOf(errors, 'error', 'errors')} before sending (${byCause})`))
  }
  return parts
}

/** What a table shows besides the statistics, and how wide it may be. */
export interface TableOptions {
  changes?: ReadonlyMap<string, DimensionChange> | undefined
  calibration?: ReadonlyMap<string, CalibrationCell> | undefined
  /** The columns the table may take, indent included. @default 100 */
  width?: number | undefined
}

/** The width of a table when the output is not a terminal (a CI log, a file). */
export const DEFAULT_WIDTH = 100

/** The columns of `stream` when it is a terminal, else {@link DEFAULT_WIDTH}. */
export function terminalWidth(stream: object | undefined = process.stdout): number {
  const { isTTY, columns } = (stream ?? {}) as { isTTY?: boolean; columns?: number }
  return isTTY && typeof columns === 'number' && columns > 0 ? columns : DEFAULT_WIDTH
}

interface Column {
  name: string
  /** Text columns are aligned left, numbers right. */
  left?: boolean
  cells: Cell[]
  /** The same cells, shorter: tried before any column is dropped. */
  short?: Cell[]
  /** The narrowest a text column may be cut to with `…`; columns without it are never cut. */
  minWidth?: number
}

/**
 * Columns left out, in this order, while the table is wider than allowed: the cost is also in the table's title,
 * the standard error is what the interval is made of, the spread of the scores (p10, min) matters less than their
 * mean and pass rate, the interval of the mean goes before the floor, which is what the pass rate already counts
 * against.
 */
const DROPPED_FIRST = ['cost', 'se', 'p10', 'min', '95% CI', 'floor']

/**
 * A titled table with a row per dimension, at most `options.width` columns wide: when it is wider, the change
 * and calibration columns lose their intervals and row counts, then the cost, se, p10, min, 95% CI and floor columns
 * are left out
 * (a note says so), then the text of the members, dimension and calibration columns is cut with `…` (never the
 * verdicts).
 */
export function renderTable(
  title: string,
  dimensions: readonly DimensionStats[],
  c: Colors = picocolors.createColors(false),
  options: TableOptions = {},
): string {
  const { changes, calibration } = options
  const width = options.width ?? DEFAULT_WIDTH
  const all = (cell: (stats: DimensionStats) => Cell) => dimensions.map(cell)
  // A cost column only when the judge's model has a price.
  const priced = dimensions.some((stats) => stats.costUsd > 0)
  // Trial columns only when some output was judged in several trials.
  const trialled = dimensions.some((stats) => (stats.trialled ?? 0) > 0)
  // A members column only when a judge panel scored some dimension: each member's mean beside the panel's.
  const paneled = dimensions.some((stats) => stats.members)
  let columns: Column[] = [
    { name: 'dimension', left: true, minWidth: 12, cells: all((stats) => ({ text: stats.dimension })) },
    { name: 'n', cells: all((stats) => ({ text: String(stats.n) })) },
    {
      name: 'mean',
      cells: all((stats) => ({
        text: fixed(stats.mean),
        paint: belowFloor(stats.mean, stats) ? c.yellow : undefined,
      })),
    },
    { name: 'se', cells: all((stats) => ({ text: fixed(stats.meanSe ?? null) })) },
    { name: '95% CI', cells: all((stats) => ({ text: intervalText(stats) })) },
    { name: 'p10', cells: all((stats) => ({ text: fixed(stats.p10) })) },
    { name: 'min', cells: all((stats) => ({ text: fixed(stats.min) })) },
    { name: 'pass', cells: all((stats) => passCell(stats, c)) },
    { name: 'floor', cells: all((stats) => ({ text: floorText(stats) })) },
    {
      name: 'errors',
      cells: all((stats) => ({ text: String(stats.errors), paint: stats.errors > 0 ? c.red : undefined })),
    },
    ...(trialled
      ? [
          { name: 'spread', cells: all((stats) => trialCells(stats, c)[0]!) },
          { name: 'unstable', cells: all((stats) => trialCells(stats, c)[1]!) },
        ]
      : []),
    ...(paneled
      ? [
          {
            name: 'members',
            left: true,
            minWidth: 12,
            cells: all((stats) => ({ text: membersText(stats, fixed) })),
            // `a 0.82, b 0.75` → `0.82/0.75`: the means in member order, without the names.
            short: all((stats) => ({
              text: stats.members ? stats.members.map((member) => fixed(member.mean)).join('/') : '-',
            })),
          },
        ]
      : []),
    ...(changes
      ? [
          {
            name: 'change',
            left: true,
            cells: all((stats) => changeColumnCell(changes.get(stats.dimension), c, false)),
            short: all((stats) => changeColumnCell(changes.get(stats.dimension), c, true)),
          },
        ]
      : []),
    ...(priced ? [{ name: 'cost', cells: all((stats) => ({ text: formatUsd(stats.costUsd) })) }] : []),
    ...(calibration
      ? [
          {
            name: 'calibration',
            left: true,
            minWidth: 12,
            cells: all((stats) => calibrationColumnCell(calibration.get(stats.dimension), c)),
            // `ρ 0.47 (n 235)` → `ρ 0.47`: the number of rows is the first thing to go in a narrow terminal.
            short: all((stats) => {
              const cell = calibrationColumnCell(calibration.get(stats.dimension), c)
              return { ...cell, text: cell.text.replace(/ \(n \d+\)/g, '') }
            }),
          },
        ]
      : []),
  ]
  const tableWidth = () =>
    INDENT.length + columns.reduce((sum, column) => sum + columnWidth(column) + 2, 0) - 2
  if (tableWidth() > width)
    columns = columns.map((column) => ({ ...column, cells: column.short ?? column.cells }))
  const dropped: string[] = []
  for (const name of DROPPED_FIRST) {
    if (tableWidth() <= width) break
    if (!columns.some((column) => column.name === name)) continue
    columns = columns.filter((column) => column.name !== name)
    dropped.push(name)
  }
  for (const name of ['members', 'dimension', 'calibration']) {
    const over = tableWidth() - width
    if (over <= 0) break
    columns = columns.map((column) =>
      column.name === name && column.minWidth !== undefined
        ? cutColumn(column, Math.max(column.minWidth, columnWidth(column) - over))
        : column,
    )
  }
  const lines = [...Array(dimensions.length + 1).keys()].map((row) =>
    columns
      .map((column) => {
        const cell = row === 0 ? { text: column.name, paint: c.dim } : column.cells[row - 1]!
        const size = columnWidth(column)
        const padded = column.left ? cell.text.padEnd(size) : cell.text.padStart(size)
        return cell.paint ? cell.paint(padded) : padded
      })
      .join('  ')
      .trimEnd(),
  )
  const note =
    dropped.length > 0 ? [c.dim(`${INDENT}(${dropped.join(', ')} left out to fit ${width} columns)`)] : []
  return [` ${c.bold(title)}`, ...lines.map((line) => INDENT + line), ...note].join('\n')
}

/**
 * What the system under test spent per task, under a table: a line for latency and one for tokens when a task
 * reported them, each cut with `…` to `width` columns; empty without tasks.
 */
export function renderTaskCost(
  cost: TaskCostStats | null,
  c: Colors = picocolors.createColors(false),
  width: number = DEFAULT_WIDTH,
): string {
  if (!cost) return ''
  const line = (name: CostDimension, stats: CostStats) => {
    const [p50, p95, p99, mean] = costCells(name, stats)
    const text = `${INDENT}${name.padEnd(9)}${countOf(stats.n, 'task', 'tasks')}  p50 ${p50}  p95 ${p95}  p99 ${p99}  mean ${mean}`
    return c.dim(shorten(text, width))
  }
  const lines = [line('latency', cost.latency)]
  if (cost.tokens) lines.push(line('tokens', cost.tokens))
  return `\n${lines.join('\n')}`
}

function columnWidth(column: Column): number {
  return Math.max(column.name.length, ...column.cells.map((cell) => cell.text.length))
}

/** The column with every text longer than `size` cut to it, ending in `…`. */
function cutColumn(column: Column, size: number): Column {
  return { ...column, cells: column.cells.map((cell) => ({ ...cell, text: shorten(cell.text, size) })) }
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

/** The mean spread of the trials and how many outputs' trials fall on both sides of the floor. */
function trialCells(stats: DimensionStats, c: Colors): Cell[] {
  if (!stats.trialled) return [{ text: '-' }, { text: '-' }]
  const unstable = stats.unstable ?? 0
  return [
    { text: fixed(stats.trialSpread ?? null) },
    { text: `${unstable}/${stats.trialled}`, paint: unstable > 0 ? c.yellow : undefined },
  ]
}

function changeColumnCell(change: DimensionChange | undefined, c: Colors, short: boolean): Cell {
  const { text, verdict } = changeCell(change, { short })
  return { text, paint: verdict ? (value) => paintVerdict(verdict, value, c) : c.dim }
}

/** Scorers have no judge to calibrate: `-`. A stale or missing calibration is flagged, a weak one shown red. */
function calibrationColumnCell(cell: CalibrationCell | undefined, c: Colors): Cell {
  if (!cell) return { text: '-', paint: c.dim }
  const paint = { ok: undefined, weak: c.red, stale: c.yellow, uncalibrated: c.yellow }[cell.tone]
  return { text: cell.text, paint }
}

/** The 95% interval of the mean, `0.71-0.89`; `-` below 2 scores. */
function intervalText(stats: DimensionStats): string {
  const { meanLow, meanHigh } = stats
  return meanLow == null || meanHigh == null ? '-' : `${fixed(meanLow)}-${fixed(meanHigh)}`
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
