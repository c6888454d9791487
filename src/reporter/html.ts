/**
 * Internal to the reporter: the HTML report, one self-contained file (inline CSS and SVG, no script, no network;
 * a Content-Security-Policy forbids both). Pure. Every text that came from a test or a judge is escaped.
 */
import { diffWords } from 'diff'
import type { ReportedTranscript } from '../record/schema.ts'
import { turnText } from '../record/turn-text.ts'
import { formatChange, pairJudgments, verdictText } from './baseline.ts'
import { chatHtml, transcriptFinder } from './conversation-view.ts'
import { dimensionRows, fixed } from './dimension-rows.ts'
import { escapeHtml as esc } from './escape-html.ts'
import { formatGate } from './gates.ts'
import { type HistoryEntry, historyEntry } from './history.ts'
import { type ChartMean, histogramSvg, meansCaption, trendSvg } from './html-charts.ts'
import { HTML_STYLE } from './html-style.ts'
import { taskCostSection } from './html-task-cost.ts'
import { pairwiseHtml } from './pairwise-stats.ts'
import { type HeldRecord, type HeldReport, spooledText } from './record-spool.ts'
import { countOf, simulatedParts } from './render-table.ts'
import type { DimensionStats, ReportJudgment, RubricReport } from './schema.ts'
import { type SourceLinks, sourceHref } from './source-links.ts'
import { worstJudgments } from './worst.ts'

export interface HtmlOptions {
  /** The baseline report: the lowest-scoring outputs show their change against the output it scored. */
  baseline?: RubricReport | undefined
  /** The run history, oldest first, for the trend; the report's own run is added when it is not the last entry. */
  history?: readonly HistoryEntry[] | undefined
  /** How many of the lowest-scoring outputs to show per dimension. @default 5 */
  worst?: number
  /** Where each lowest-scoring output links its test's file and line; without it, they are named, not linked. */
  sources?: SourceLinks | undefined
}

const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

