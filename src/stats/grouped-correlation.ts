import { assertPaired } from './assert.ts'
import { type CorrelationMethod, correlation } from './correlation.ts'

/** A correlation averaged over groups, with how many groups could be used. */
export interface GroupedCorrelation {
  /** The mean of the per-group correlations; `NaN` when no group could be used. */
  value: number
  /** Groups whose correlation is defined (at least 2 rows, neither side constant). */
  groupsUsed: number
  /** Groups left out: fewer than 2 rows, or human or judge scores constant within the group. */
  groupsSkipped: number
}

/**
 * The unweighted mean over groups of the correlation within each group (for example, per source
 * document, so that differences between documents do not inflate the agreement). Groups where the
 * correlation is undefined are skipped and counted, never treated as 0.
 *
 * @param groups the group id of each row, paired with `x` and `y`
 */
export function groupedCorrelation(
  method: CorrelationMethod,
  x: readonly number[],
  y: readonly number[],
  groups: readonly (string | number)[],
): GroupedCorrelation {
  assertPaired('groupedCorrelation', x, y)
  assertPaired('groupedCorrelation', x, groups)
  const rowsByGroup = new Map<string | number, number[]>()
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!
    const rows = rowsByGroup.get(group)
    if (rows) rows.push(i)
    else rowsByGroup.set(group, [i])
  }
  let sum = 0
  let groupsUsed = 0
  for (const rows of rowsByGroup.values()) {
    const r = correlation(
      method,
      rows.map((i) => x[i]!),
      rows.map((i) => y[i]!),
    )
    if (Number.isNaN(r)) continue
    sum += r
    groupsUsed++
  }
  return {
    value: groupsUsed === 0 ? Number.NaN : sum / groupsUsed,
    groupsUsed,
    groupsSkipped: rowsByGroup.size - groupsUsed,
  }
}
