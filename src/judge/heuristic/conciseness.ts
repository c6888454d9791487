import { count, listSome, quote } from './format.ts'
import { clamp01, type MethodInput, type MethodResult } from './method.ts'
import { keyTerms } from './overlap.ts'
import { repeatedNgramShare, similarPairs } from './repetition.ts'
import { contentTerms, hasTerm, indexTerms, splitSentences, terms } from './text.ts'

/**
 * Conciseness: length against what the question (or the reference) calls for, filler phrases, restating the
 * question, repeated sentences and phrases, and piled-up hedges.
 */

const FILLER: readonly RegExp[] = [
  /\b(?:that's a |what a )?(?:great|good|excellent) question\b/i,
  /\bthank you for (?:your|the) (?:question|message|patience)\b/i,
  /\bas an ai(?: language model| assistant)?\b/i,
  /\bit is (?:important|worth|interesting) to (?:note|mention|remember|point out) that\b/i,
  /\bit'?s (?:important|worth) (?:noting|mentioning) that\b/i,
  /\bit goes without saying\b|\bneedless to say\b/i,
  /\bat the end of the day\b/i,
  /\bin (?:conclusion|summary|short),?\b/i,
  /\bto (?:sum up|summari[sz]e)\b/i,
  /\b(?:basically|essentially|literally|actually|honestly),/i,
  /\bto be (?:honest|clear|fair)\b/i,
  /\bas (?:i )?(?:mentioned|stated|noted|said) (?:above|before|earlier|previously)\b/i,
  /\bi hope (?:this|that) (?:helps|answers|clarifies)\b/i,
  /\b(?:please )?(?:don't|do not) hesitate to\b/i,
  /\blet me (?:explain|break (?:it|this) down|walk you through)\b/i,
  /\bfirst and foremost\b|\blast but not least\b/i,
  /\bthe fact (?:of the matter )?(?:is )?that\b/i,
  /\bin order to\b/i,
  /\ball things considered\b|\bwhen all is said and done\b/i,
]

const HEDGES =
  /\b(?:might|perhaps|possibly|potentially|arguably|it depends|in some cases|generally speaking|to some extent|sort of|kind of)\b/gi

const OPEN_QUESTION =
  /\b(?:explain|describe|why|how (?:do|does|can|should|would)|steps|compare|list|pros and cons|difference|walk me through)\b/i

/** How many words the answer should need at most. */
function wordBudget(
  input: string | undefined,
  reference: string | undefined,
): { budget: number; basis: string } {
  if (reference !== undefined && reference.trim() !== '') {
    return {
      budget: Math.max(20, Math.round(terms(reference).length * 1.5)),
      basis: 'the reference and half again',
    }
  }
  if (input !== undefined && input.trim() !== '') {
    return OPEN_QUESTION.test(input)
      ? { budget: 150, basis: 'an open question' }
      : { budget: 60, basis: 'a direct question' }
  }
  return { budget: 150, basis: 'the default without a question' }
}

export function scoreConciseness({ output, input, reference }: MethodInput): MethodResult {
  const words = terms(output).length
  if (words === 0) return { score: 0, reason: 'the output is empty.' }
  const problems: string[] = []
  let penalty = 0

  const { budget, basis } = wordBudget(input, reference)
  if (words > budget) {
    penalty += Math.min(0.45, 0.3 * Math.log2(words / budget))
    problems.push(`${words} words where about ${budget} should do (${basis})`)
  }
  const fillers = FILLER.map((pattern) => pattern.exec(output)?.[0]).filter((phrase) => phrase !== undefined)
  if (fillers.length > 0) {
    penalty += Math.min(0.5, 0.12 * fillers.length)
    problems.push(
      `filler: ${listSome(
        fillers.map((phrase) => quote(phrase)),
        3,
      )}`,
    )
  }
  const sentences = splitSentences(output)
  const restated = input === undefined ? undefined : restatement(sentences, input)
  if (restated) {
    penalty += 0.15
    problems.push(`restates the question: ${quote(restated, 60)}`)
  }
  const { repeats } = similarPairs(sentences, 0.7)
  if (repeats.length > 0) {
    penalty += Math.min(0.4, 0.15 * repeats.length)
    problems.push(`${count(repeats.length, 'repeated sentence')}, e.g. ${quote(repeats[0]!.second, 60)}`)
  }
  const repeated = repeatedNgramShare(output, 4)
  if (repeated.share >= 0.1 && repeated.example) {
    penalty += Math.min(0.3, repeated.share)
    problems.push(
      `${Math.round(repeated.share * 100)}% of the words repeat earlier phrases, e.g. ${quote(repeated.example)}`,
    )
  }
  const hedges = output.match(HEDGES) ?? []
  if (hedges.length > 2) {
    penalty += Math.min(0.2, 0.05 * hedges.length)
    problems.push(
      `${hedges.length} hedges (${listSome([...new Set(hedges.map((hedge) => hedge.toLowerCase()))], 3)})`,
    )
  }

  const score = clamp01(1 - penalty)
  if (problems.length === 0) {
    return {
      score,
      reason: `${words} words, within about ${budget} (${basis}); no filler, repetition or restated question.`,
    }
  }
  return { score, reason: `the output could be shorter: ${problems.join('; ')}.` }
}

/** The first sentence, when it only repeats the question's key terms before the answer starts. */
function restatement(sentences: readonly string[], input: string): string | undefined {
  const first = sentences[0]
  if (first === undefined || sentences.length < 2) return undefined
  const question = indexTerms(
    keyTerms(input)
      .map((term) => term.word)
      .join(' '),
  )
  const content = contentTerms(first)
  if (content.length < 3) return undefined
  const fromQuestion = content.filter((term) => hasTerm(question, term)).length
  return fromQuestion / content.length >= 0.75 ? first : undefined
}
