/**
 * Deterministic scorers: similarity to a reference (ROUGE, Levenshtein, Jaccard), PII and secret detection,
 * refusal detection, and the cosine similarity of vectors. Plain functions that need no judge; the matchers and
 * the heuristic judge build on them.
 */
import { cosineSimilarity } from './cosine.ts'
import { jaccard } from './jaccard.ts'
import { levenshtein } from './levenshtein.ts'
import { findPII } from './pii.ts'
import { isRefusal } from './refusal.ts'
import { rouge1, rouge2, rougeL } from './rouge.ts'

export { cosineSimilarity } from './cosine.ts'
export { jaccard } from './jaccard.ts'
export { type LevenshteinOptions, levenshtein, levenshteinDistance } from './levenshtein.ts'
export { findPII, PII_KINDS, type PiiFinding, type PiiKind, type PiiOptions } from './pii.ts'
export { porterStem } from './porter-stemmer.ts'
export { isRefusal, type RefusalOptions, type RefusalResult } from './refusal.ts'
export {
  type RougeOptions,
  type RougeScore,
  rouge1,
  rouge2,
  rougeL,
  rougeLScore,
  rougeNScore,
} from './rouge.ts'
export { type TokenizeOptions, tokenize } from './tokenize.ts'

/**
 * The scorers as one object, for custom code: `scorers.rougeL(output, reference)`. Similarity scorers take the
 * candidate first and return a number in [0, 1]; `findPII` returns findings, `isRefusal` a verdict, and
 * `cosineSimilarity` of two vectors a number in [-1, 1].
 */
export const scorers = {
  rouge1,
  rouge2,
  rougeL,
  levenshtein,
  jaccard,
  findPII,
  isRefusal,
  cosineSimilarity,
} as const
