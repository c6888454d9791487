import { describe, expect, test } from 'vitest'
import { diffValues, rubricMessage, scoreMessage } from '../src/matchers/format.ts'
import { optionToText, outputToText } from '../src/matchers/judged-text.ts'
import type { Judgment } from '../src/types.ts'

describe('the text a judge reads', () => {
  test('keeps strings and serialises JSON values', () => {
    expect(outputToText('plain', 'toScoreAtLeast')).toBe('plain')
    expect(outputToText({ answer: 'yes', refs: [1] }, 'toScoreAtLeast')).toBe(
      '{\n  "answer": "yes",\n  "refs": [\n    1\n  ]\n}',
    )
    expect(outputToText(42, 'toScoreAtLeast')).toBe('42')
    expect(outputToText(null, 'toScoreAtLeast')).toBe('null')
  })

  test('rejects what is neither text nor JSON, with the fix', () => {
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(() => outputToText(undefined, 'toScoreAtLeast')).toThrow(
      "toScoreAtLeast() received undefined, which is neither text nor a JSON-serialisable value. Pass the model's output",
    )
    expect(() => outputToText(() => 1, 'toSatisfyRubric')).toThrow('toSatisfyRubric() received a function')
    expect(() => outputToText(cycle, 'toScoreAtLeast')).toThrow('cannot be serialised to JSON')
    expect(() => outputToText(10n, 'toScoreAtLeast')).toThrow('received a bigint')
  })

  test('joins passages of context with blank lines', () => {
    expect(optionToText(['First.', 'Second.'], 'context', 'toSatisfyRubric')).toBe('First.\n\nSecond.')
    expect(optionToText(undefined, 'context', 'toSatisfyRubric')).toBeUndefined()
    expect(optionToText({ policy: 'x' }, 'context', 'toSatisfyRubric')).toBe('{\n  "policy": "x"\n}')
  })
})

const judgment: Judgment = {
  judgeId: 'j',
  judgeName: 'gpt-4.1-mini',
  rubricId: 'r',
  scores: {
    relevance: { score: 0.25, raw: 2, reason: 'talks about shipping' },
    tone: { score: 1, raw: 5, reason: 'polite' },
  },
  latencyMs: 5,
  source: 'live',
}

describe('failure messages', () => {
  test('name the dimension, score, floor, reason and judge', () => {
    expect(scoreMessage('relevance', 0.8, judgment.scores.relevance!, judgment, false)).toBe(
      "expected relevance at least 0.80, but gpt-4.1-mini scored it 0.25 (2 on the rubric's scale)\nreason: talks about shipping",
    )
    expect(scoreMessage('tone', 0.5, judgment.scores.tone!, judgment, true)).toContain(
      'expected tone below 0.50',
    )
  })

  test('list every dimension of a rubric, the failing ones first', () => {
    expect(rubricMessage('support', { relevance: 0.5, tone: 0.75 }, judgment, false)).toBe(
      'expected the output to satisfy rubric "support", but 1 of 2 dimensions are below their floor (judge: gpt-4.1-mini)\n' +
        '  ✗ relevance  0.25 < 0.50  talks about shipping\n' +
        '  ✓ tone       1.00 ≥ 0.75',
    )
  })

  test('diff only the dimensions that missed their floor', () => {
    expect(diffValues({ relevance: 0.5, tone: 0.75 }, judgment, false)).toEqual({
      actual: { relevance: 0.25, tone: 1 },
      expected: { relevance: '>= 0.50', tone: 1 },
    })
    expect(diffValues({ relevance: 0.5, tone: 0.75 }, judgment, true)).toEqual({
      actual: { relevance: 0.25, tone: 1 },
      expected: { relevance: 0.25, tone: '< 0.75' },
    })
  })
})
