/**
 * Internal to the reporter: the Markdown summary of a report, for `$GITHUB_STEP_SUMMARY` and pull requests. Pure.
 * Every text that came from a test or a judge is escaped: it renders as the text it is, never as Markdown or HTML.
 */
import { turnText } from '../record/turn-text.ts'
import { formatChange, verdictText } from './baseline.ts'
import { chatMarkdown, transcriptFinder } from './conversation-view.ts'
import { formatCostDiff } from './cost-change.ts'
import { dimensionRows, fixed } from './dimension-rows.ts'
import { escapeHtml } from './escape-html.ts'
import { pairwiseMarkdown } from './pairwise-stats.ts'
import { type HeldReport, spooledText } from './record-spool.ts'
import { countOf, simulatedParts } from './render-table.ts'
import type { CostChange, DimensionChange } from './schema.ts'
import { type CostDimension, type CostStats, costCells, costText } from './task-cost.ts'
import { shorten, worstJudgments } from './worst.ts'

export interface MarkdownOptions {
  /** How many of the lowest-scoring outputs to show per dimension. @default 5 */
  worst?: number
  /** Characters of each input, output and reason before it is cut. @default 300 */
  maxText?: number
}

const VERDICT_MARKS: Record<DimensionChange['verdict'], string> = {
  improved: '🟢 improved',
  unchanged: 'unchanged',
  regressed: '🔴 regressed',
  incomparable: verdictText('incomparable'),
}

/**
 * The summary: header, per-dimension table, gates, alerts, baseline comparison and the lowest-scoring outputs of
 * the dimensions with outputs below their floor.
 */
export function renderMarkdown(report: HeldReport, options: MarkdownOptions = {}): string {
  const worst = options.worst ?? 5
  const maxText = options.maxText ?? 300
  const sections = [
    `## Rubric evals\n\n${header(report)}`,
    dimensionTable(report),
    taskCostTable(report),
    pairwiseMarkdown(report, escapeMarkdown),
  ]
  if (report.gates.length > 0) {
    const rows = report.gates.map((gate) => {
      const mark = gate.status === 'passed' ? '✅' : gate.status === 'failed' ? '❌' : '⏭️ skipped'
      return `| ${escapeMarkdown(gate.dimension)} | ${gate.statistic} | ${fixed(gate.value)} | ${fixed(gate.bound)} | ${mark} |`
    })
    sections.push(
      [
        '### Gates',
        '',
        '| dimension | statistic | value | bound | |',
        '| --- | --- | --: | --: | --- |',
        ...rows,
      ].join('\n'),
    )
  }
  if (report.alerts.length > 0) {
    const lines = report.alerts.map(
      (alert) => `- **${alert.tier}** ${alert.kind}: ${escapeMarkdown(alert.message)}`,
    )
    sections.push(['### Alerts', '', ...lines].join('\n'))
  }
  if (report.baseline) sections.push(baselineSection(report))
  if (worst > 0) sections.push(worstSection(report, worst, maxText))
  return `${sections.filter((section) => section !== '').join('\n\n')}\n`
}

function header(report: HeldReport): string {
  // As in the terminal header: judges are named once, however many ids (servers, versions) share a name.
  const names = [...new Set(report.judges.map((judge) => judge.name))]
  const judges = names.map((name) => `\`${escapeCode(name)}\``).join(', ') || '-'
  const { totals } = report.summary
  const parts = [
    `${names.length === 1 ? 'judge' : 'judges'} ${judges}`,
    countOf(totals.liveCalls, 'live call', 'live calls'),
    `${totals.storedCalls} stored`,
    ...simulatedParts(totals.simulatedCalls),
    `${totals.tokens.toLocaleString('en-US')} tokens`,
    ...(totals.costUsd === null ? [] : [`$${totals.costUsd.toFixed(4)}`]),
    ...(report.commit ? [`commit \`${report.commit.slice(0, 12)}\``] : []),
  ]
  return parts.join(' · ')
}

function dimensionTable(report: HeldReport): string {
  const { head, withChange, rows: dimensions } = dimensionRows(report)
  // A run of pairwise comparisons alone has no dimension scores: their own table stands instead.
  if (dimensions.length === 0 && report.summary.pairwise) return ''
  // The dimension and change columns are text, aligned left; the statistics between them are numbers.
  const align = head.map((name) =>
    name === 'dimension' || name === 'change' || name === 'members' ? '---' : '--:',
  )
  // The members cell holds judge names, which are the user's text; the other cells are numbers.
  const members = head.indexOf('members') - 1
  const rows = dimensions.map(({ stats, cells, change }) => {
    const changeCell = change ? `${formatChange(change)} ${VERDICT_MARKS[change.verdict]}` : 'new'
    const shown = cells.map((cell, index) => (index === members ? escapeMarkdown(cell) : cell))
    return `| ${[escapeMarkdown(stats.dimension), ...shown, ...(withChange ? [changeCell] : [])].join(' | ')} |`
  })
  return [`| ${head.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows].join('\n')
}

/** What the system under test spent per `describeEval` task over the run; empty without tasks. */
function taskCostTable(report: HeldReport): string {
  const cost = report.summary.taskCost?.run
  if (!cost) return ''
  const row = (name: CostDimension, stats: CostStats) =>
    `| ${[name, String(stats.n), ...costCells(name, stats)].join(' | ')} |`
  return [
    '| task cost | tasks | p50 | p95 | p99 | mean |',
    '| --- | --: | --: | --: | --: | --: |',
    row('latency', cost.latency),
    ...(cost.tokens ? [row('tokens', cost.tokens)] : []),
  ].join('\n')
}

function baselineSection(report: HeldReport): string {
  const baseline = report.baseline!
  const about = [
    baseline.commit ? `commit \`${baseline.commit.slice(0, 12)}\`` : undefined,
    baseline.createdAt ? escapeMarkdown(baseline.createdAt) : undefined,
  ].filter(Boolean)
  const rows = baseline.dimensions.map(
    (change) =>
      `| ${escapeMarkdown(change.dimension)} | ${change.pairs} | ${fixed(change.baseMean)} | ${fixed(change.headMean)} | ` +
      `${formatChange(change)} | ${VERDICT_MARKS[change.verdict]} | ${change.added} | ${change.removed} |`,
  )
  return [
    '### Baseline',
    '',
    `Compared with \`${escapeCode(baseline.file)}\`${about.length > 0 ? ` (${about.join(', ')})` : ''}: the change of ` +
      `the mean over the outputs both runs scored, with its ${Math.round(baseline.level * 100)}% paired bootstrap interval.`,
    '',
    '| dimension | pairs | base | head | change | verdict | added | removed |',
    '| --- | --: | --: | --: | --- | --- | --: | --: |',
    ...rows,
    ...costChangeTable(baseline.costs),
  ].join('\n')
}

