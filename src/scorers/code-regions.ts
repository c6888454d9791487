/**
 * Where Markdown code is in a text: fenced blocks (``` or ~~~, an unclosed fence runs to the end, as in
 * CommonMark) and inline code spans (a run of backticks closed by a run of the same length). Used to exempt
 * example code from PII checks and quoted code from refusal detection.
 */

/** A half-open range [start, end) of string indices. */
export type TextRange = readonly [start: number, end: number]

const FENCE = /^ {0,3}(`{3,}|~{3,})/

export function findCodeRegions(text: string): TextRange[] {
  const regions: TextRange[] = []
  const proseRanges: TextRange[] = []
  let lineStart = 0
  let fence: { marker: string; start: number } | undefined
  let proseStart = 0
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart)
    const lineEnd = newline === -1 ? text.length : newline
    const line = text.slice(lineStart, lineEnd)
    const opening = FENCE.exec(line)
    if (fence === undefined && opening !== null) {
      // A backtick fence's info string may not contain backticks; otherwise it is inline code.
      const marker = opening[1]!
      if (!(marker[0] === '`' && line.slice(opening[0].length).includes('`'))) {
        proseRanges.push([proseStart, lineStart])
        fence = { marker, start: lineStart }
      }
    } else if (fence !== undefined) {
      const closing = FENCE.exec(line)
      if (
        closing !== null &&
        closing[1]![0] === fence.marker[0] &&
        closing[1]!.length >= fence.marker.length &&
        line.slice(closing[0].length).trim() === ''
      ) {
        regions.push([fence.start, lineEnd])
        fence = undefined
        proseStart = lineEnd
      }
    }
    if (newline === -1) break
    lineStart = newline + 1
  }
  if (fence !== undefined) regions.push([fence.start, text.length])
  else proseRanges.push([proseStart, text.length])
  for (const [start, end] of proseRanges) regions.push(...inlineCodeSpans(text, start, end))
  return regions.sort((x, y) => x[0] - y[0])
}

function inlineCodeSpans(text: string, start: number, end: number): TextRange[] {
  const runs: Array<{ at: number; length: number }> = []
  const ticks = /`+/g
  ticks.lastIndex = start
  for (let run = ticks.exec(text); run !== null && run.index < end; run = ticks.exec(text)) {
    runs.push({ at: run.index, length: run[0].length })
  }
  // Where each run of a given length occurs, so that the closing run is found without rescanning.
  const byLength = new Map<number, number[]>()
  runs.forEach((run, i) => {
    const list = byLength.get(run.length)
    if (list === undefined) byLength.set(run.length, [i])
    else list.push(i)
  })
  const cursor = new Map<number, number>()
  const spans: TextRange[] = []
  let i = 0
  while (i < runs.length) {
    const open = runs[i]!
    const list = byLength.get(open.length)!
    let k = cursor.get(open.length) ?? 0
    while (k < list.length && list[k]! <= i) k++
    cursor.set(open.length, k)
    const closing = list[k]
    if (closing === undefined) {
      // No closing run of the same length: these backticks are literal.
      i++
      continue
    }
    const close = runs[closing]!
    spans.push([open.at, close.at + close.length])
    i = closing + 1
  }
  return spans
}

/** Whether [start, end) lies inside one of the (sorted) regions. */
export function isInside(regions: readonly TextRange[], start: number, end: number): boolean {
  for (const [from, to] of regions) {
    if (from > start) return false
    if (start >= from && end <= to) return true
  }
  return false
}
