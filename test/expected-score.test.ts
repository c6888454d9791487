import { describe, expect, test } from 'vitest'
import {
  assertExpectedScale,
  expectedScore,
  scoreSpans,
  spelled,
  type TokenLogprob,
} from '../src/reliability/expected-score.ts'

const scale = { min: 1, max: 5 }
const tok = (token: string, top?: Record<string, number>): TokenLogprob => ({
  token,
  logprob: top?.[token] === undefined ? 0 : Math.log(top[token]),
  ...(top ? { top_logprobs: Object.entries(top).map(([t, p]) => ({ token: t, logprob: Math.log(p) })) } : {}),
})

describe('scoreSpans', () => {
  test('finds each dimension’s score after its "score" key, past strings that imitate it', () => {
    const text =
      '{"tone": {"reason": "it says \\"score\\": 1, {\\"tone\\"", "score":  4}, "faithfulness":{"reason":"x","score":2}}'
    const spans = scoreSpans(text, ['tone', 'faithfulness'])
    expect(text.slice(spans.get('tone')!.start, spans.get('tone')!.end)).toBe('4')
    expect(text.slice(spans.get('faithfulness')!.start, spans.get('faithfulness')!.end)).toBe('2')
  })

  test('ignores numbers under other keys and dimensions not asked for', () => {
    const spans = scoreSpans('{"a": {"score": 3, "n": [1, "x"]}, "b": {"score": 5}}', ['b'])
    expect([...spans.keys()]).toEqual(['b'])
  })
})

describe('expectedScore', () => {
  test('the expectation over the scale from a known distribution, renormalised over the scale', () => {
    // 0.5 on 4, 0.3 on 5, 0.1 on 3 and 0.1 on tokens that are no scale value.
    const tokens = [
      tok('{"t": {"reason": "ok", "score": '),
      tok('4', { '4': 0.5, '5': 0.3, '3': 0.1, x: 0.05, '7': 0.05 }),
      tok('}}'),
    ]
    const text = spelled(tokens)
    const span = scoreSpans(text, ['t']).get('t')!
    const scored = expectedScore(tokens, text, span, scale)!
    expect(scored.expected).toBeCloseTo((4 * 0.5 + 5 * 0.3 + 3 * 0.1) / 0.9)
    expect(scored.distribution['4']).toBeCloseTo(0.5 / 0.9)
    expect(scored.distribution['1']).toBe(0)
    expect(Object.values(scored.distribution).reduce((a, b) => a + b)).toBeCloseTo(1)
  })

  test('a score token that carries its whitespace or colon, split off from the key differently', () => {
    const tokens = [
      tok('{"t":{"reason":"ok","score"'),
      tok(':'),
      tok(' 2', { ' 2': 0.6, ' 1': 0.4, '2': 0.9 }),
      tok('}}'),
    ]
    const text = spelled(tokens)
    const scored = expectedScore(tokens, text, scoreSpans(text, ['t']).get('t')!, scale)!
    // '2' without the space is another token: not this position's alternative.
    expect(scored.expected).toBeCloseTo(2 * 0.6 + 1 * 0.4)
  })

  test('a number split over tokens is read from its first digit; no usable alternative gives undefined', () => {
    const tokens = [tok('{"t":{"reason":"ok","score":'), tok('3', { a: 0.9 }), tok('}}')]
    const text = spelled(tokens)
    expect(expectedScore(tokens, text, scoreSpans(text, ['t']).get('t')!, scale)).toBeUndefined()
  })

  test('without top alternatives, the sampled token alone', () => {
    const tokens = [tok('{"t":{"reason":"ok","score":'), tok('5'), tok('}}')]
    const text = spelled(tokens)
    expect(expectedScore(tokens, text, scoreSpans(text, ['t']).get('t')!, scale)?.expected).toBe(5)
  })
})

test('a scale wider than single digits is an error that says why', () => {
  expect(() => assertExpectedScale({ min: 1, max: 10 }, 'ten')).toThrow(
    `scoring: 'expected' reads each score from one token, but rubric "ten" scores from 1 to 10`,
  )
  expect(() => assertExpectedScale({ min: 0, max: 9 }, 'nine')).not.toThrow()
})
