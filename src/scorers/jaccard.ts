import { type TokenizeOptions, tokenize } from './tokenize.ts'

/**
 * Jaccard similarity of the two texts' token sets, in [0, 1]: |A ∩ B| / |A ∪ B|. Tokens come from `tokenize`
 * (lower case, runs of `a`-`z` and `0`-`9`, optional Porter stemming), and each distinct token counts once
 * however often it occurs. Two texts without any token are equal sets and score 1; if only one has tokens the
 * score is 0.
 */
export function jaccard(a: string, b: string, options: TokenizeOptions = {}): number {
  const left = new Set(tokenize(a, options))
  const right = new Set(tokenize(b, options))
  if (left.size === 0 && right.size === 0) return 1
  let shared = 0
  for (const token of left) if (right.has(token)) shared++
  return shared / (left.size + right.size - shared)
}
