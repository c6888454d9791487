import { describe, expect, test } from 'vitest'
import { groupFields, renderGroups, summarizeGroups } from '../src/reporter/group-by.ts'
import { type LocatedJudgment, locatedJudgment } from './support/records.ts'

function record(
  dimension: string,
  score: number | null,
  metadata?: LocatedJudgment['metadata'],
): LocatedJudgment {
  return locatedJudgment({
    file: 'qa.eval.ts',
    test: 'qa > row',
    project: 'evals',
    state: 'passed',
    callId: 'c1',
    assertion: 'describeEval',
    dimension,
    score,
    floor: 0.5,
    pass: score === null ? null : score >= 0.5,
    reason: 'because',
    judgeId: 'j1',
    judgeName: 'judge',
    rubricId: 'r1',
    latencyMs: 10,
    source: 'stored',
    retry: 0,
    output: 'answer',
    ...(score === null ? { error: { code: 'RUBRIC_JUDGE_HTTP', message: 'down' } } : {}),
    ...(metadata ? { metadata } : {}),
  })
}

const records = [
  record('faithfulness', 1, { segment: 'shipping', tier: 2 }),
  record('faithfulness', 0.25, { segment: 'billing', tier: 10 }),
  record('faithfulness', 0.75, { segment: 'billing', tier: 2 }),
  record('tone', 0.5, { segment: 'billing' }),
  record('faithfulness', null, { segment: 'shipping' }),
  record('faithfulness', 0.5),
  // A dimension whose records never carry the field: not a `(none)` group of its own.
  record('safety', 1),
  record('safety', 1, { tier: 1 }),
]

describe('groupBy', () => {
  test('aggregates every dimension per value of a metadata field, values in natural order, (none) last', () => {
    const grouped = summarizeGroups(records, 'segment')
    expect(grouped.matched).toBe(5)
    expect(grouped.ungrouped).toEqual(['safety'])
    expect(
      grouped.groups.map(({ value, dimensions }) => [
        value,
        dimensions.map((d) => `${d.dimension} n=${d.n} mean=${d.mean} errors=${d.errors}`),
      ]),
    ).toEqual([
      ['billing', ['faithfulness n=2 mean=0.5 errors=0', 'tone n=1 mean=0.5 errors=0']],
      ['shipping', ['faithfulness n=1 mean=1 errors=1']],
      ['(none)', ['faithfulness n=1 mean=0.5 errors=0']],
    ])
    const byTier = summarizeGroups(records, 'tier')
    expect(byTier.groups.map((group) => group.value)).toEqual(['1', '2', '10', '(none)'])
    expect(byTier.groups.at(-1)?.dimensions.map((d) => `${d.dimension} n=${d.n} errors=${d.errors}`)).toEqual(
      ['faithfulness n=1 errors=1', 'safety n=1 errors=0'],
    )
    expect(byTier.ungrouped).toEqual(['tone'])
  })

  test('no (none) group when only dimensions without the field lack it', () => {
    const grouped = summarizeGroups(
      [record('faithfulness', 1, { segment: 'billing' }), record('tone', 1)],
      'segment',
    )
    expect(grouped.groups.map((group) => group.value)).toEqual(['billing'])
    expect(grouped.ungrouped).toEqual(['tone'])
  })

  test('renders a table per group', () => {
    expect(renderGroups(summarizeGroups(records, 'segment'), { colors: false })).toMatchInlineSnapshot(`
      " segment: billing
         dimension     n  mean    se     95% CI   p10   min      pass  floor  errors
         faithfulness  2  0.50  0.25  0.00-1.00  0.30  0.25  1/2  50%   0.50       0
         tone          1  0.50     -          -  0.50  0.50  1/1 100%   0.50       0

       segment: shipping
         dimension     n  mean  se  95% CI   p10   min      pass  floor  errors
         faithfulness  1  1.00   -       -  1.00  1.00  1/1 100%   0.50       1

       segment: (none)
         dimension     n  mean  se  95% CI   p10   min      pass  floor  errors
         faithfulness  1  0.50   -       -  0.50  0.50  1/1 100%   0.50       0

       not grouped by segment (no record carries it): safety"
    `)
  })

  test('says so when no record carries the field', () => {
    expect(renderGroups(summarizeGroups(records, 'locale'), { colors: false })).toBe(
      ' groupBy "locale": no record carries this metadata field (rows of describeEval carry their dataset metadata)',
    )
  })

  test('the option takes one field or several', () => {
    expect(groupFields(undefined)).toEqual([])
    expect(groupFields('segment')).toEqual(['segment'])
    expect(groupFields(['segment', 'locale', 'segment', ''])).toEqual(['segment', 'locale'])
  })
})
