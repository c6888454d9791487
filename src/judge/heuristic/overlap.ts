import { count, listSome, quote } from './format.ts'
import { clamp01, type MethodInput, type MethodResult } from './method.ts'
import { findNonAnswer, NON_ANSWER_LABEL } from './refusal.ts'
import {
  contentTerms,
  hasTerm,
  indexTerms,
  splitSentences,
  type Term,
  type TermIndex,
  termWeight,
  uniqueTerms,
} from './text.ts'

/**
 * Relevance, from word overlap: does the output take up the question's key terms, give the kind of answer the
 * question asks for, and keep to it sentence by sentence. The helpers serve completeness too.
 */

// Words that shape a question without saying what it is about.
const QUESTION_WORDS = new Set(
  (
    'what how why when where who which whose tell explain describe give show list please help want need know ' +
    'can could would should does answer question thing things way kind sort anything something mean means ' +
    'hi hello hey thank thanks'
  ).split(' '),
)

/** The key terms of a question: its content words without question words, one per stem. */
export function keyTerms(question: string): Term[] {
  // "How long", "how many": the quantity word asks for the answer's kind, not for a topic.
  const asked = question.replace(/\bhow (?:long|many|much|often|far|old|big|large|tall|soon)\b/gi, 'how')
  return uniqueTerms(contentTerms(asked).filter((term) => !QUESTION_WORDS.has(term.word) && !term.light))
}

export type Expected = 'number' | 'time' | 'yes-no'

export function expectedAnswer(question: string): Expected | undefined {
  const q = question.toLowerCase()
  if (
    /\bhow (?:many|much|long|old|far|often|big|large|tall)\b|\bwhat (?:percentage|price|amount|number)\b/.test(
      q,
    )
  ) {
    return 'number'
  }
  if (/\bwhen\b|\bwhat (?:year|time|date|day)\b/.test(q)) return 'time'
  if (/^\s*(?:is|are|can|could|do|does|did|will|would|should|has|have|was|were|may)\b[^?]*\?\s*$/.test(q)) {
    return 'yes-no'
  }
  return undefined
}

const TIME_WORDS =
  /\b(?:today|tomorrow|yesterday|tonight|now|soon|later|ago|before|after|until|within|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|morning|evening|week|month|year|day|hour)s?\b/i

function satisfies(output: string, index: TermIndex, expected: Expected): boolean {
  if (expected === 'number') return index.numbers.size > 0
  if (expected === 'time') return index.numbers.size > 0 || TIME_WORDS.test(output)
  return /^\s*(?:yes|no|yeah|nope|correct|not|absolutely|certainly|sure|of course|unfortunately)\b/i.test(
    output,
  )
}

/**
 * Whether the output gives the kind of answer the question asks for, or `undefined` when it asks for none. A
 * yes-no question is often answered without a yes ("Sale items cannot be returned."), so only a yes or no
 * counts there, never its absence.
 */
export function givesAskedKind(
  output: string,
  index: TermIndex,
  expected: Expected | undefined,
): boolean | undefined {
  if (expected === undefined) return undefined
  if (satisfies(output, index, expected)) return true
  return expected === 'yes-no' ? undefined : false
}

/** Weighted share of `terms` found in `index`, with the terms not found. */
export function recall(terms: readonly Term[], index: TermIndex): { share: number; missing: Term[] } {
  let total = 0
  let found = 0
  const missing: Term[] = []
  for (const term of terms) {
    total += termWeight(term)
    if (hasTerm(index, term)) found += termWeight(term)
    else missing.push(term)
  }
  return { share: total === 0 ? 1 : found / total, missing }
}

export const EXPECTED_LABEL: Record<Expected, string> = {
  number: 'a number',
  time: 'a time or date',
  'yes-no': 'a yes or no',
}

/**
 * What the output answers: the last line of an input of several lines when it has key terms of its own (the
 * last turn of a dialogue, the question after pasted material), else the whole input. On Topical-Chat, scoring
 * replies against the last turn rather than the whole dialogue raised agreement with people (0.21 to 0.25).
 */
export function answeredPart(input: string): string {
  const lines = input
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  const last = lines.at(-1)
  if (lines.length < 2 || last === undefined || keyTerms(last).length < MIN_LAST_LINE_KEYS) return input
  return last
}

const MIN_LAST_LINE_KEYS = 2

export function scoreRelevance({ output, input: fullInput }: MethodInput): MethodResult {
  if (fullInput === undefined || fullInput.trim() === '') {
    return {
      missing: 'input',
      reason: 'relevance needs `input`: pass { input } (the question) to the matcher',
    }
  }
  if (output.trim() === '') return { score: 0, reason: 'the output is empty.' }
  const input = answeredPart(fullInput)
  const nonAnswer = findNonAnswer(output)
  const keys = keyTerms(input)
  const index = indexTerms(output)
  const { share, missing } = recall(keys, index)
  const expected = expectedAnswer(input)
  const typeOk = givesAskedKind(output, index, expected)
  const keySet = indexTerms(keys.map((term) => term.word).join(' '))
  const sentences = splitSentences(output)
  const offTopic = sentences.filter(
    (sentence) =>
      !contentTerms(sentence).some((term) => hasTerm(keySet, term)) &&
      !(expected && satisfies(sentence, indexTerms(sentence), expected)),
  )
  const focus = sentences.length === 0 ? 0 : 1 - offTopic.length / sentences.length
  const found = keys.length - missing.length
  const parts = [
    keys.length === 0
      ? 'the question has no key terms to match'
      : `the output takes up ${found} of ${count(keys.length, 'key term')} of the question` +
        (missing.length > 0 ? ` (not mentioned: ${listSome(missing.map((term) => term.word))})` : ''),
  ]
  if (typeOk !== undefined && expected) {
    parts.push(
      `${typeOk ? 'gives' : 'does not give'} ${EXPECTED_LABEL[expected]}, which the question asks for`,
    )
  }
  if (nonAnswer && found <= keys.length / 2) {
    return {
      score: nonAnswer.kind === 'deflection' ? 0.25 : 0.1,
      reason: `the output ${NON_ANSWER_LABEL[nonAnswer.kind]}: ${quote(nonAnswer.phrase)}; ${parts.join('; ')}.`,
    }
  }
  if (keys.length > 0 && found === 0 && typeOk !== true) {
    return { score: 0.05, reason: `off topic: ${parts.join('; ')}.` }
  }
  if (keys.length > 0 && offTopic.length > 0) {
    const verb = offTopic.length === 1 ? 'does' : 'do'
    parts.push(
      `${offTopic.length} of ${count(sentences.length, 'sentence')} ${verb} not touch the question, e.g. ${quote(offTopic[0]!)}`,
    )
  }
  // An answer of the asked kind ("30 days." to "how long ...?") addresses the question without repeating it.
  const termScore = keys.length === 0 ? 1 : Math.max(Math.min(1, share / 0.5), typeOk ? 0.75 : 0)
  let score = 0.35 + 0.4 * termScore + 0.25 * (keys.length === 0 ? 1 : focus)
  if (typeOk === false) score -= 0.25
  return { score: clamp01(score), reason: `${parts.join('; ')}.` }
}
