import { describe, expect, test } from 'vitest'
import { cosineSimilarity } from '../src/scorers/cosine.ts'
import { scorers } from '../src/scorers/index.ts'
import { jaccard } from '../src/scorers/jaccard.ts'
import { levenshtein, levenshteinDistance } from '../src/scorers/levenshtein.ts'

describe('levenshteinDistance', () => {
  test.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['intention', 'execution', 5],
    ['gumbo', 'gambol', 2],
    ['same', 'same', 0],
    ['ab', 'ba', 2],
    ['café', 'cafe', 1],
    ['👍 ok', '👎 ok', 1],
    ['a😀b', 'ab', 1],
  ])('%j -> %j is %i', (a, b, distance) => {
    expect(levenshteinDistance(a, b)).toBe(distance)
    expect(levenshteinDistance(b, a)).toBe(distance)
  })
})

describe('levenshtein similarity', () => {
  test('is 1 - distance / longer length, in code points', () => {
    expect(levenshtein('kitten', 'sitting')).toBeCloseTo(1 - 3 / 7, 15)
    expect(levenshtein('a😀b', 'ab')).toBeCloseTo(1 - 1 / 3, 15)
  })

  test('equal strings score 1, two empty strings too', () => {
    expect(levenshtein('same', 'same')).toBe(1)
    expect(levenshtein('', '')).toBe(1)
  })

  test('completely different strings of equal length score 0', () => {
    expect(levenshtein('abc', 'xyz')).toBe(0)
    expect(levenshtein('', 'xyz')).toBe(0)
  })

  test('is case- and whitespace-sensitive unless asked', () => {
    expect(levenshtein('Hello  World', 'hello world')).toBeLessThan(1)
    expect(levenshtein('Hello  World', 'hello world', { ignoreCase: true })).toBeLessThan(1)
    expect(
      levenshtein(' Hello \n World', 'hello world', { ignoreCase: true, collapseWhitespace: true }),
    ).toBe(1)
  })
})

describe('jaccard', () => {
  test('is shared distinct tokens over all distinct tokens', () => {
    // {the, cat, sat} vs {the, dog, sat, down}: 2 shared of 5
    expect(jaccard('The cat sat.', 'the dog sat down')).toBeCloseTo(2 / 5, 15)
  })

  test('counts each token once', () => {
    expect(jaccard('a a a b', 'a b b b')).toBe(1)
  })

  test('is symmetric', () => {
    expect(jaccard('one two three', 'two three four five')).toBe(
      jaccard('two three four five', 'one two three'),
    )
  })

  test('stems when asked', () => {
    expect(jaccard('running dogs', 'run dog')).toBe(0)
    expect(jaccard('running dogs', 'run dog', { stem: true })).toBe(1)
  })

  test('texts without tokens: both empty score 1, one empty scores 0', () => {
    expect(jaccard('', '...')).toBe(1)
    expect(jaccard('', 'word')).toBe(0)
  })
})

describe('scorers', () => {
  test('bundles the plain functions', () => {
    expect(Object.keys(scorers).sort()).toEqual(
      [
        'cosineSimilarity',
        'findPII',
        'isRefusal',
        'jaccard',
        'levenshtein',
        'rouge1',
        'rouge2',
        'rougeL',
      ].sort(),
    )
    expect(scorers.rougeL('the cat sat', 'the cat sat')).toBe(1)
    expect(scorers.findPII('mail a@b.io')[0]?.kind).toBe('email')
    expect(scorers.isRefusal("I can't help with that").refused).toBe(true)
  })

  test('similarity scores stay in [0, 1]', () => {
    const texts = ['', 'a', 'The quick brown fox.', 'the the the', 'Ünïcödé 123', 'fox quick the brown']
    for (const a of texts) {
      for (const b of texts) {
        for (const score of [
          scorers.rouge1(a, b),
          scorers.rouge2(a, b),
          scorers.rougeL(a, b),
          scorers.levenshtein(a, b),
          scorers.jaccard(a, b),
        ]) {
          expect(score).toBeGreaterThanOrEqual(0)
          expect(score).toBeLessThanOrEqual(1)
        }
      }
    }
  })
})

describe('cosineSimilarity', () => {
  test('is the dot product over the product of the lengths, in [-1, 1]', () => {
    expect(cosineSimilarity([1, 2, 3], [1, 2, 3])).toBe(1)
    expect(cosineSimilarity([1, 0], [0, 3])).toBe(0)
    expect(cosineSimilarity([1, 1], [-1, -1])).toBe(-1)
    expect(cosineSimilarity([3, 4], [4, 3])).toBeCloseTo(24 / 25, 15)
    expect(cosineSimilarity(new Float32Array([0.5, 0.5]), [1, 1])).toBe(1)
  })

  test('a zero vector is similar to nothing; vectors of two sizes are refused', () => {
    expect(cosineSimilarity([0, 0], [1, 2])).toBe(0)
    expect(() => cosineSimilarity([1, 2], [1, 2, 3])).toThrow(
      'cosine similarity needs vectors of one size, got 2 and 3',
    )
  })
})
