import { describe, expect, test } from 'vitest'
import { contentTerms, hasTerm, indexTerms, splitSentences, terms } from '../src/judge/heuristic/text.ts'
import { normalizeNumber, stem } from '../src/judge/heuristic/words.ts'

describe('splitSentences', () => {
  test('splits at sentence ends and line breaks', () => {
    expect(splitSentences('Refunds take 5 days. Is that fast? Yes!\nThanks')).toEqual([
      'Refunds take 5 days.',
      'Is that fast?',
      'Yes!',
      'Thanks',
    ])
  })

  test('keeps abbreviations, initials and decimals inside their sentence', () => {
    expect(splitSentences('Mr. Smith paid $3.50 to J. Doe in the U.S. yesterday. Then he left.')).toEqual([
      'Mr. Smith paid $3.50 to J. Doe in the U.S. yesterday.',
      'Then he left.',
    ])
    expect(splitSentences('dog one got it right in 98 . 7 per cent of cases . it was trained .')).toEqual([
      'dog one got it right in 98 . 7 per cent of cases .',
      'it was trained .',
    ])
  })
})

describe('terms', () => {
  test('normalises numbers however they are written', () => {
    const numbers = (text: string) =>
      terms(text)
        .filter((term) => term.number)
        .map((term) => term.word)
    expect(numbers('more than 235 , 000 views and 50,000 likes')).toEqual(['235000', '50000'])
    expect(numbers('£1.1m, 1.1 million or 1,100,000')).toEqual(['1100000', '1100000', '1100000'])
    expect(numbers('the 150th anniversary, three men, a third time, at 21:45')).toEqual([
      '150',
      '3',
      '3',
      '21:45',
    ])
    expect(numbers('a g4s van and one man')).toEqual([])
  })

  test('marks stopwords, light words and names', () => {
    const [sure, refund, goes, paris] = contentTerms("I'm sure the refund goes to Paris")
    expect(contentTerms("I'm sorry, I can't")).toHaveLength(1)
    expect(sure).toMatchObject({ word: 'sure', light: true })
    expect(refund).toMatchObject({ word: 'refund', light: false, name: false })
    expect(goes).toMatchObject({ word: 'goes', light: true })
    expect(paris).toMatchObject({ word: 'paris', name: true })
  })
})

describe('stem', () => {
  test('brings inflections of a word together', () => {
    expect(new Set(['refund', 'refunds', 'refunded', 'refunding'].map(stem)).size).toBe(1)
    expect(stem('policies')).toBe(stem('policy'))
    expect(stem('robbed')).toBe(stem('robbing'))
    expect(stem('goes')).toBe(stem('go'))
  })

  test('keeps different words apart', () => {
    expect(stem('news')).not.toBe(stem('new'))
    expect(stem('paris')).toBe('paris')
  })
})

describe('indexTerms / hasTerm', () => {
  test('finds a word by stem or long prefix, and numbers only by value', () => {
    const index = indexTerms('He was nominated for 3 awards in 2015.')
    const find = (text: string) => contentTerms(text).map((term) => hasTerm(index, term))
    expect(find('nomination award 2015')).toEqual([true, true, true])
    expect(find('2016 three')).toEqual([false, true])
  })
})

test('normalizeNumber', () => {
  expect(normalizeNumber('3.50')).toBe('3.5')
  expect(normalizeNumber('53million')).toBe('53000000')
  expect(normalizeNumber('1960s')).toBe('1960')
  expect(normalizeNumber('20%')).toBe('20')
})
