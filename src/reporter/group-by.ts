/**
 * Internal to the reporter: statistics per value of a row metadata field, for the `groupBy` option. Pure.
 */
import picocolors from 'picocolors'
import { aggregateDimensions, type DimensionStats } from './aggregate.ts'
import type { HeldRecord } from './record-spool.ts'
import { renderTable } from './render-table.ts'

/** The group of the records that do not carry the field. */
export const NO_GROUP = '(none)'

/** The statistics of one metadata field's groups. */
export interface GroupedStats {
  field: string
  /** One group per value, in natural order of the values, `(none)` last. */
  groups: { value: string; dimensions: DimensionStats[] }[]
  /** Records that carry the field. */
  matched: number
  /** Dimensions no record of which carries the field: not grouped, rather than a `(none)` group of each. */
  ungrouped: string[]
}

/** The fields of the `groupBy` option, as a list without repeats or empty names. */
export function groupFields(option: string | readonly string[] | undefined): string[] {
  if (option === undefined) return []
  const list = typeof option === 'string' ? [option] : option
  return [...new Set(list.filter((field) => typeof field === 'string' && field !== ''))]
}

/**
 * Per-dimension statistics of the records of each value of `metadata[field]`, over the whole run. A dimension
 * whose records never carry the field (a check outside `describeEval`, a rubric scored on other rows) is left
 * out: `(none)` holds only the records that lack the field among dimensions that have it elsewhere.
 */
export function summarizeGroups(records: readonly HeldRecord[], field: string): GroupedStats {
  const carried = new Set<string>()
  for (const record of records) if (record.metadata?.[field] !== undefined) carried.add(record.dimension)
  const byValue = new Map<string, HeldRecord[]>()
  const ungrouped = new Set<string>()
  let matched = 0
  for (const record of records) {
    if (!carried.has(record.dimension)) {
      ungrouped.add(record.dimension)
      continue
    }
    const raw = record.metadata?.[field]
    if (raw !== undefined) matched++
    const value = raw === undefined ? NO_GROUP : String(raw)
    const group = byValue.get(value)
    if (group) group.push(record)
    else byValue.set(value, [record])
  }
  const values = [...byValue.keys()].sort((a, b) =>
    a === NO_GROUP ? 1 : b === NO_GROUP ? -1 : a.localeCompare(b, 'en', { numeric: true }),
  )
  return {
    field,
    groups: values.map((value) => ({ value, dimensions: aggregateDimensions(byValue.get(value) ?? []) })),
    matched,
    ungrouped: [...ungrouped].sort(),
  }
}

/**
 * A table per group, titled `field: value`, then a line naming the dimensions that were not grouped; a line saying
 * so when no record carries the field.
 */
export function renderGroups(
  grouped: GroupedStats,
  options: { colors: boolean; width?: number | undefined },
): string {
  const c = picocolors.createColors(options.colors)
  if (grouped.matched === 0) {
    return ` ${c.yellow(`groupBy "${grouped.field}": no record carries this metadata field`)} (rows of describeEval carry their dataset metadata)`
  }
  const tables = grouped.groups.map(({ value, dimensions }) =>
    renderTable(`${grouped.field}: ${value}`, dimensions, c, { width: options.width }),
  )
  const note =
    grouped.ungrouped.length > 0
      ? [c.dim(` not grouped by ${grouped.field} (no record carries it): ${grouped.ungrouped.join(', ')}`)]
      : []
  return [...tables, ...note].join('\n\n')
}
