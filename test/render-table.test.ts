import picocolors from 'picocolors'
import { describe, expect, test } from 'vitest'
import type { CalibrationCell } from '../src/calibration/status.ts'
import { summarize } from '../src/reporter/aggregate.ts'
import type { LocatedRecord } from '../src/reporter/collect.ts'
import { renderSummary, renderTable, terminalWidth } from '../src/reporter/render-table.ts'
import type { DimensionChange } from '../src/reporter/schema.ts'
import { type LocatedJudgment, locatedJudgment } from './support/records.ts'

function record(overrides: Partial<LocatedJudgment>): LocatedJudgment {
  const score = overrides.score === undefined ? 0.8 : overrides.score
  const floor = overrides.floor ?? 0.7
  return locatedJudgment({
    file: 'evals/qa.eval.ts',
    test: 'refunds',
    project: 'evals',
    state: 'passed',
    callId: 'call',
    assertion: 'toSatisfyRubric',
    dimension: 'faithfulness',
    score,
    floor,
    pass: score === null ? null : score >= floor,
    reason: '',
    judgeId: 'heuristic',
    judgeName: 'heuristic@1 (offline)',
    rubricId: 'rubric',
    tokens: { prompt: 400, completion: 217, total: 617 },
    latencyMs: 1,
    source: 'live',
    retry: 0,
    output: '',
    ...overrides,
  })
}

const records: LocatedRecord[] = [
  ...[0.9, 1, 0.8, 0.6].map((score, i) => record({ score, callId: `qa${i}` })),
  ...[1, 0.9, 0.75, 0.8].map((score, i) =>
    record({ dimension: 'relevance', score, floor: 0.5, callId: `qa${i}` }),
  ),
  record({
    file: 'evals/tone.eval.ts',
    dimension: 'tone',
    score: 0.4,
    floor: 0.6,
    source: 'stored',
    callId: 't1',
  }),
  record({
    file: 'evals/tone.eval.ts',
    dimension: 'tone',
    score: 0.8,
    floor: 0.8,
    source: 'stored',
    callId: 't2',
  }),
  record({ file: 'evals/tone.eval.ts', dimension: 'tone', score: null, source: 'stored', callId: 't3' }),
]

describe('renderSummary', () => {
  test('a header, a table per file and one for the run, aligned, without colours', () => {
    expect(renderSummary(summarize(records), { colors: false })).toMatchInlineSnapshot(`
      "  Rubric  judge heuristic@1 (offline) · 4 live calls · 3 stored · 4,936 tokens

       evals/qa.eval.ts
         dimension     n  mean    se     95% CI   p10   min      pass  floor  errors
         faithfulness  4  0.82  0.09  0.55-1.00  0.66  0.60  3/4  75%   0.70       0
         relevance     4  0.86  0.06  0.69-1.00  0.77  0.75  4/4 100%   0.50       0

       evals/tone.eval.ts
         dimension  n  mean    se     95% CI   p10   min      pass      floor  errors
         tone       2  0.60  0.20  0.00-1.00  0.44  0.40  1/2  50%  0.60-0.80       1

       all files (2)
         dimension     n  mean    se     95% CI   p10   min      pass      floor  errors
         faithfulness  4  0.82  0.09  0.55-1.00  0.66  0.60  3/4  75%       0.70       0
         relevance     4  0.86  0.06  0.69-1.00  0.77  0.75  4/4 100%       0.50       0
         tone          2  0.60  0.20  0.00-1.00  0.44  0.40  1/2  50%  0.60-0.80       1"
    `)
  })

  test('a single file: its table is the run table', () => {
    const output = renderSummary(summarize(records.slice(0, 4)), { colors: false })
    expect(output).toContain('evals/qa.eval.ts')
    expect(output).not.toContain('all files')
  })

  test('perFile: false shows only the run table', () => {
    const output = renderSummary(summarize(records), { colors: false, perFile: false })
    expect(output).not.toContain('evals/qa.eval.ts')
    expect(output).toContain('all files (2)')
  })

  test('colours only when enabled: failing pass rates and errors in red', () => {
    const summary = summarize(records)
    expect(renderSummary(summary, { colors: false })).not.toContain('\u001b[')
    const table = renderTable('run', summary.run, picocolors.createColors(true))
    const red = (text: string) => `\u001b[31m${text}\u001b[39m`
    expect(table).toContain(red('3/4  75%'))
    expect(table).toContain('\u001b[32m4/4 100%\u001b[39m')
    expect(table.endsWith(red('     1'))).toBe(true)
    // tone's mean is below its common floor
    expect(table).toContain('\u001b[33m0.60\u001b[39m')
  })
})

