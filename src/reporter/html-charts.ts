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

/** A histogram of scores in [0, 1] with the floor marked by a vertical line. */
export function histogramSvg(scores: readonly number[], floor: number | null, label: string): string {
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
    [axes(['0', '0.5', '1'], [0, 0.5, 1].map(xAt), `${top}`), ...bars, floorLine].join(''),
  )
}

/** The mean of a dimension over the runs of the history, oldest first, with the floor as a dashed line. */
export function trendSvg(
  points: readonly { label: string; mean: number }[],
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
  const dots = points.map(
    (point, index) =>
      `<circle class="point" cx="${num(xOf(index))}" cy="${num(yOf(point.mean))}" r="3">` +
      `<title>${escapeHtml(point.label)}: ${point.mean.toFixed(3)}</title></circle>`,
  )
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