/** The whole page. */
export function renderHtml(report: HeldReport, options: HtmlOptions = {}): string {
  const history = trendEntries(report, options.history ?? [])
  const paired = options.baseline ? pairJudgments(options.baseline.judgments, report.judgments) : new Map()
  const worst = options.worst ?? 5
  const dimensions = Object.keys(report.summary.run)
  const transcriptOf = transcriptFinder(report.judgments)
  const body = [
    `<header><h1>Rubric report</h1><p class="meta">${metaLine(report)}</p></header>`,
    `<section id="summary"><h2>Dimensions</h2>${dimensionTable(report)}</section>`,
    taskCostSection(report),
    pairwiseHtml(report),
    gatesSection(report),
    alertsSection(report),
    ...dimensions.map((dimension) =>
      dimensionSection(
        report,
        dimension,
        history,
        paired,
        worst,
        options.sources,
        transcriptOf,
        options.baseline?.summary.run[dimension],
      ),
    ),
  ]
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Rubric report ${esc(report.createdAt)}</title>`,
    `<style>${HTML_STYLE}</style>`,
    '</head>',
    `<body>${body.filter(Boolean).join('\n')}</body>`,
    '</html>',
    '',
  ].join('\n')
}

function metaLine(report: HeldReport): string {
  const judges = report.judges.map((judge) =>
    esc(judge.model && judge.model !== judge.name ? `${judge.name} (${judge.model})` : judge.name),
  )
  const { totals } = report.summary
  return [
    esc(report.createdAt),
    `judge ${judges.join(', ') || '-'}`,
    [
      countOf(totals.liveCalls, 'live call', 'live calls'),
      `${totals.storedCalls} stored`,
      ...simulatedParts(totals.simulatedCalls),
      `${totals.tokens.toLocaleString('en-US')} tokens`,
    ].join(' · '),
    ...(totals.costUsd === null ? [] : [`$${totals.costUsd.toFixed(4)}`]),
    ...(report.commit ? [`commit <code>${esc(report.commit.slice(0, 12))}</code>`] : []),
    `Vitest ${esc(report.vitestVersion)}`,
  ].join(' · ')
}

function dimensionTable(report: HeldReport): string {
  const { head, withChange, rows: dimensions } = dimensionRows(report)
  const rows = dimensions.map(({ stats, cells: values, change }) => {
    const cells = [
      `<th scope="row"><a href="#${anchor(stats.dimension)}">${esc(stats.dimension)}</a></th>`,
      ...values.map((value) => `<td class="num">${esc(value)}</td>`),
      ...(withChange
        ? [
            change
              ? `<td class="change ${change.verdict}">${esc(formatChange(change))} ${verdictText(change.verdict)}</td>`
              : '<td class="change">new</td>',
          ]
        : []),
    ]
    return `<tr>${cells.join('')}</tr>`
  })
  const header = head.map((name) => `<th scope="col">${name}</th>`).join('')
  const note = report.baseline
    ? `<p class="note">change: against <code>${esc(report.baseline.file)}</code>, over the outputs both runs scored, ` +
      `with its ${Math.round(report.baseline.level * 100)}% paired bootstrap interval.</p>`
    : ''
  return `<table><thead><tr>${header}</tr></thead><tbody>${rows.join('')}</tbody></table>${note}`
}

function gatesSection(report: HeldReport): string {
  if (report.gates.length === 0) return ''
  const scored = Object.keys(report.summary.run)
  const items = report.gates.map(
    (gate) => `<li class="gate ${gate.status}">${esc(formatGate(gate, scored))}</li>`,
  )
  return `<section id="gates"><h2>Gates</h2><ul>${items.join('')}</ul></section>`
}

function alertsSection(report: HeldReport): string {
  if (report.alerts.length === 0) return ''
  const items = report.alerts.map(
    (alert) =>
      `<li class="alert ${alert.tier}"><strong>${alert.tier}</strong> ${alert.kind}: ${esc(alert.message)}</li>`,
  )
  return `<section id="alerts"><h2>Alerts</h2><ul>${items.join('')}</ul></section>`
}

function dimensionSection(
  report: HeldReport,
  dimension: string,
  history: readonly HistoryEntry[],
  paired: ReadonlyMap<HeldRecord, ReportJudgment>,
  worst: number,
  sources: SourceLinks | undefined,
  transcriptOf: (judgment: HeldRecord) => ReportedTranscript | undefined,
  baseline: DimensionStats | undefined,
): string {
  const stats = report.summary.run[dimension]!
  const floor = Number.isFinite(stats.floor.common) ? stats.floor.common : null
  const scores = report.judgments
    .filter((judgment) => judgment.dimension === dimension && judgment.score !== null)
    .map((judgment) => judgment.score!)
  const trend = history.flatMap((entry) => {
    const { mean, meanLow, meanHigh } = entry.dimensions[dimension] ?? {}
    const label = entry.commit ? `${entry.time} ${entry.commit.slice(0, 7)}` : entry.time
    return typeof mean === 'number' ? [{ label, mean, low: meanLow, high: meanHigh }] : []
  })
  const means = {
    run: chartMean(stats),
    baseline: baseline && chartMean(baseline),
  }
  const outputs = worstJudgments(report, dimension, worst).map((judgment, index) =>
    outputArticle(
      spooledText(judgment),
      paired.get(judgment),
      sources,
      transcriptOf(judgment),
      `${anchor(dimension)}-${index}`,
    ),
  )
  return [
    `<section class="dimension" id="${anchor(dimension)}">`,
    `<h2>${esc(dimension)}</h2>`,
    judgeLine(report, dimension),
    '<div class="charts">',
    `<figure>${histogramSvg(scores, floor, dimension, means)}<figcaption>Scores (n = ${scores.length})${meansCaption(means)}</figcaption></figure>`,
    `<figure>${trendSvg(trend, floor, dimension)}<figcaption>Mean over the run history</figcaption></figure>`,
    '</div>',
    outputs.length > 0 ? `<h3>Lowest-scoring outputs</h3>${outputs.join('')}` : '',
    '</section>',
  ].join('')
}

/** A dimension's mean with its interval (when its report has one), for the charts; none without scores. */
function chartMean(stats: DimensionStats): ChartMean | undefined {
  return stats.mean === null ? undefined : { mean: stats.mean, low: stats.meanLow, high: stats.meanHigh }
}

/**
 * Who scored the dimension and how well that judge agrees with people. Deterministic checks and scorers have no
 * calibration; an LLM or heuristic judge without a calibration file says how to measure one.
 */
function judgeLine(report: HeldReport, dimension: string): string {
  const judged = report.judgments.filter((judgment) => judgment.dimension === dimension)
  const judges = [
    ...new Set(
      judged.map((judgment) =>
        judgment.model && judgment.model !== judgment.judgeName
          ? `${judgment.judgeName} (${judgment.model})`
          : judgment.judgeName,
      ),
    ),
  ]
  const deterministic = judged.every((judgment) => DETERMINISTIC.has(judgment.judgeName))
  const cell = report.calibration?.[dimension]
  const calibration = cell
    ? ` · calibration <span class="calibration ${cell.tone}">${esc(cell.text)}</span>`
    : deterministic
      ? ''
      : ' · calibration <span class="calibration uncalibrated">not measured</span> ' +
        '<span class="note">(<code>vitest-rubric calibrate</code>)</span>'
  return `<p class="judged">${judges.length === 1 ? 'judge' : 'judges'} <strong>${judges.map(esc).join(', ')}</strong>${calibration}</p>`
}

// The judge names of deterministic checks and scorers, which no calibration applies to.
const DETERMINISTIC = new Set(['check', 'scorer'])

function outputArticle(
  judgment: ReportJudgment,
  before: ReportJudgment | undefined,
  sources: SourceLinks | undefined,
  transcript: ReportedTranscript | undefined,
  idPrefix: string,
): string {
  const turn = judgment.kind === 'judgment' ? judgment.turn : undefined
  const rows = [
    [
      'Input',
      judgment.input === undefined
        ? '<p class="none">none recorded</p>'
        : `<pre>${esc(judgment.input)}</pre>`,
    ],
    transcript
      ? ['Conversation', chatHtml(transcript, idPrefix, turn?.message)]
      : ['Output', `<pre>${esc(judgment.output)}</pre>`],
    ['Reason', `<pre>${esc(judgment.reason)}</pre>`],
  ]
  if (before && before.output !== judgment.output) {
    const parts = diffWords(before.output, judgment.output).map((part) => {
      const text = esc(part.value)
      return part.added ? `<ins>${text}</ins>` : part.removed ? `<del>${text}</del>` : text
    })
    const scores = `baseline scored ${fixed(before.score)}, now ${fixed(judgment.score)}`
    rows.push([
      'Change against the baseline',
      `<p class="note">${scores}</p><pre class="diff">${parts.join('')}</pre>`,
    ])
  }
  const details = rows.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')
  return (
    `<article class="output"><header><span class="score ${judgment.pass === false ? 'failed' : 'passed'}">` +
    `${fixed(judgment.score)}</span> ` +
    `<span class="where">${whereLink(judgment, sources)} &gt; ${esc(judgment.test)}</span> ` +
    (turn ? `<span class="turn">${esc(turnText(turn))}</span> ` : '') +
    `<span class="judge">${esc(judgment.judgeName)}</span></header><dl>${details}</dl></article>`
  )
}

/** The test's file and line, linked when the report knows where sources are. */
function whereLink(judgment: ReportJudgment, sources: SourceLinks | undefined): string {
  const text = esc(judgment.line === undefined ? judgment.file : `${judgment.file}:${judgment.line}`)
  if (!sources) return text
  return `<a class="source" href="${esc(sourceHref(sources, judgment.file, judgment.line))}">${text}</a>`
}

/** The history with the report's own run last. */
function trendEntries(report: HeldReport, history: readonly HistoryEntry[]): HistoryEntry[] {
  const last = history.at(-1)
  return last?.time === report.createdAt ? [...history] : [...history, historyEntry(report)]
}

/** An id for a dimension's section: letters, digits, `-` and `_` kept, anything else as its code point. */
function anchor(dimension: string): string {
  return `dimension-${dimension.replace(/[^A-Za-z0-9_-]/g, (character) => `.${character.codePointAt(0)!.toString(16)}`)}`
}