describe('table width', () => {
  const change = (dimension: string, verdict: DimensionChange['verdict']): DimensionChange => ({
    dimension,
    pairs: 120,
    baseMean: 0.6,
    headMean: 0.475,
    diff: -0.125,
    low: -0.2,
    high: -0.05,
    verdict,
    added: 0,
    removed: 0,
  })
  /** A table of 120 priced records per dimension, with a change and a calibration per dimension. */
  function table(names: string[], calibrations: string[], width?: number): string {
    const summary = summarize(
      names.flatMap((dimension) =>
        Array.from({ length: 120 }, (_, i) =>
          record({ dimension, score: (i % 5) / 4, callId: `${dimension}${i}`, costUsd: 0.0004 }),
        ),
      ),
    )
    const changes = new Map(names.map((name, i) => [name, change(name, i === 0 ? 'regressed' : 'unchanged')]))
    const calibration = new Map<string, CalibrationCell>(
      calibrations.map((text, i) => [names[i]!, { text, tone: 'ok' }]),
    )
    return renderTable('all files (3)', summary.run, undefined, {
      changes,
      calibration,
      ...(width ? { width } : {}),
    })
  }
  const usual = (width?: number) =>
    table(['faithfulness', 'relevance', 'tone'], ['ρ 0.47 (n 235)', 'ρ 0.52 (n 360)'], width)
  const long = (width?: number) =>
    table(
      ['faithfulness-to-the-refund-policy', 'relevance', 'tone'],
      ['ρ 0.47 (n 235), uncalibrated', 'ρ 0.52 (n 360)'],
      width,
    )
  const widest = (text: string) => Math.max(...text.split('\n').map((line) => line.length))

  test('with every column, the tables below are wider than 100 columns in full', () => {
    // Proves the checks below: without fitting, these tables would not fit.
    expect(widest(usual(1000))).toBeGreaterThan(120)
    expect(usual(1000)).toContain('-0.125 [-0.200, -0.050] regressed')
    expect(usual(1000)).toContain('ρ 0.47 (n 235)')
    expect(widest(long(1000))).toBeGreaterThan(140)
  })

  test('fits in 100 columns by default: the change loses its interval, calibration its n, cost, se, p10 and min are left out', () => {
    const text = usual()
    expect(widest(text)).toBeLessThanOrEqual(100)
    expect(text).toMatchInlineSnapshot(`
      " all files (3)
         dimension       n  mean     95% CI         pass  floor  errors  change            calibration
         faithfulness  120  0.50  0.44-0.56  48/120  40%   0.70       0  -0.125 regressed  ρ 0.47
         relevance     120  0.50  0.44-0.56  48/120  40%   0.70       0  -0.125 unchanged  ρ 0.52
         tone          120  0.50  0.44-0.56  48/120  40%   0.70       0  -0.125 unchanged  -
         (cost, se, p10, min left out to fit 100 columns)"
    `)
  })

  test('a narrow terminal leaves out more columns and cuts the dimension and calibration text, never the verdict', () => {
    const text = long(80)
    expect(widest(text)).toBeLessThanOrEqual(80)
    expect(text).toMatchInlineSnapshot(`
      " all files (3)
         dimension       n  mean         pass  errors  change            calibration
         faithfulnes…  120  0.50  48/120  40%       0  -0.125 regressed  ρ 0.47, unca…
         relevance     120  0.50  48/120  40%       0  -0.125 unchanged  ρ 0.52
         tone          120  0.50  48/120  40%       0  -0.125 unchanged  -
         (cost, se, p10, min, 95% CI, floor left out to fit 80 columns)"
    `)
  })

  test('the width is the terminal’s when the output is a terminal, else 100', () => {
    expect(terminalWidth({ isTTY: true, columns: 80 })).toBe(80)
    expect(terminalWidth({ isTTY: false, columns: 80 })).toBe(100)
    expect(terminalWidth({ isTTY: true })).toBe(100)
    expect(terminalWidth(undefined)).toBe(100)
  })
})

describe('judge panels', () => {
  // Panel members a and b; b failed on the third output (the panel scored it from a alone, quorum 1), and on the
  // fourth the panel itself failed, so neither member's score there counts beside the panel's mean.
  const member = (name: string, score: number | null) => ({
    name,
    judgeId: `judge-${name}`,
    score,
    ...(score === null ? { error: 'timed out' } : {}),
  })
  const panelRecords = [
    record({ score: 0.75, callId: 'p1', members: [member('a', 1), member('b', 0.5)] }),
    record({ score: 0.5, callId: 'p2', members: [member('a', 0.75), member('b', 0.25)] }),
    record({ score: 0.5, callId: 'p3', members: [member('a', 0.5), member('b', null)] }),
    record({ score: null, callId: 'p4', members: [member('a', 0), member('b', null)] }),
    record({ dimension: 'relevance', score: 0.9, callId: 'p1' }),
  ]

  test("each member's mean beside the panel's, over the outputs the panel scored", () => {
    const summary = summarize(panelRecords)
    expect(summary.run[0]?.members).toEqual([
      { name: 'a', judgeId: 'judge-a', n: 3, mean: 0.75 },
      { name: 'b', judgeId: 'judge-b', n: 2, mean: 0.375 },
    ])
    expect(summary.run[1]?.members).toBeUndefined()
    expect(
      renderTable('run', summary.run, picocolors.createColors(false), { width: 200 }),
    ).toMatchInlineSnapshot(`
        " run
           dimension     n  mean    se     95% CI   p10   min      pass  floor  errors  members
           faithfulness  3  0.58  0.08  0.22-0.94  0.50  0.50  1/3  33%   0.70       1  a 0.75, b 0.38
           relevance     1  0.90     -          -  0.90  0.90  1/1 100%   0.70       0  -"
      `)
  })

  test('without a panel there is no members column', () => {
    expect(renderTable('run', summarize(records).run)).not.toContain('members')
  })

  test('in a narrow terminal the members keep their means, in member order, without their names', () => {
    const long = panelRecords.map((item) =>
      item.kind === 'judgment' && item.members
        ? {
            ...item,
            members: item.members.map((m) => ({ ...m, name: `${m.name}-judge-model-with-a-long-name` })),
          }
        : item,
    )
    const text = renderTable('run', summarize(long).run, picocolors.createColors(false), { width: 100 })
    expect(text).toContain('0.75/0.38')
    expect(text).not.toContain('long-name')
  })
})
