import { describe, expect, test } from 'vitest'
import vocabularyFixture from '../fixtures/scorers/porter-vocabulary.json' with { type: 'json' }
import pairsFixture from '../fixtures/scorers/rouge-pairs.json' with { type: 'json' }
import { porterStem } from '../src/scorers/porter-stemmer.ts'
import {
  lcsLength,
  type RougeScore,
  rouge1,
  rouge2,
  rougeL,
  rougeLScore,
  rougeNScore,
} from '../src/scorers/rouge.ts'
import { tokenize } from '../src/scorers/tokenize.ts'

// Expected values come from scripts/rouge_reference.py (exact fractions, NLTK's PorterStemmer); see
// fixtures/scorers/README.md.
const TOLERANCE = 1e-12

function expectScore(actual: RougeScore, expected: RougeScore) {
  expect(Math.abs(actual.precision - expected.precision)).toBeLessThanOrEqual(TOLERANCE)
  expect(Math.abs(actual.recall - expected.recall)).toBeLessThanOrEqual(TOLERANCE)
  expect(Math.abs(actual.fMeasure - expected.fMeasure)).toBeLessThanOrEqual(TOLERANCE)
}

describe('ROUGE against the reference fixture', () => {
  test('the fixture holds at least 20 pairs', () => {
    expect(pairsFixture.pairs.length).toBeGreaterThanOrEqual(20)
  })

  for (const pair of pairsFixture.pairs) {
    for (const mode of ['plain', 'stemmed'] as const) {
      test(`${pair.id} (${mode}): ${pair.note}`, () => {
        const expected = pair[mode]
        const options = { stem: mode === 'stemmed' }
        expect(tokenize(pair.candidate, options).join(' ')).toBe(expected.candidateTokens)
        expect(tokenize(pair.reference, options).join(' ')).toBe(expected.referenceTokens)
        expectScore(rougeNScore(pair.candidate, pair.reference, 1, options), expected.rouge1)
        expectScore(rougeNScore(pair.candidate, pair.reference, 2, options), expected.rouge2)
        expectScore(rougeLScore(pair.candidate, pair.reference, options), expected.rougeL)
        expect(
          Math.abs(rouge1(pair.candidate, pair.reference, options) - expected.rouge1.fMeasure),
        ).toBeLessThan(TOLERANCE)
        expect(
          Math.abs(rouge2(pair.candidate, pair.reference, options) - expected.rouge2.fMeasure),
        ).toBeLessThan(TOLERANCE)
        expect(
          Math.abs(rougeL(pair.candidate, pair.reference, options) - expected.rougeL.fMeasure),
        ).toBeLessThan(TOLERANCE)
      })
    }
  }
})

describe('Porter stemmer', () => {
  test(`matches NLTK's PorterStemmer on ${vocabularyFixture.words.length} words`, () => {
    const mismatches = vocabularyFixture.words
      .filter(([word, stem]) => porterStem(word!) !== stem)
      .map(([word, stem]) => `${word}: expected ${stem}, got ${porterStem(word!)}`)
    expect(mismatches).toEqual([])
  })

  test('leaves words of one or two letters alone', () => {
    expect(porterStem('is')).toBe('is')
    expect(porterStem('as')).toBe('as')
  })

  test('looks irregular forms up safely (no prototype keys)', () => {
    expect(porterStem('constructor')).toBe('constructor')
    expect(porterStem('__proto__')).toBe('__proto__')
  })
})

describe('tokenize', () => {
  test('lower-cases and splits on everything but a-z and 0-9', () => {
    expect(tokenize("It's 3.14, isn't it? ÜBER-cool_stuff")).toEqual([
      'it',
      's',
      '3',
      '14',
      'isn',
      't',
      'it',
      'ber',
      'cool',
      'stuff',
    ])
  })

  test('stems only tokens longer than three characters', () => {
    expect(tokenize('was runs running generalizations', { stem: true })).toEqual([
      'was',
      'run',
      'run',
      'gener',
    ])
  })

  test('gives no tokens for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([])
    expect(tokenize(' ... !? ')).toEqual([])
  })
})

describe('ROUGE details', () => {
  test('takes the candidate first: precision is over the candidate', () => {
    const score = rougeNScore('alpha', 'alpha beta gamma delta', 1)
    expect(score.precision).toBe(1)
    expect(score.recall).toBe(0.25)
  })

  test('a custom tokenizer replaces the built-in one', () => {
    const byCharacter = (text: string) => Array.from(text)
    expect(rouge1('日本語', '日本', { tokenize: byCharacter })).toBeCloseTo(0.8, 12)
    expect(rouge1('日本語', '日本')).toBe(0)
  })

  test('rejects an n that is not a positive integer', () => {
    expect(() => rougeNScore('a', 'a', 0)).toThrow(RangeError)
    expect(() => rougeNScore('a', 'a', 1.5)).toThrow(RangeError)
  })

  test('LCS length is symmetric and handles empty sequences', () => {
    const a = 'a b c b d a b'.split(' ')
    const b = 'b d c a b a'.split(' ')
    expect(lcsLength(a, b)).toBe(4)
    expect(lcsLength(b, a)).toBe(4)
    expect(lcsLength([], b)).toBe(0)
  })

  test('handles long texts', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`).join(' ')
    expect(rougeL(words, words)).toBe(1)
  })
})
