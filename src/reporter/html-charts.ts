/**
 * Internal to the reporter: the SVG charts of the HTML report, drawn when the report is written (the page needs
 * no script). Pure.
 */
import { escapeHtml } from './escape-html.ts'

const WIDTH = 360
const HEIGHT = 180
const MARGIN = { top: 16, right: 12, bottom: 28, left: 34 }
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right
const PLOT_HEIGHT = HEIGHT - MARGIN.top - MARGIN.bottom

/** Counts of `scores` (in [0, 1]) in `bins` equal bins; the last bin holds 1. */
export function histogramCounts(scores: readonly number[], bins = 10): number[] {
  const counts = new Array<number>(bins).fill(0)
  for (const score of scores) {
    const bin = Math.min(bins - 1, Math.max(0, Math.floor(score * bins + 1e-9)))
    counts[bin]! += 1
  }
  return counts
}

/**
 * A mean and its 95% interval as a report gives them: `low` and `high` are `null` below 2 scores and absent in
 * reports (and history lines) written before intervals existed; a chart then shows the mean alone.
 */
export interface ChartMean {
  mean: number
  low?: number | null | undefined
  high?: number | null | undefined
}

/** Means marked on a histogram: the run's and the baseline's, each with its interval when known. */
export interface HistogramMeans {
  run?: ChartMean | undefined
  baseline?: ChartMean | undefined
}

/**
 * A histogram of scores in [0, 1] with the floor marked by a vertical line, and the run's and the baseline's
 * means each by a line over the band of its 95% interval.
 */
export function histogramSvg(
  scores: readonly number[],
  floor: number | null,
  label: string,
  means: HistogramMeans = {},
): string {
  const counts = histogramCounts(scores)
  const top = Math.max(1, ...counts)
  const barWidth = PLOT_WIDTH / counts.length
  const bars = counts.map((count, index) => {
    const height = (count / top) * PLOT_HEIGHT
    const x = MARGIN.left + index * barWidth
    const y = MARGIN.top + PLOT_HEIGHT - height
    const range = `${(index / counts.length).toFixed(1)}–${((index + 1) / counts.length).toFixed(1)}`
    return (
      `<rect class="bar" x="${num(x + 1)}" y="${num(y)}" width="${num(barWidth - 2)}" height="${num(height)}">` +
      `<title>${range}: ${count}</title></rect>` +
      (count > 0 ? `<text class="count" x="${num(x + barWidth / 2)}" y="${num(y - 3)}">${count}</text>` : '')
    )
  })
  const floorLine =
    floor === null
      ? ''
      : `<line class="floor" x1="${num(xAt(floor))}" x2="${num(xAt(floor))}" y1="${MARGIN.top - 6}" ` +
        `y2="${MARGIN.top + PLOT_HEIGHT}"><title>floor ${floor.toFixed(2)}</title></line>` +
        `<text class="floor-label" x="${num(xAt(floor) + 3)}" y="${MARGIN.top - 6}">floor ${floor.toFixed(2)}</text>`
  return svg(
    'histogram',
    `Histogram of ${label} scores`,
    [
      axes(['0', '0.5', '1'], [0, 0.5, 1].map(xAt), `${top}`),
      ...bars,
      meanMark('baseline', means.baseline),
      meanMark('mean', means.run),
      floorLine,
    ].join(''),
  )
}

/** The interval of `value`, when both ends are known. */
function intervalOf(value: ChartMean): { low: number; high: number } | undefined {
  const { low, high } = value
  return typeof low === 'number' && typeof high === 'number' ? { low, high } : undefined
}

/** `0.850 (95% CI 0.800–0.900)`, or the mean alone when its interval is not known. */
function meanText(value: ChartMean): string {
  const interval = intervalOf(value)
  return interval
    ? `${value.mean.toFixed(3)} (95% CI ${interval.low.toFixed(3)}–${interval.high.toFixed(3)})`
    : `${value.mean.toFixed(3)} (no interval)`
}

/**
 * What the histogram's mean lines are, for its caption: `; mean (solid line) over its 95% interval, baseline
 * mean (dashed; its report has no interval)`.
 */
