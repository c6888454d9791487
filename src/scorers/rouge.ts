import { type TokenizeOptions, tokenize } from './tokenize.ts'

/**
 * ROUGE (Lin, "ROUGE: A Package for Automatic Evaluation of Summaries", 2004) between a candidate text and a
 * reference text, with the conventions of Google's rouge-score package:
 *
 * - tokens from `tokenize` (lower case, runs of `a`-`z` and `0`-`9`, optional Porter stemming);
 * - ROUGE-N counts n-grams with multiplicity and clips each to its count in the other text;
 *   precision = overlap / candidate n-grams, recall = overlap / reference n-grams, each 0 when its text has no
 *   n-grams;
 * - ROUGE-L is sentence-level: the longest common subsequence of the two token sequences (not rougeLsum's
 *   union over sentences); precision = LCS / candidate tokens, recall = LCS / reference tokens, all 0 when
 *   either text has no tokens;
 * - F-measure = 2PR / (P + R), 0 when P + R = 0 (rouge-score's balanced F, beta = 1).
 *
 * The argument order is candidate first, like `expect(candidate).toBeSimilarTo(reference)`; rouge-score's
 * `score(target, prediction)` takes the reference first.
 */

/** Precision, recall and F-measure of one ROUGE variant, each in [0, 1]. */
export interface RougeScore {
  /** Share of the candidate's n-grams (or tokens, for ROUGE-L) found in the reference. */
  precision: number
  /** Share of the reference's n-grams (or tokens, for ROUGE-L) found in the candidate. */
  recall: number
  /** Harmonic mean of precision and recall. */
  fMeasure: number
}

/** Options of the ROUGE scorers. */
export interface RougeOptions extends TokenizeOptions {
  /**
   * Replaces the built-in tokenizer (for example for languages other than English). When set, `stem` is
   * ignored.
   */
  tokenize?: (text: string) => string[]
}

const ZERO: RougeScore = { precision: 0, recall: 0, fMeasure: 0 }

function tokensOf(text: string, options: RougeOptions): string[] {
  if (options.tokenize !== undefined) return options.tokenize(text)
  return tokenize(text, options.stem === undefined ? {} : { stem: options.stem })
}

function fMeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0
}

function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>()
  for (let i = 0; i + n <= tokens.length; i++) {
    // Tokens never contain a space with the built-in tokenizer; \u0000 keeps custom tokens apart too.
    const key = tokens.slice(i, i + n).join('\u0000')
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

function sum(counts: Map<string, number>): number {
  let total = 0
  for (const count of counts.values()) total += count
  return total
}

/** ROUGE-N precision, recall and F-measure over token sequences. */
export function rougeNFromTokens(
  candidate: readonly string[],
  reference: readonly string[],
  n: number,
): RougeScore {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`ROUGE-N needs a positive integer n, got ${n}`)
  const candidateCounts = ngramCounts(candidate, n)
  const referenceCounts = ngramCounts(reference, n)
  let overlap = 0
  for (const [gram, count] of candidateCounts) overlap += Math.min(count, referenceCounts.get(gram) ?? 0)
  const precision = overlap / Math.max(sum(candidateCounts), 1)
  const recall = overlap / Math.max(sum(referenceCounts), 1)
  return { precision, recall, fMeasure: fMeasure(precision, recall) }
}

/** The length of the longest common subsequence of two token sequences, in O(min(m, n)) memory. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a]
  let previous = new Array<number>(short.length + 1).fill(0)
  let current = new Array<number>(short.length + 1).fill(0)
  for (const token of long) {
    for (let j = 1; j <= short.length; j++) {
      current[j] = token === short[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!)
    }
    ;[previous, current] = [current, previous]
  }
  return previous[short.length]!
}

/** ROUGE-L (sentence-level) precision, recall and F-measure over token sequences. */
export function rougeLFromTokens(candidate: readonly string[], reference: readonly string[]): RougeScore {
  if (candidate.length === 0 || reference.length === 0) return { ...ZERO }
  const lcs = lcsLength(candidate, reference)
  const precision = lcs / candidate.length
  const recall = lcs / reference.length
  return { precision, recall, fMeasure: fMeasure(precision, recall) }
}

/** ROUGE-N of two texts: precision, recall and F-measure. */
export function rougeNScore(
  candidate: string,
  reference: string,
  n: number,
  options: RougeOptions = {},
): RougeScore {
  return rougeNFromTokens(tokensOf(candidate, options), tokensOf(reference, options), n)
}

/** ROUGE-L of two texts: precision, recall and F-measure. */
export function rougeLScore(candidate: string, reference: string, options: RougeOptions = {}): RougeScore {
  return rougeLFromTokens(tokensOf(candidate, options), tokensOf(reference, options))
}

/** ROUGE-1 F-measure of a candidate against a reference, in [0, 1]. */
export function rouge1(candidate: string, reference: string, options: RougeOptions = {}): number {
  return rougeNScore(candidate, reference, 1, options).fMeasure
}

/** ROUGE-2 F-measure of a candidate against a reference, in [0, 1]. */
export function rouge2(candidate: string, reference: string, options: RougeOptions = {}): number {
  return rougeNScore(candidate, reference, 2, options).fMeasure
}

/** ROUGE-L (longest common subsequence) F-measure of a candidate against a reference, in [0, 1]. */
export function rougeL(candidate: string, reference: string, options: RougeOptions = {}): number {
  return rougeLScore(candidate, reference, options).fMeasure
}
