/**
 * Internal to the reporter: the statistics of pairwise preferences per dimension, and their renderings in the
 * terminal, Markdown and HTML. Pure. A preference is no score of its dimension: these stand beside the dimension
 * statistics, never among them.
 */
import picocolors from 'picocolors'
import type { PairwiseRecord } from '../record/schema.ts'
import { escapeHtml as esc } from './escape-html.ts'
import type { HeldReport } from './record-spool.ts'
import type { PairwiseStats } from './schema.ts'
import { shorten } from './worst.ts'

export type { PairwiseStats } from './schema.ts'

type Colors = ReturnType<typeof picocolors.createColors>

/** Per dimension in name order, the wins, ties and losses of the `pairwise` records among `records`. */
export function pairwiseStats(
  records: readonly (Pick<PairwiseRecord, 'dimension' | 'outcome' | 'consistent'> & { kind: string })[],
): PairwiseStats[] {
  const byDimension = new Map<string, PairwiseStats>()
  for (const record of records) {
    if (record.kind !== 'pairwise') continue
    let stats = byDimension.get(record.dimension)
    if (!stats) {
      stats = {
        dimension: record.dimension,
        n: 0,
        wins: 0,
        ties: 0,
        losses: 0,
        consistent: 0,
        consistencyRate: null,
        winRate: null,
        errors: 0,
      }
      byDimension.set(record.dimension, stats)
    }
    if (record.outcome === undefined) {
      stats.errors += 1
      continue
    }
    stats.n += 1
    if (record.outcome === 'win') stats.wins += 1
    else if (record.outcome === 'tie') stats.ties += 1
    else stats.losses += 1
    if (record.consistent) stats.consistent += 1
  }
  return [...byDimension.values()]
    .sort((a, b) => (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0))
    .map((stats) => ({
      ...stats,
      consistencyRate: stats.n === 0 ? null : stats.consistent / stats.n,
      winRate: stats.n === 0 ? null : stats.wins / stats.n,
    }))
}

const HEAD = ['pairwise', 'pairs', 'wins', 'ties', 'losses', 'consistent', 'errors'] as const

/** The cells of one dimension's row, in the order of {@link HEAD}. */
function cells(stats: PairwiseStats): string[] {
  return [
    stats.dimension,
    String(stats.n),
    String(stats.wins),
    String(stats.ties),
    String(stats.losses),
    stats.consistencyRate === null ? '–' : `${Math.round(stats.consistencyRate * 100)}%`,
    String(stats.errors),
  ]
}

/**
 * The terminal section under the run's table: per dimension the pairs, wins, ties, losses, the share of pairs
 * whose verdict held in both orders, and errors; each line cut to `width`. Empty without comparisons.
 */
export function renderPairwise(
  stats: readonly PairwiseStats[],
  c: Colors = picocolors.createColors(false),
  width = 100,
): string {
  if (stats.length === 0) return ''
  const rows = [[...HEAD], ...stats.map(cells)]
  const widths = HEAD.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)))
  const line = (row: string[]) =>
    `   ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[0]!) : cell.padStart(widths[column]!))).join('  ')}`
  const [head, ...body] = rows.map((row) => shorten(line(row), width))
  return [' Pairwise preference (candidate against baseline, both orders)', c.dim(head!), ...body].join('\n')
}

/** The Markdown table of the run's comparisons, cells escaped with `escapeCell`; empty without any. */
export function pairwiseMarkdown(report: HeldReport, escapeCell: (text: string) => string): string {
  const stats = Object.values(report.summary.pairwise ?? {})
  if (stats.length === 0) return ''
  return [
    `| ${HEAD.join(' | ')} |`,
    '| --- | --: | --: | --: | --: | --: | --: |',
    ...stats.map(
      (row) =>
        `| ${cells(row)
          .map((cell) => escapeCell(cell))
          .join(' | ')} |`,
    ),
  ].join('\n')
}

/** The HTML section of the run's comparisons: the table, then each comparison's verdicts in both orders. */
export function pairwiseHtml(report: HeldReport): string {
  const stats = Object.values(report.summary.pairwise ?? {})
  if (stats.length === 0) return ''
  const head = `<tr>${HEAD.map((name, column) => `<th${column === 0 ? '' : ' class="num"'}>${name}</th>`).join('')}</tr>`
  const rows = stats.map(
    (row) =>
      `<tr>${cells(row)
        .map((cell, column) => `<td${column === 0 ? '' : ' class="num"'}>${esc(cell)}</td>`)
        .join('')}</tr>`,
  )
  const comparisons = report.judgments.flatMap((record) => {
    if (record.kind !== 'pairwise') return []
    const orders = record.orders
      .map(
        (order) =>
          `<li>${esc(order.order)}: ${esc(order.preference ?? 'no verdict')}. ${esc(order.reason)}</li>`,
      )
      .join('')
    return [
      `<li><strong>${esc(record.dimension)}</strong> ${esc(record.outcome ?? 'error')} · ${esc(record.test)}` +
        `<ul>${orders}</ul></li>`,
    ]
  })
  return (
    `<section id="pairwise"><h2>Pairwise preference</h2><table><thead>${head}</thead><tbody>${rows.join('')}</tbody></table>` +
    `<details><summary>Verdicts in both orders</summary><ul>${comparisons.join('')}</ul></details></section>`
  )
}
