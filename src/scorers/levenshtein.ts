/** Options of the Levenshtein similarity. */
export interface LevenshteinOptions {
  /**
   * Compare case-insensitively (both texts lower-cased first).
   * @default false
   */
  ignoreCase?: boolean
  /**
   * Trim both texts and collapse every run of whitespace to one space first, so that line breaks and
   * indentation do not count as edits.
   * @default false
   */
  collapseWhitespace?: boolean
}

/**
 * The Levenshtein edit distance between two strings: the least number of single-character insertions,
 * deletions and substitutions that turn one into the other. Characters are Unicode code points, so an emoji or
 * a letter outside the Basic Multilingual Plane counts as one character, not two UTF-16 units.
 */
export function levenshteinDistance(a: string, b: string): number {
  const left = Array.from(a)
  const right = Array.from(b)
  const [long, short] = left.length >= right.length ? [left, right] : [right, left]
  if (short.length === 0) return long.length
  // One row of the edit-distance table, over the shorter string.
  const row = Array.from({ length: short.length + 1 }, (_, j) => j)
  for (let i = 1; i <= long.length; i++) {
    let diagonal = row[0]!
    row[0] = i
    const char = long[i - 1]
    for (let j = 1; j <= short.length; j++) {
      const above = row[j]!
      const substitution = diagonal + (char === short[j - 1] ? 0 : 1)
      row[j] = Math.min(above + 1, row[j - 1]! + 1, substitution)
      diagonal = above
    }
  }
  return row[short.length]!
}

/**
 * Normalised Levenshtein similarity in [0, 1]: `1 - distance / max(length(a), length(b))`, lengths in code
 * points. 1 means equal strings (two empty strings are equal), 0 means no character could be kept in place.
 */
export function levenshtein(a: string, b: string, options: LevenshteinOptions = {}): number {
  let left = a
  let right = b
  if (options.collapseWhitespace === true) {
    left = left.trim().replace(/\s+/g, ' ')
    right = right.trim().replace(/\s+/g, ' ')
  }
  if (options.ignoreCase === true) {
    left = left.toLowerCase()
    right = right.toLowerCase()
  }
  const longest = Math.max(codePointLength(left), codePointLength(right))
  if (longest === 0) return 1
  return 1 - levenshteinDistance(left, right) / longest
}

function codePointLength(text: string): number {
  let n = 0
  for (const _ of text) n++
  return n
}
