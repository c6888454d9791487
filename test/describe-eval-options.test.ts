import { describe, expect, test } from 'vitest'
import { describeEval } from '../src/eval/describe-eval.ts'
import { rowMetadata, rowTestNames, toSuiteRows } from '../src/eval/suite-rows.ts'
import { defineRubric, dimensions } from '../src/index.ts'
import { rubricFloors } from '../src/matchers/score-matchers.ts'

const rubric = defineRubric({
  name: 'support',
  dimensions: { faithfulness: dimensions.faithfulness, tone: { ...dimensions.tone, floor: 0.75 } },
})
const data = [{ input: 'How long do refunds take?' }]

// Options are checked when the suite is defined, before Vitest collects it: a mistake fails the file at once.
describe('describeEval options', () => {
  test.each([
    [{ data }, "describeEval('qa') has nothing to judge the rows with: pass a `rubric`"],
    [{ data: undefined }, "describeEval('qa') needs `data`: a dataset"],
    [
      { data, rubric, dimensions: ['tone', 'humour'] },
      'unknown dimension "humour" in rubric "support". Known dimensions: faithfulness, tone.',
    ],
    [
      { data, rubric, trials: 0 },
      "describeEval('qa'): `trials` is 0; it must be a whole number of at least 1",
    ],
    [{ data, rubric, aggregate: 'max' }, 'describeEval(\'qa\'): `aggregate` is "max"; use one of'],
    [
      { data, rubric, floors: { tone: 1.5 } },
      'describeEval(): the floor of tone is 1.5; a floor is a normalised score between 0 and 1',
    ],
    [
      { data, floors: { tone: 0.5 }, scorers: [{ name: 'length', score: (): number => 1 }] },
      '`floors` names tone, which no scorer of the suite is called',
    ],
    [
      { data, rubric, scorers: [{ name: 'tone', score: (): number => 1 }] },
      'the dimension "tone" is named twice',
    ],
    [{ data, scorers: [{ name: 'length' }] }, 'scorer "length" has no `score` function'],
    [
      { data, scorers: [{ name: 'length', score: (): number => 1, floor: -1 }] },
      'the floor of scorer "length" is -1',
    ],
    [{ data, rubric, task: 'answer' }, "describeEval('qa'): `task` must be a function."],
    [{ data, rubric, boundaryMargin: 5 }, 'describeEval `boundaryMargin` is 5'],
    [{ data, rubric, slice: 'edges' }, 'describeEval `slice` is "edges"'],
  ])('%o fails: %s', (options, message) => {
    expect(() => describeEval('qa', options as never)).toThrow(message)
  })

  test('a suite needs a name', () => {
    expect(() => describeEval('', { data, rubric })).toThrow('describeEval() needs a suite name first')
  })
})

describe('suite rows', () => {
  test('array items become rows: own ids kept, others get a content id; a repeat fails with both places', () => {
    const { rows, dataset, datasetHash } = toSuiteRows(
      [{ id: 7, input: 'a' }, { input: 'b' }, { input: 'b', context: 'x' }],
      'qa',
    )
    expect(rows.map((row) => row.id)).toEqual([
      '7',
      expect.stringMatching(/^[0-9a-f]{12}$/),
      expect.any(String),
    ])
    expect(rows[1]!.id).not.toBe(rows[2]!.id)
    expect(rows[1]!.source).toEqual({ file: "describeEval('qa') data", index: 1 })
    expect(dataset).toBe('qa')
    expect(datasetHash).toBe(
      toSuiteRows([{ input: 'b' }, { input: 'b', context: 'x' }, { input: 'a', id: 7 }], 'qa').datasetHash,
    )
    expect(() => toSuiteRows([{ input: 'b' }, { input: 'b' }], 'qa')).toThrow(
      `describeEval('qa') data[1] repeats the row at describeEval('qa') data[0]`,
    )
    expect(() => toSuiteRows([], 'qa')).toThrow("describeEval('qa'): `data` has no rows.")
    expect(() => toSuiteRows('rows.jsonl' as never, 'qa')).toThrow('`data` is string. Pass a dataset')
  })

  test('a dataset is taken as it is, with its name and hash', () => {
    const rows = [{ id: 'r1', data: { input: 'a' }, source: { file: 'qa.jsonl', line: 1 } }]
    expect(toSuiteRows({ name: 'golden', rows, hash: 'h1', files: ['qa.jsonl'] }, 'qa')).toEqual({
      rows,
      dataset: 'golden',
      datasetHash: 'h1',
    })
  })

  test('tests are named by own id, else by the input shortened; repeated names get the id', () => {
    const { rows } = toSuiteRows(
      [
        { id: 'refund-window', input: 'How long?' },
        { input: `  A very   long question that goes on ${'and on '.repeat(10)}` },
        { input: 'Same?', context: 'one' },
        { input: 'Same?', context: 'two' },
      ],
      'qa',
    )
    const names = rowTestNames(rows)
    expect(names[0]).toBe('refund-window')
    expect(names[1]).toBe('A very long question that goes on and on and on and on and…')
    expect(names[1]!.length).toBeLessThanOrEqual(60)
    expect(names[2]).toBe(`Same? (${rows[2]!.id})`)
    expect(names[3]).toBe(`Same? (${rows[3]!.id})`)
    expect(rowTestNames(rows, (row) => row.input.slice(0, 3))).toEqual([
      'How',
      '  A',
      `Sam (${rows[2]!.id})`,
      `Sam (${rows[3]!.id})`,
    ])
    expect(() => rowTestNames(rows, () => '')).toThrow(
      'describeEval testName() returned "" for row refund-window',
    )
  })

  test('metadata keeps text, numbers and booleans; other values as JSON', () => {
    expect(
      rowMetadata({ segment: 'billing', tier: 2, vip: false, tags: ['a'], none: null, nan: Number.NaN }),
    ).toEqual({
      segment: 'billing',
      tier: 2,
      vip: false,
      tags: '["a"]',
      nan: 'NaN',
    })
    expect(rowMetadata(undefined)).toBeUndefined()
    expect(rowMetadata({})).toBeUndefined()
  })
})

describe('toSatisfyRubric dimensions and floors', () => {
  test('judge a subset of the rubric, with floors replaced by name', () => {
    expect(rubricFloors(rubric, {}, 'toSatisfyRubric')).toEqual({
      dimensions: ['faithfulness', 'tone'],
      floors: { faithfulness: rubric.dimensions.faithfulness!.floor, tone: 0.75 },
    })
    expect(rubricFloors(rubric, { dimensions: ['tone'], floors: { tone: 0.9 } }, 'toSatisfyRubric')).toEqual({
      dimensions: ['tone'],
      floors: { tone: 0.9 },
    })
    expect(() => rubricFloors(rubric, { dimensions: [] }, 'toSatisfyRubric')).toThrow(
      'toSatisfyRubric(): `dimensions` is empty; list at least one of faithfulness, tone, or leave it out to judge all.',
    )
    expect(() => rubricFloors(rubric, { floors: { humour: 0.5 } }, 'toSatisfyRubric')).toThrow(
      'unknown dimension "humour" in rubric "support"',
    )
  })
})
