/** Formatting of evidence in the heuristic judge's reasons. */

/** Quotes a piece of text for a reason, shortened to `max` characters. */
export function quote(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return `'${flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat}'`
}

/** Lists up to `max` items for a reason: `a, b and 2 more`. */
export function listSome(items: readonly string[], max = 4): string {
  const shown = items.slice(0, max)
  const more = items.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}

/** `1 sentence`, `2 sentences`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`
}

/** Rounds for display: `0.8333` → `0.83`. */
export function round2(value: number): string {
  return String(Math.round(value * 100) / 100)
}
