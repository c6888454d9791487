import { describe, expect, test } from 'vitest'
import { taskRecordDraft } from '../src/eval/task-cost.ts'
import type { LocatedRecord, TaskRecord } from '../src/record/schema.ts'
import { compareReports } from '../src/reporter/baseline.ts'
import { evaluateRun, failureReasons, withEvaluation } from '../src/reporter/evaluate-run.ts'
import { detectDrift, driftAlerts, type HistoryEntry, historyEntry } from '../src/reporter/history.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import { parseReport } from '../src/reporter/read-report.ts'
import { stringifyReport } from '../src/reporter/report-json.ts'
import { reportOf, scoredRecords } from './support/reports.ts'

/** A `describeEval` task in test `row <index>`, with its wall time and tokens. */
function task(index: number, latencyMs: number, tokens?: number): LocatedRecord {
  const draft = taskRecordDraft(latencyMs, null) as Omit<TaskRecord, 'callId' | 'retry'>
  return {
    file: 'a.eval.ts',
    test: `row ${index}`,
    project: '',
    state: 'passed',
    ...draft,
    callId: `t${index}`,
    retry: 0,
    ...(tokens === undefined
      ? {}
      : { tokensByModel: { m: { input: tokens - 10, output: 10, total: tokens } } }),
  }
}

const quality = scoredRecords('relevance', [1, 1, 0.75, 0.75, 1, 1, 0.75, 0.75])
const latencies = [900, 950, 1000, 1020, 1100, 1150, 1200, 1300]
const base = reportOf([...quality, ...latencies.map((ms, index) => task(index, ms, 400 + index))])

describe('task costs against the baseline', () => {
  test('a p95 latency that rose beyond noise regressed; the same tokens are unchanged', () => {
    const slower = reportOf([
      ...quality,
      ...latencies.map((ms, index) => task(index, ms + 600 + index * 10, 400 + index)),
    ])
    const { costs } = compareReports(base, slower, { file: 'baseline.json' })
    expect(costs).toHaveLength(2)
    const [latency, tokens] = costs!
    expect(latency).toMatchObject({
      dimension: 'latency',
      statistic: 'p95',
      pairs: 8,
      verdict: 'regressed',
      added: 0,
      removed: 0,
    })
    expect(latency!.headValue! - latency!.baseValue!).toBeCloseTo(latency!.diff!, 6)
    expect(latency!.low).toBeGreaterThan(0)
    expect(tokens).toMatchObject({
      dimension: 'tokens',
      statistic: 'mean',
      pairs: 8,
      diff: 0,
      verdict: 'unchanged',
    })

    // The regression setting applies as to a dimension: a P1 alert, which fails the run under `fail` only.
    const evaluation = evaluateRun(slower, {
      gates: {},
      baseline: { report: base, file: 'baseline.json' },
      drift: false,
    })
    expect(evaluation.alerts).toEqual([
      {
        tier: 'P1',
        kind: 'regression',
        dimension: 'latency',
        message: expect.stringMatching(
          /^latency p95 \+\d{3} ms \[\+\d+, \+\d+\] against baseline\.json \(8 paired tasks\)$/,
        ),
      },
    ])
    expect(failureReasons(evaluation, 'warn')).toEqual([])
    expect(failureReasons(evaluation, 'fail')).toHaveLength(1)

    // Shown in report.json, Markdown and HTML.
    const report = withEvaluation(slower, evaluation)
    expect(parseReport(stringifyReport(report), 'report.json').baseline?.costs).toEqual(costs)
    const markdown = renderMarkdown(report)
    expect(markdown).toMatch(
      /\| latency p95 \| 8 \| 1,2\d\d ms \| 1,9\d\d ms \| \+\d{3} ms \[\+\d+, \+\d+\] \| 🔴 regressed \| 0 \| 0 \|/,
    )
    expect(markdown).toContain('| tokens mean | 8 | 404 | 404 | 0 [0, 0] | unchanged | 0 | 0 |')
    const html = renderHtml(report)
    expect(html).toMatch(/<td class="change regressed">p95 \+\d{3} ms \[\+\d+, \+\d+\] regressed<\/td>/)
    expect(html).toContain('<th scope="row">all files · tokens</th><td class="num">8</td>')
  })

  test('a faster run improved, and tasks only one run has are added or removed, not paired', () => {
    const faster = reportOf([
      ...quality,
      ...latencies.map((ms, index) => task(index, ms - 500, index < 6 ? 300 : undefined)),
      task(99, 5000, 300),
    ])
    const [latency, tokens] = compareReports(base, faster, { file: 'baseline.json' }).costs!
    expect(latency).toMatchObject({ verdict: 'improved', pairs: 8, added: 1, removed: 0 })
    expect(latency!.high).toBeLessThan(0)
    expect(tokens).toMatchObject({ verdict: 'improved', pairs: 6, added: 1, removed: 2 })
  })

  test('fewer than 5 paired tasks are too few to tell; runs without tasks have no cost comparison', () => {
    const few = reportOf([...quality, ...[900, 950, 1000].map((ms, index) => task(index, ms * 3))])
    const [latency, tokens] = compareReports(base, few, { file: 'b.json' }).costs!
    expect(latency).toMatchObject({ verdict: 'incomparable', pairs: 3, removed: 5 })
    expect(tokens).toMatchObject({ verdict: 'incomparable', pairs: 0, diff: null, removed: 8 })
    expect(compareReports(reportOf(quality), reportOf(quality), { file: 'b.json' })).not.toHaveProperty(
      'costs',
    )
  })
})