export function meansCaption(means: HistogramMeans): string {
  const parts: string[] = []
  if (means.run) {
    parts.push(`mean (solid line)${intervalOf(means.run) ? ' over its 95% interval' : ''}`)
  }
  if (means.baseline) {
    parts.push(
      `baseline mean (dashed${intervalOf(means.baseline) ? ') over its 95% interval' : '; no interval known)'}`,
    )
  }
  return parts.length === 0 ? '' : `; ${parts.join(', ')}`
}

/** A mean across the histogram's height, over the band of its interval when known. */
function meanMark(kind: 'mean' | 'baseline', value: ChartMean | undefined): string {
  if (!value) return ''
  const title = `<title>${kind === 'mean' ? 'mean' : 'baseline mean'} ${meanText(value)}</title>`
  const interval = intervalOf(value)
  const band = interval
    ? `<rect class="interval ${kind}" x="${num(xAt(interval.low))}" y="${MARGIN.top}" ` +
      `width="${num(xAt(interval.high) - xAt(interval.low))}" height="${PLOT_HEIGHT}">${title}</rect>`
    : ''
  const x = num(xAt(value.mean))
  return (
    band +
    `<line class="mean ${kind}" x1="${x}" x2="${x}" y1="${MARGIN.top}" y2="${MARGIN.top + PLOT_HEIGHT}">${title}</line>`
  )
}

/**
 * The mean of a dimension over the runs of the history, oldest first, each with a bar over its 95% interval when
 * its run recorded one, and the floor as a dashed line.
 */
export function trendSvg(
  points: readonly (ChartMean & { label: string })[],
  floor: number | null,
  label: string,
) {
  const count = points.length
  const xOf = (index: number) =>
    MARGIN.left + (count <= 1 ? PLOT_WIDTH / 2 : (index / (count - 1)) * PLOT_WIDTH)
  const yOf = (mean: number) => MARGIN.top + (1 - Math.min(1, Math.max(0, mean))) * PLOT_HEIGHT
  const line =
    count >= 2
      ? `<polyline class="trend" points="${points.map((point, index) => `${num(xOf(index))},${num(yOf(point.mean))}`).join(' ')}"/>`
      : ''
  const dots = points.map((point, index) => {
    const title = `<title>${escapeHtml(point.label)}: ${meanText(point)}</title>`
    const interval = intervalOf(point)
    const x = num(xOf(index))
    const bar = interval
      ? `<line class="interval" x1="${x}" x2="${x}" y1="${num(yOf(interval.high))}" y2="${num(yOf(interval.low))}">${title}</line>`
      : ''
    return `${bar}<circle class="point" cx="${x}" cy="${num(yOf(point.mean))}" r="3">${title}</circle>`
  })
  const floorLine =
    floor === null
      ? ''
      : `<line class="floor dashed" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${num(yOf(floor))}" ` +
        `y2="${num(yOf(floor))}"><title>floor ${floor.toFixed(2)}</title></line>`
  const runs = count === 1 ? '1 run' : `${count} runs`
  return svg(
    'trend',
    `Mean ${label} score over ${runs}`,
    [axes([], [], '1', runs), floorLine, line, ...dots].join(''),
  )
}

function axes(
  ticks: readonly string[],
  positions: readonly number[],
  yTop: string,
  caption?: string,
): string {
  const bottom = MARGIN.top + PLOT_HEIGHT
  const tickMarks = ticks.map(
    (tick, index) =>
      `<text class="tick" x="${num(positions[index]!)}" y="${bottom + 14}">${escapeHtml(tick)}</text>`,
  )
  return (
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left + PLOT_WIDTH}" y1="${bottom}" y2="${bottom}"/>` +
    `<line class="axis" x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${bottom}"/>` +
    `<text class="tick y" x="${MARGIN.left - 4}" y="${MARGIN.top + 4}">${escapeHtml(yTop)}</text>` +
    `<text class="tick y" x="${MARGIN.left - 4}" y="${bottom}">0</text>` +
    tickMarks.join('') +
    (caption
      ? `<text class="tick" x="${MARGIN.left + PLOT_WIDTH / 2}" y="${bottom + 14}">${escapeHtml(caption)}</text>`
      : '')
  )
}

function svg(kind: string, title: string, body: string): string {
  return (
    `<svg class="chart ${kind}" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" ` +
    `viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>` +
    `${body}</svg>`
  )
}

function xAt(value: number): number {
  return MARGIN.left + Math.min(1, Math.max(0, value)) * PLOT_WIDTH
}

function num(value: number): string {
  return String(Math.round(value * 10) / 10)
}
