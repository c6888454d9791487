/**
 * Cosine similarity of two vectors, in [-1, 1]: their dot product over the product of their lengths. A vector of
 * length 0 is similar to nothing (0). Vectors of different sizes come from different models and are refused.
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new RangeError(
      `cosine similarity needs vectors of one size, got ${a.length} and ${b.length} (from different embedding models?)`,
    )
  }
  let dot = 0
  let normA = 0
  let normB = 0
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!
    const y = b[i]!
    dot += x * y
    normA += x * x
    normB += y * y
  }
  if (normA === 0 || normB === 0) return 0
  // Rounding can take the similarity of a vector with itself just past 1.
  return Math.max(-1, Math.min(1, dot / Math.sqrt(normA * normB)))
}