/** The task costs' changes against the baseline, under the dimensions' (lines to add; none without tasks). */
function costChangeTable(costs: readonly CostChange[] | undefined): string[] {
  if (!costs) return []
  const value = (change: CostChange, number: number | null) =>
    number === null ? '-' : costText(change.dimension, number)
  return [
    '',
    '| task cost | pairs | base | head | change | verdict | added | removed |',
    '| --- | --: | --: | --: | --- | --- | --: | --: |',
    ...costs.map(
      (change) =>
        `| ${change.dimension} ${change.statistic} | ${change.pairs} | ${value(change, change.baseValue)} | ` +
        `${value(change, change.headValue)} | ${formatCostDiff(change)} | ` +
        `${VERDICT_MARKS[change.verdict]} | ${change.added} | ${change.removed} |`,
    ),
  ]
}

/** Messages of a low-scoring conversation shown in Markdown: its last ones, where the judged answer is. */
const MARKDOWN_CHAT_MESSAGES = 8

function worstSection(report: HeldReport, count: number, maxText: number): string {
  const blocks: string[] = []
  const transcriptOf = transcriptFinder(report.judgments)
  // Only outputs below their floor: a dimension where every output passed has nothing to look into.
  for (const [dimension, stats] of Object.entries(report.summary.run)) {
    const worst = worstJudgments(report, dimension, count, { failedOnly: true })
    if (worst.length === 0) continue
    const failed = stats.n - stats.passed
    const chats: string[] = []
    const rows = worst.map(spooledText).map((judgment) => {
      const turn = judgment.kind === 'judgment' && judgment.turn ? ` · ${turnText(judgment.turn)}` : ''
      const transcript = transcriptOf(judgment)
      if (transcript) {
        const quoted = chatMarkdown(
          transcript,
          { text: escapeMarkdown, code: escapeCode },
          {
            maxText,
            maxMessages: MARKDOWN_CHAT_MESSAGES,
            judged: judgment.kind === 'judgment' ? judgment.turn?.message : undefined,
          },
        )
        chats.push(
          `**${fixed(judgment.score)}** ${escapeMarkdown(`${judgment.file} > ${judgment.test}${turn}`, maxText)}\n\n${quoted}`,
        )
      }
      const cells = [
        fixed(judgment.score),
        escapeMarkdown(`${judgment.file} > ${judgment.test}${turn}`, maxText),
        escapeMarkdown(judgment.input ?? '', maxText),
        transcript ? '*the conversation, below*' : escapeMarkdown(judgment.output, maxText),
        escapeMarkdown(judgment.reason, maxText),
      ]
      return `| ${cells.join(' | ')} |`
    })
    blocks.push(
      [
        `<details><summary>${escapeHtml(dimension)}: ${
          worst.length < failed ? `${worst.length} lowest of ${failed}` : failed
        } below the floor</summary>`,
        '',
        '| score | test | input | output | reason |',
        '| --: | --- | --- | --- | --- |',
        ...rows,
        ...chats.flatMap((chat) => ['', chat]),
        '',
        '</details>',
      ].join('\n'),
    )
  }
  return blocks.length === 0 ? '' : ['### Lowest-scoring outputs', ...blocks].join('\n\n')
}

/**
 * Text made safe for a Markdown table cell: HTML is written as entities (so no tag, comment or autolink forms),
 * pipes and `@` (no mentions) as numeric entities, inline Markdown punctuation is backslash-escaped and line
 * breaks become `<br>`. Cut to `max` characters first when given.
 */
export function escapeMarkdown(text: string, max?: number): string {
  const cut = max === undefined ? text : shorten(text, max)
  return cut
    .replace(/[\\`*_{}[\]()#+!~]/g, '\\$&')
    .replace(/[&<>|@]/g, (character) => ENTITIES[character]!)
    .replace(/\r\n|\r|\n/g, '<br>')
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '@': '&#64;',
}

/** Text for inside a code span: backticks and line breaks cannot end it early. */
export function escapeCode(text: string): string {
  return text.replace(/`/g, 'ˋ').replace(/[\r\n]+/g, ' ')
}