describe('task costs drifting over the history', () => {
  const entry = (
    index: number,
    latencyP95: number,
    tokensMean: number | null,
    coverage = 'same',
  ): HistoryEntry => ({
    time: `2025-01-0${index + 1}T00:00:00.000Z`,
    commit: null,
    errorShare: 0.5,
    dimensions: {},
    taskCost: { latencyP95, tokensMean, coverage },
  })

  test('a latency p95 rising a few percent a run is a P2 drift, whatever the judge errors', () => {
    const entries = [1000, 1040, 1090, 1120, 1180].map((p95, index) => entry(index, p95, 400))
    const findings = detectDrift(entries, { runs: 5, slope: 0.01 })
    expect(findings).toEqual([
      {
        dimension: 'latency',
        cost: 'p95',
        means: [1000, 1040, 1090, 1120, 1180],
        slope: expect.closeTo(44 / 1086, 6),
      },
    ])
    expect(driftAlerts(findings)[0]).toEqual({
      tier: 'P2',
      kind: 'drift',
      dimension: 'latency',
      message:
        'latency p95 rose over the last 5 runs (1,000 ms → 1,040 ms → 1,090 ms → 1,120 ms → 1,180 ms, +4.1% per run)',
    })
    // The slope is 44 ms a run over a mean of 1,086 ms. Below the slope, over other tasks, or over too few runs: none.
    expect(detectDrift(entries, { runs: 5, slope: 0.05 })).toEqual([])
    expect(detectDrift([...entries.slice(0, 4), entry(4, 1180, 400, 'other')], { runs: 5 })).toEqual([])
    expect(detectDrift(entries.slice(1), { runs: 5 })).toEqual([])
  })

  test('mean tokens rising drift; the history line of a report keeps its task costs', () => {
    const entries = [400, 420, 450, 470, 500].map((tokens, index) => entry(index, 1000, tokens))
    expect(detectDrift(entries, { runs: 5 }).map((finding) => [finding.dimension, finding.cost])).toEqual([
      ['tokens', 'mean'],
    ])
    const line = historyEntry(base)
    expect(line.taskCost).toEqual({
      latencyP95: base.summary.taskCost!.run.latency.p95,
      tokensMean: 403.5,
      coverage: expect.any(String),
    })
    expect(historyEntry(reportOf(quality))).not.toHaveProperty('taskCost')
  })
})
