import { count, listSome, quote } from './format.ts'
import { clamp01, type MethodInput, type MethodResult } from './method.ts'
import { EXPECTED_LABEL, expectedAnswer, givesAskedKind, keyTerms, recall } from './overlap.ts'
import { findNonAnswer, NON_ANSWER_LABEL } from './refusal.ts'
import { contentTerms, indexTerms, splitSentences, type Term, type TermIndex, uniqueTerms } from './text.ts'

/**
 * Completeness, from coverage: of the reference's points when there is a reference, else of the question's key
 * terms, else of the context's key facts.
 */

/** A point of the reference and how much of it the output covers. */
interface Point {
  text: string
  coverage: number
  missing: Term[]
}

export function scoreCompleteness({ output, input, context, reference }: MethodInput): MethodResult {
  const given = (field: string | undefined): field is string => field !== undefined && field.trim() !== ''
  if (!given(reference) && !given(input) && !given(context)) {
    return {
      missing: 'input, context or reference',
      reason:
        'completeness needs `reference` (best), `input` or `context`: pass { reference } to the matcher',
    }
  }
  if (output.trim() === '') return { score: 0, reason: 'the output is empty.' }
  const index = indexTerms(output)
  if (given(reference)) return coverReference(index, reference)
  if (given(input)) return coverQuestion(output, index, input)
  return coverContext(index, context ?? '')
}

/** Completeness against a reference: the share of its points (sentences) the output covers. */
function coverReference(index: TermIndex, reference: string): MethodResult {
  const points: Point[] = []
  for (const text of splitSentences(reference)) {
    const terms = uniqueTerms(contentTerms(text))
    if (terms.length === 0) continue
    const { share, missing } = recall(terms, index)
    points.push({ text, coverage: share, missing })
  }
  if (points.length === 0) return { score: 1, reason: 'the reference makes no point to cover.' }
  // A point is covered from three quarters of its weighted words (the output may phrase it its own way), and
  // partly covered from a quarter.
  const credit = (point: Point) => clamp01((point.coverage - 0.25) / 0.5)
  const score = points.reduce((sum, point) => sum + credit(point), 0) / points.length
  const covered = points.filter((point) => credit(point) === 1).length
  const partly = points.filter((point) => credit(point) > 0 && credit(point) < 1).length
  const head =
    `${covered} of ${count(points.length, 'reference point')} ${points.length === 1 ? 'is' : 'are'} covered` +
    (partly > 0 ? `, ${partly} partly` : '')
  const gaps = points.filter((point) => credit(point) < 1).sort((a, b) => a.coverage - b.coverage)
  if (gaps.length === 0) return { score, reason: `${head}.` }
  const shown = gaps
    .slice(0, 2)
    .map(
      (point) => `${quote(point.text)} (not mentioned: ${listSome(point.missing.map((term) => term.word))})`,
    )
  return { score, reason: `${head}; missing: ${shown.join('; ')}.` }
}

/** Completeness against the question alone: its key terms and the kind of answer it asks for. */
function coverQuestion(output: string, index: TermIndex, input: string): MethodResult {
  const keys = keyTerms(input)
  const expected = expectedAnswer(input)
  const typeOk = givesAskedKind(output, index, expected)
  const { share, missing } = recall(keys, index)
  let score = keys.length === 0 ? 1 : clamp01(share / 0.8)
  const parts = [
    keys.length === 0
      ? 'the question has no key terms to cover'
      : `the output covers ${keys.length - missing.length} of ${count(keys.length, 'key term')} of the question`,
  ]
  if (missing.length > 0) parts.push(`not addressed: ${listSome(missing.map((term) => term.word))}`)
  if (expected && typeOk === false) {
    score *= 0.5
    parts.push(`it does not give ${EXPECTED_LABEL[expected]}, which the question asks for`)
  } else if (expected && typeOk) {
    // "30 days." answers "how long do I have to return an item?" in full without repeating its words.
    score = Math.max(score, 0.75)
    parts.push(`it gives ${EXPECTED_LABEL[expected]}, which the question asks for`)
  }
  const nonAnswer = findNonAnswer(output)
  if (nonAnswer) {
    score = Math.min(score, 0.2)
    parts.push(`the output ${NON_ANSWER_LABEL[nonAnswer.kind]}: ${quote(nonAnswer.phrase)}`)
  }
  return {
    score,
    reason: `${parts.join('; ')} (no reference given: pass { reference } for a closer check).`,
  }
}

/** Completeness against the context alone: its key facts. */
function coverContext(index: TermIndex, context: string): MethodResult {
  const facts = keyFacts(context)
  if (facts.length === 0) return { score: 1, reason: 'the context has no key facts to cover.' }
  const { share, missing } = recall(facts, index)
  const score = clamp01(share / 0.7)
  const reason =
    `the output mentions ${facts.length - missing.length} of ${count(facts.length, 'key fact')} of the context (numbers, names, recurring terms)` +
    (missing.length > 0 ? `; not mentioned: ${listSome(missing.map((term) => term.word))}` : '')
  return { score, reason: `${reason} (no reference given: pass { reference } for a closer check).` }
}

/** The context's key facts: its numbers and names, then the words it repeats most, at most 12. */
function keyFacts(context: string): Term[] {
  const terms = contentTerms(context)
  const counts = new Map<string, number>()
  for (const term of terms) counts.set(term.stem, (counts.get(term.stem) ?? 0) + 1)
  const unique = uniqueTerms(terms)
  const salient = unique.filter((term) => term.number || term.name)
  const recurring = unique
    .filter((term) => !term.number && !term.name && (counts.get(term.stem) ?? 0) >= 2)
    .sort((a, b) => (counts.get(b.stem) ?? 0) - (counts.get(a.stem) ?? 0))
  return [...salient, ...recurring].slice(0, 12)
}
