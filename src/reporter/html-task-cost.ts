/**
 * Internal to the reporter: the HTML report's table of what the system under test spent per task, with each cost's
 * change against the baseline. Pure.
 */
import { verdictText } from './baseline.ts'
import { formatCostDiff } from './cost-change.ts'
import { escapeHtml as esc } from './escape-html.ts'
import type { HeldReport } from './record-spool.ts'
import type { CostChange, TaskCostStats } from './schema.ts'
import { type CostDimension, costCells } from './task-cost.ts'

/** The section: the run's latency and tokens per task, then each file's when there are several; empty without tasks. */
export function taskCostSection(report: HeldReport): string {
  const cost = report.summary.taskCost
  if (!cost) return ''
  const costs = report.baseline?.costs
  const changes = new Map((costs ?? []).map((change) => [change.dimension, change]))
  const rows = costRows('all files', cost.run, costs ? changes : undefined)
  const files = Object.entries(cost.files)
  if (files.length > 1) for (const [file, stats] of files) rows.push(...costRows(file, stats, undefined))
  const head = ['task cost', 'tasks', 'p50', 'p95', 'p99', 'mean', ...(costs ? ['change'] : [])]
  const note = costs
    ? '<p class="note">change: latency by its p95, tokens by their mean, over the tasks both runs ran, with the ' +
      'paired bootstrap interval; a cost that rose beyond noise regressed.</p>'
    : ''
  return (
    '<section id="task-cost"><h2>Task cost</h2>' +
    `<table><thead><tr>${head.map((name) => `<th scope="col">${name}</th>`).join('')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>${note}</section>`
  )
}

function costRows(
  where: string,
  stats: TaskCostStats,
  changes: ReadonlyMap<string, CostChange> | undefined,
): string[] {
  const row = (name: CostDimension, values: NonNullable<TaskCostStats['tokens']>) => {
    const change = changes?.get(name)
    const changeCell = !changes
      ? ''
      : change
        ? `<td class="change ${change.verdict}">${change.statistic} ${esc(formatCostDiff(change))} ${verdictText(change.verdict)}</td>`
        : '<td class="change">new</td>'
    return (
      `<tr><th scope="row">${esc(where)} · ${name}</th><td class="num">${values.n}</td>` +
      `${costCells(name, values)
        .map((cell) => `<td class="num">${esc(cell)}</td>`)
        .join('')}${changeCell}</tr>`
    )
  }
  return [row('latency', stats.latency), ...(stats.tokens ? [row('tokens', stats.tokens)] : [])]
}
