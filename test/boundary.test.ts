import { describe, expect, test } from 'vitest'
import { resolveSlice, selectBoundaryRows } from '../src/eval/boundary.ts'

const rows = [
  'far-above',
  'far-below',
  'on-floor',
  'just-inside',
  'just-outside',
  'new',
  'half',
  'pinned',
].map((id) => ({ id }))
const dimensions = [
  { name: 'faithfulness', floor: 0.8 },
  { name: 'tone', floor: 0.5 },
]
const stored = {
  'far-above': { faithfulness: 1, tone: 1 },
  'far-below': { faithfulness: 0.25, tone: 0 },
  'on-floor': { faithfulness: 0.8, tone: 1 },
  'just-inside': { faithfulness: 0.9, tone: 1 },
  'just-outside': { faithfulness: 0.91, tone: 1 },
  half: { faithfulness: 1 },
  pinned: { faithfulness: 1, tone: 1 },
}

describe('selectBoundaryRows', () => {
  test('keeps rows within the margin of a current floor, rows never scored on a dimension, and always rows', () => {
    const selected = selectBoundaryRows(rows, {
      stored,
      dimensions,
      always: (row) => row.id === 'pinned',
    })
    expect(Object.fromEntries(selected)).toEqual({
      'on-floor': 'near-floor',
      'just-inside': 'near-floor',
      new: 'unscored',
      half: 'unscored', // never scored on tone
      pinned: 'always',
    })
  })

  // 0.75 - 0.65 is 0.10000000000000009 in binary: still within a margin of 0.1.
  test('the margin is inclusive and tolerates binary fractions', () => {
    const tight = [{ id: 'a' }, { id: 'b' }]
    const scores = { a: { tone: 0.75 }, b: { tone: 0.85 } }
    const at = (margin: number) => [
      ...selectBoundaryRows(tight, {
        stored: scores,
        dimensions: [{ name: 'tone', floor: 0.65 }],
        margin,
      }).keys(),
    ]
    expect(at(0.1)).toEqual(['a'])
    expect(at(0.2)).toEqual(['a', 'b'])
    expect(at(0)).toEqual([])
  })

  test('uses the floors of today: raising a floor brings the rows near it in', () => {
    const raised = selectBoundaryRows(rows, { stored, dimensions: [{ name: 'faithfulness', floor: 1 }] })
    expect([...raised.keys()]).toEqual(['far-above', 'just-inside', 'just-outside', 'new', 'half', 'pinned'])
  })

  test('without stored scores every row is unscored; with no dimension change every scored row is settled', () => {
    expect([...selectBoundaryRows(rows, { stored: undefined, dimensions }).values()]).toEqual(
      Array(rows.length).fill('unscored'),
    )
    expect(selectBoundaryRows([{ id: 'far-above' }], { stored, dimensions, margin: 0.05 }).size).toBe(0)
  })

  test('a margin outside [0, 1] fails with the fix', () => {
    expect(() => selectBoundaryRows(rows, { stored, dimensions, margin: 2 })).toThrow(
      'describeEval `boundaryMargin` is 2; it is a distance on the 0 to 1 score scale, for example 0.1 to run the ' +
        'rows scored within 0.1 of a floor.',
    )
  })
})

describe('resolveSlice', () => {
  test('VITEST_RUBRIC_SLICE wins over the option; the default is every row', () => {
    expect(resolveSlice(undefined, {})).toBe('all')
    expect(resolveSlice('boundary', {})).toBe('boundary')
    expect(resolveSlice('boundary', { VITEST_RUBRIC_SLICE: 'all' })).toBe('all')
    expect(resolveSlice(undefined, { VITEST_RUBRIC_SLICE: ' boundary ' })).toBe('boundary')
    expect(resolveSlice('all', { VITEST_RUBRIC_SLICE: '' })).toBe('all')
  })

  test('an unknown slice fails naming where it was set', () => {
    expect(() => resolveSlice(undefined, { VITEST_RUBRIC_SLICE: 'edge' })).toThrow(
      'VITEST_RUBRIC_SLICE is "edge"; use "boundary" to run only the rows near a floor or never scored, or "all".',
    )
    expect(() => resolveSlice('some' as never, {})).toThrow('describeEval `slice` is "some"')
  })
})
