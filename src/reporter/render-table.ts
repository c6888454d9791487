/**
 * Internal to the reporter: the terminal rendering of a summary. Pure; nothing in it depends on timing, so it
 * can be compared with a snapshot.
 */
import picocolors from 'picocolors'
import type { DimensionStats, RubricSummary } from './aggregate.ts'

type Colors = ReturnType<typeof picocolors.createColors>

export interface RenderOptions {
  /** Paint with ANSI colours. */
  colors: boolean
  /**
   * A table per file before the run table. With a single file its table is the run's, so only it is shown.
   * @default true
   */
  perFile?: boolean
}

const COLUMNS = ['dimension', 'n', 'mean', 'p10', 'min', 'pass', 'floor', 'errors'] as const
const INDENT = '   '
const integer = new Intl.NumberFormat('en-US')

/** The header line and the tables, ending without a newline. */
export function renderSummary(summary: RubricSummary, options: RenderOptions): string {
  const c = picocolors.createColors(options.colors)
  const blocks = [renderHeader(summary, c)]
  const perFile = options.perFile ?? true
  if (perFile) {
    for (const { file, dimensions } of summary.files) blocks.push(renderTable(file, dimensions, c))
  }
  if (!perFile || summary.files.length !== 1) {
    const title = `all files (${summary.files.length})`
    blocks.push(renderTable(title, summary.run, c))
  }
  return blocks.join('\n\n')
}

/** ` Rubric  judge <names> · <n> live calls · <n> stored · <n> tokens` */
export function renderHeader(summary: RubricSummary, c: Colors = picocolors.createColors(false)): string {
  const names = [...new Set(summary.judges.map((judge) => judge.name))]
  const parts = [
    `${names.length === 1 ? 'judge' : 'judges'} ${names.join(', ') || '-'}`,
    `${integer.format(summary.liveCalls)} live ${summary.liveCalls === 1 ? 'call' : 'calls'}`,
    `${integer.format(summary.storedCalls)} stored`,
    ...(summary.writtenCalls > 0 ? [`${integer.format(summary.writtenCalls)} written`] : []),
    ...(summary.obsolete ? [c.yellow(`${integer.format(summary.obsolete)} obsolete`)] : []),
    `${integer.format(summary.tokens)} tokens`,
  ]
  return ` ${c.bold(c.inverse(' Rubric '))} ${parts.join(c.dim(' · '))}`
}

/** A titled table with a row per dimension. */
export function renderTable(
  title: string,
  dimensions: readonly DimensionStats[],
  c: Colors = picocolors.createColors(false),
): string {
  const rows: Cell[][] = dimensions.map((stats) => [
    { text: stats.dimension },
    { text: String(stats.n) },
    { text: fixed(stats.mean), paint: belowFloor(stats.mean, stats) ? c.yellow : undefined },
    { text: fixed(stats.p10) },
    { text: fixed(stats.min) },
    passCell(stats, c),
    { text: floorText(stats) },
    { text: String(stats.errors), paint: stats.errors > 0 ? c.red : undefined },
  ])
  const header: Cell[] = COLUMNS.map((text) => ({ text, paint: c.dim }))
  const widths = COLUMNS.map((_, index) =>
    Math.max(...[header, ...rows].map((row) => row[index]?.text.length ?? 0)),
  )
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, index) => {
        const width = widths[index] ?? 0
        const padded = index === 0 ? cell.text.padEnd(width) : cell.text.padStart(width)
        return cell.paint ? cell.paint(padded) : padded
      })
      .join('  ')
      .trimEnd(),
  )
  return [` ${c.bold(title)}`, ...lines.map((line) => INDENT + line)].join('\n')
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
