import { count, quote } from './format.ts'
import { clamp01, type MethodInput, type MethodResult } from './method.ts'
import { answeredPart, expectedAnswer, givesAskedKind } from './overlap.ts'
import { repeatedNgramShare, similarPairs } from './repetition.ts'
import { contentTerms, hasTerm, indexTerms, splitSentences, terms } from './text.ts'

/**
 * Coherence, from the text's form: sentences that repeat or contradict each other, repeated phrases, stutters,
 * run-on sentences, unbalanced brackets, transitions that neither share a word with the sentence before nor
 * start with a connective, and, given an input, a reply that does not follow on from what it answers.
 */

const CONNECTIVE =
  /^(?:however|but|so|because|also|then|therefore|thus|instead|otherwise|moreover|furthermore|additionally|finally|first(?:ly)?|second(?:ly)?|third(?:ly)?|next|after(?:wards)?|before|meanwhile|similarly|likewise|for (?:example|instance)|in (?:addition|short|summary|contrast|fact)|as a result|that|this|these|those|it|its|they|their|there|he|she|his|her|we|you|and|or|if|when|once|still|yet|although|while|since|even|no|yes|overall|to)\b/i

const RUN_ON_WORDS = 60
const REPEAT_SIMILARITY = 0.8

interface Issue {
  penalty: number
  text: string
}

export function scoreCoherence({ output, input }: MethodInput): MethodResult {
  const sentences = splitSentences(output)
  if (sentences.length === 0) return { score: 0, reason: 'the output has no sentence to read.' }
  const issues: Issue[] = []

  const { repeats, contradictions } = similarPairs(sentences, REPEAT_SIMILARITY)
  if (contradictions.length > 0) {
    const pair = contradictions[0]!
    issues.push({
      penalty: Math.min(0.6, 0.4 * contradictions.length),
      text: `a contradiction: ${quote(pair.first, 60)} vs ${quote(pair.second, 60)}`,
    })
  }
  if (repeats.length > 0) {
    issues.push({
      penalty: Math.min(0.5, 0.25 * repeats.length),
      text: `${count(repeats.length, 'repeated sentence')}: ${quote(repeats[0]!.second, 60)}`,
    })
  }
  const repeated = repeatedNgramShare(output, 3)
  if (repeats.length === 0 && repeated.share >= 0.15 && repeated.example) {
    issues.push({
      penalty: Math.min(0.4, repeated.share * 1.2),
      text: `repeated phrases (${Math.round(repeated.share * 100)}% of the words), e.g. ${quote(repeated.example)}`,
    })
  }
  const stutter = /\b(\p{L}{2,})\s+\1\b/iu.exec(output)
  if (stutter && !/^(?:that|had|is|very|really|so|no|bye|ha)$/i.test(stutter[1]!)) {
    issues.push({ penalty: 0.15, text: `a doubled word: ${quote(stutter[0])}` })
  }
  const runOn = sentences.find((sentence) => terms(sentence).length > RUN_ON_WORDS)
  if (runOn) {
    issues.push({
      penalty: 0.15,
      text: `a run-on sentence of ${terms(runOn).length} words: ${quote(runOn, 50)}`,
    })
  }
  const brackets = unbalanced(output)
  if (brackets) issues.push({ penalty: 0.1, text: `an unclosed ${quote(brackets)}` })
  // Only a longer text where no sentence follows on from the one before counts as disjointed: short replies
  // change the subject naturally (on Topical-Chat, penalising every jump lowered agreement with people).
  const transitions = connectedTransitions(sentences)
  if (transitions.total >= 3 && transitions.connected === 0) {
    issues.push({
      penalty: 0.25,
      text: `no sentence follows on from the one before (no shared word or connective in ${count(transitions.total, 'transition')})`,
    })
  }

  const answered = input === undefined ? undefined : answeredPart(input)
  if (answered !== undefined && !followsOn(output, answered)) {
    issues.push({
      penalty: 0.25,
      text: `it does not follow on from what it answers: no word in common with ${quote(answered, 60)}`,
    })
  }

  const score = clamp01(1 - issues.reduce((sum, issue) => sum + issue.penalty, 0))
  if (issues.length === 0) {
    return { score, reason: 'no contradiction, repetition, run-on sentence or disjointed sequence found.' }
  }
  return { score, reason: `coherence issues: ${issues.map((issue) => issue.text).join('; ')}.` }
}

/**
 * Whether a reply takes up what it answers: shares a content word with it, or gives the kind of answer it asks
 * for ("30 days." to "How long ...?"). On Topical-Chat, a reply that shares no word with the turn before it was
 * rated less coherent by people (Spearman 0.20 without this check, 0.29 with it).
 */
function followsOn(output: string, answered: string): boolean {
  const asked = indexTerms(answered)
  if (asked.stems.size === 0) return true
  if (contentTerms(output).some((term) => hasTerm(asked, term))) return true
  return givesAskedKind(output, indexTerms(output), expectedAnswer(answered)) === true
}

/** Transitions that share a content word with the sentence before or open with a connective or pronoun. */
function connectedTransitions(sentences: readonly string[]): { connected: number; total: number } {
  let connected = 0
  for (let i = 1; i < sentences.length; i++) {
    const previous = new Set(contentTerms(sentences[i - 1]!).map((term) => term.stem))
    const current = sentences[i]!
    const shares = contentTerms(current).some((term) => previous.has(term.stem))
    if (shares || CONNECTIVE.test(current.replace(/^[\s"'(`-]+|^\d+[.)]\s*/g, ''))) connected++
  }
  return { connected, total: sentences.length - 1 }
}

function unbalanced(text: string): string | undefined {
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
    ['{', '}'],
  ] as const) {
    if (text.split(open).length !== text.split(close).length) return open
  }
  return undefined
}
