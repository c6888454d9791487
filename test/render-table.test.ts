import picocolors from 'picocolors'
import { describe, expect, test } from 'vitest'
import { summarize } from '../src/reporter/aggregate.ts'
import type { LocatedRecord } from '../src/reporter/collect.ts'
import { renderSummary, renderTable } from '../src/reporter/render-table.ts'
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
         dimension     n  mean   p10   min      pass  floor  errors
         faithfulness  4  0.82  0.66  0.60  3/4  75%   0.70       0
         relevance     4  0.86  0.77  0.75  4/4 100%   0.50       0

       evals/tone.eval.ts
         dimension  n  mean   p10   min      pass      floor  errors
         tone       2  0.60  0.44  0.40  1/2  50%  0.60-0.80       1

       all files (2)
         dimension     n  mean   p10   min      pass      floor  errors
         faithfulness  4  0.82  0.66  0.60  3/4  75%       0.70       0
         relevance     4  0.86  0.77  0.75  4/4 100%       0.50       0
         tone          2  0.60  0.44  0.40  1/2  50%  0.60-0.80       1"
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
