import { contentTerms, terms } from './text.ts'

/** Repetition measures shared by coherence and conciseness. */

const NEGATION = /\b(?:not|no|never|none|nothing|nobody|cannot|without)\b|n['’]t\b/i

/** Share of the text's words that belong to a word n-gram seen earlier in the text. */
export function repeatedNgramShare(text: string, n = 4): { share: number; example?: string } {
  const words = terms(text).map((term) => term.word)
  if (words.length < n * 2) return { share: 0 }
  const seen = new Set<string>()
  const repeated = new Array<boolean>(words.length).fill(false)
  let example: string | undefined
  for (let i = 0; i + n <= words.length; i++) {
    const gram = words.slice(i, i + n).join(' ')
    if (seen.has(gram)) {
      for (let k = i; k < i + n; k++) repeated[k] = true
      example ??= gram
    }
    seen.add(gram)
  }
  const share = repeated.filter(Boolean).length / words.length
  return example === undefined ? { share } : { share, example }
}

/** Jaccard similarity of two sentences' content stems. */
export function similarity(a: string, b: string): number {
  const left = new Set(contentTerms(a).map((term) => term.stem))
  const right = new Set(contentTerms(b).map((term) => term.stem))
  if (left.size < 2 || right.size < 2) return 0
  let shared = 0
  for (const stem of left) if (right.has(stem)) shared++
  return shared / (left.size + right.size - shared)
}

/** A later sentence that says what an earlier one said, or its opposite. */
export interface SentencePair {
  first: string
  second: string
}

/**
 * Pairs of sentences with mostly the same content words. When exactly one of them is negated they contradict
 * each other ("Refunds are possible." / "Refunds are not possible."); otherwise one repeats the other.
 */
export function similarPairs(sentences: readonly string[], threshold: number) {
  const repeats: SentencePair[] = []
  const contradictions: SentencePair[] = []
  for (let i = 0; i < sentences.length; i++) {
    for (let j = i + 1; j < sentences.length; j++) {
      const first = sentences[i]!
      const second = sentences[j]!
      if (similarity(first, second) < threshold) continue
      if (NEGATION.test(first) !== NEGATION.test(second)) contradictions.push({ first, second })
      else repeats.push({ first, second })
    }
  }
  return { repeats, contradictions }
}
