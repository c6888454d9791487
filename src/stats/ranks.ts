/**
 * Ranks starting at 1, with tied values given the average of the ranks they span
 * (scipy.stats.rankdata's default `method='average'`).
 */
export function averageRanks(values: readonly number[]): number[] {
  const n = values.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a]! - values[b]!)
  const ranks = new Array<number>(n)
  let start = 0
  while (start < n) {
    let end = start + 1
    while (end < n && values[order[end]!] === values[order[start]!]) end++
    // Positions start..end-1 (0-based) hold ranks start+1..end; their average is (start + 1 + end) / 2.
    const rank = (start + 1 + end) / 2
    for (let k = start; k < end; k++) ranks[order[k]!] = rank
    start = end
  }
  return ranks
}
