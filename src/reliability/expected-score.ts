/**
 * Internal: probability-weighted scores (G-Eval). Pure: where each dimension's score sits in a verdict's text,
 * which sampled token holds it, and the expectation of the score over the scale from that token's top
 * log-probabilities, renormalised over the scale's values.
 */
import { RubricArgumentError } from '../errors.ts'
import type { RubricScale } from '../types.ts'

/** One sampled token with its log-probability and the most likely alternatives, as chat completions send them. */
export interface TokenLogprob {
  token: string
  logprob: number
  top_logprobs?: readonly { token: string; logprob: number }[] | null
}

/** A dimension's score as an expectation over the scale. */
export interface ExpectedScore {
  /** The expectation on the rubric's scale. */
  expected: number
  /** Probability of each scale value (as text), renormalised over the scale; they add up to 1. */
  distribution: Record<string, number>
}

/**
 * Checks that every value of the scale is a single digit: a tokeniser may split a wider number over several
 * tokens, and then no one token's alternatives are the scale's values.
 */
export function assertExpectedScale(scale: RubricScale, rubricName: string): void {
  if (scale.min < 0 || scale.max > 9) {
    throw new RubricArgumentError(
      `scoring: 'expected' reads each score from one token, but rubric "${rubricName}" scores from ${scale.min} to ` +
        `${scale.max}, values a tokeniser may split into several tokens. Use a scale within 0 to 9 (for example ` +
        "1 to 5), or scoring: 'sample'.",
    )
  }
}

/**
 * The character span of each dimension's score number in a verdict's JSON text: the number after the
 * `"score":` key inside the dimension's object. A small scanner that skips strings (with their escapes), so a
 * reason that quotes `"score": 5` is never mistaken for the score.
 */
export function scoreSpans(
  text: string,
  dimensions: readonly string[],
): Map<string, { start: number; end: number }> {
  const spans = new Map<string, { start: number; end: number }>()
  const wanted = new Set(dimensions)
  const path: (string | undefined)[] = []
  let key: string | undefined
  let expectKey = false
  let index = 0
  while (index < text.length) {
    const char = text[index]!
    if (char === '"') {
      let end = index + 1
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const value = text.slice(index + 1, end)
      if (expectKey) {
        key = safeParseString(value)
        expectKey = false
      }
      index = end + 1
      continue
    }
    if (char === '{' || char === '[') {
      path.push(char === '[' ? ARRAY : key)
      key = undefined
      expectKey = char === '{'
    } else if (char === '}' || char === ']') {
      path.pop()
      key = undefined
    } else if (char === ',') {
      key = undefined
      expectKey = path.length > 0 && path.at(-1) !== ARRAY
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index))
      const length = match?.[0].length ?? 1
      const dimension = path.at(-1)
      if (key === 'score' && path.length === 2 && dimension !== undefined && wanted.has(dimension)) {
        if (!spans.has(dimension)) spans.set(dimension, { start: index, end: index + length })
      }
      index += length
      continue
    }
    index += 1
  }
  return spans
}

/**
 * The expected score of the number at `span` of the text the tokens spell: the token holding the number's
 * first character, its alternatives read as the same token with another digit (the text around the digit, a
 * space or a colon, must match), and their probabilities renormalised over the scale's values. `undefined` when
 * the tokens do not spell the text, or no alternative is a scale value.
 */
export function expectedScore(
  tokens: readonly TokenLogprob[],
  text: string,
  span: { start: number; end: number },
  scale: RubricScale,
): ExpectedScore | undefined {
  let offset = 0
  let holder: TokenLogprob | undefined
  let at = 0
  for (const token of tokens) {
    if (span.start >= offset && span.start < offset + token.token.length) {
      holder = token
      at = span.start - offset
      break
    }
    offset += token.token.length
  }
  if (!holder || !text.startsWith(holder.token, offset)) return undefined
  const before = holder.token.slice(0, at)
  const after = holder.token.slice(at).replace(/^\d+/, '')
  const mass = new Map<number, number>()
  const alternatives = holder.top_logprobs?.length ? holder.top_logprobs : [holder]
  for (const alternative of alternatives) {
    const token = alternative.token
    if (!token.startsWith(before) || !token.endsWith(after)) continue
    const digits = token.slice(before.length, token.length - after.length)
    if (!/^\d$/.test(digits)) continue
    const value = Number(digits)
    if (value < scale.min || value > scale.max) continue
    mass.set(value, (mass.get(value) ?? 0) + Math.exp(alternative.logprob))
  }
  const total = [...mass.values()].reduce((sum, p) => sum + p, 0)
  if (total <= 0) return undefined
  const distribution: Record<string, number> = {}
  let expected = 0
  for (let value = scale.min; value <= scale.max; value++) {
    const p = (mass.get(value) ?? 0) / total
    distribution[String(value)] = p
    expected += value * p
  }
  return { expected, distribution }
}

/** Marks an array on the scanner's path: its commas separate values, not keys. */
const ARRAY = '\u0000['

/** The text the tokens spell. */
export function spelled(tokens: readonly TokenLogprob[]): string {
  return tokens.map((token) => token.token).join('')
}

function safeParseString(raw: string): string | undefined {
  try {
    return JSON.parse(`"${raw}"`) as string
  } catch {
    return undefined
  }
}
