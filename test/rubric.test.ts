import { describe, expect, test } from 'vitest'
import { dimensions } from '../src/rubric/builtin.ts'
import { assertFloor, defaultRubric, defineRubric, normalizeScore } from '../src/rubric/define-rubric.ts'

const spec = () => ({
  name: 'support',
  dimensions: { relevance: dimensions.relevance, tone: { ...dimensions.tone, floor: 0.75 } },
})

describe('defineRubric', () => {
  test('gives equal content an equal id, whatever the key order', () => {
    const a = defineRubric(spec())
    const b = defineRubric({
      name: 'support',
      dimensions: { tone: { ...dimensions.tone, floor: 0.75 }, relevance: dimensions.relevance },
    })
    expect(a.id).toBe(b.id)
    expect(a.id).toMatch(/^[0-9a-f]{12}$/)
  })

  test('gives an edited rubric a new id', () => {
    const base = defineRubric(spec()).id
    const edits = [
      { ...spec(), name: 'support v2' },
      { ...spec(), scale: { min: 1, max: 10 } },
      { ...spec(), dimensions: { ...spec().dimensions, tone: { ...dimensions.tone, floor: 0.5 } } },
      {
        ...spec(),
        dimensions: {
          ...spec().dimensions,
          relevance: { ...dimensions.relevance, description: 'Answers it?' },
        },
      },
      {
        ...spec(),
        dimensions: {
          ...spec().dimensions,
          relevance: { ...dimensions.relevance, anchors: { 1: 'no', 5: 'yes' } },
        },
      },
    ]
    const ids = edits.map((edit) => defineRubric(edit).id)
    expect(new Set([base, ...ids]).size).toBe(edits.length + 1)
  })

  test('resolves names and the default floor', () => {
    const rubric = defineRubric({ name: 'r', dimensions: { clarity: { description: 'Is it clear?' } } })
    expect(rubric.dimensions.clarity).toEqual({ description: 'Is it clear?', name: 'clarity', floor: 0.5 })
    expect(rubric.scale).toEqual({ min: 1, max: 5 })
    expect(Object.isFrozen(rubric)).toBe(true)
  })

  test('rejects what cannot be judged, saying how to fix it', () => {
    expect(() => defineRubric({ name: '', dimensions: {} })).toThrow('defineRubric() needs a `name`')
    expect(() => defineRubric({ name: 'r', dimensions: {} })).toThrow('rubric "r" has no dimensions')
    expect(() => defineRubric({ name: 'r', dimensions: { a: { description: '' } } })).toThrow(
      'dimension "a" of rubric "r" needs a `description`',
    )
    expect(() => defineRubric({ name: 'r', dimensions: { a: { description: 'x', floor: 4 } } })).toThrow(
      'the floor of dimension "a" in rubric "r" is 4; a floor is a normalised score between 0 and 1',
    )
    expect(() =>
      defineRubric({ name: 'r', scale: { min: 5, max: 1 }, dimensions: { a: { description: 'x' } } }),
    ).toThrow('integer min < max')
    expect(() =>
      defineRubric({ name: 'r', dimensions: { a: { description: 'x', anchors: { 7: 'seven' } } } }),
    ).toThrow('has an anchor for 7, outside the scale 1 to 5')
  })

  test('a floor error shows what the scale normalises to, and the value a scale point likely meant', () => {
    expect(() => assertFloor(4, "toScoreAtLeast('tone', 4): the floor")).toThrow(
      "toScoreAtLeast('tone', 4): the floor is 4; a floor is a normalised score between 0 and 1 " +
        '(on a 1 to 5 scale 4 is 0.75 and 5 is 1). If you meant 4 on the 1 to 5 scale, write 0.75.',
    )
    expect(() => assertFloor(7, 'the floor', { min: 0, max: 10 })).toThrow(
      '(on a 0 to 10 scale 9 is 0.9 and 10 is 1). If you meant 7 on the 0 to 10 scale, write 0.7.',
    )
    // Not a point of the scale: no guess.
    expect(() => assertFloor(1.5, 'the floor')).toThrow(
      /between 0 and 1 \(on a 1 to 5 scale 4 is 0\.75 and 5 is 1\)\.$/,
    )
    expect(() => assertFloor(-1, 'the floor')).toThrow(/\)\.$/)
  })

  test('ships seven built-in dimensions with anchors for 1, 3 and 5', () => {
    expect(Object.keys(defaultRubric.dimensions)).toEqual([
      'coherence',
      'completeness',
      'conciseness',
      'faithfulness',
      'relevance',
      'safety',
      'tone',
    ])
    for (const dimension of Object.values(dimensions)) {
      expect(Object.keys(dimension.anchors ?? {})).toEqual(['1', '3', '5'])
      expect(dimension.description.length).toBeGreaterThan(60)
    }
  })
})

describe('normalizeScore', () => {
  test('maps the scale onto [0, 1] and clamps', () => {
    expect([1, 2, 3, 4, 5].map((raw) => normalizeScore(raw, { min: 1, max: 5 }))).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ])
    expect(normalizeScore(7, { min: 0, max: 10 })).toBe(0.7)
    expect(normalizeScore(9, { min: 1, max: 5 })).toBe(1)
    expect(normalizeScore(-1, { min: 1, max: 5 })).toBe(0)
  })
})
