import { describe, expect, test } from 'vitest'
import { buildReport } from '../src/reporter/report-json.ts'
import { worstJudgments } from '../src/reporter/worst.ts'
import { locatedJudgment } from './support/records.ts'

describe('worstJudgments', () => {
  const scores = [0.9, 0.2, null, 0.5, 0.2, 0.1, 0.7, 0.5]
  const report = buildReport(
    [
      ...scores.map((score, index) => locatedJudgment({ score, callId: `c${index}`, test: `t${index}` })),
      locatedJudgment({ dimension: 'relevance', score: 0, callId: 'other' }),
    ],
    { vitestVersion: '4.1.12' },
  )
  const worst = (count: number) =>
    worstJudgments(report, 'faithfulness', count).map((judgment) => [judgment.score, judgment.test])

  test('the lowest scores of the dimension first, equal scores in report order, errors left out', () => {
    expect(worst(4)).toEqual([
      [0.1, 't5'],
      [0.2, 't1'],
      [0.2, 't4'],
      [0.5, 't3'],
    ])
  })

  test('as many as asked, or every scored judgment when there are fewer', () => {
    expect(worst(1)).toEqual([[0.1, 't5']])
    expect(worst(0)).toEqual([])
    expect(worst(20)).toHaveLength(7)
    expect(worst(20).at(-1)).toEqual([0.9, 't0'])
  })
})
