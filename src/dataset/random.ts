/**
 * A small seeded pseudo-random generator for reproducible sampling. Not for cryptography. The statistics code
 * has its own for bootstraps; the two are to be merged.
 */

/** A generator of numbers in [0, 1). */
export type Random = () => number

/** Turns any seed (number or text) into 32 bits: FNV-1a over its text, then a murmur3 finaliser. */
export function seedToUint32(seed: number | string): number {
  const text = String(seed)
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return hash >>> 0
}

/** mulberry32: a fast generator with a 32-bit state, good enough to shuffle and sample. */
export function createRandom(seed: number | string): Random {
  let state = seedToUint32(seed)
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), state | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000
  }
}

/** A whole number in [0, max). */
export function randomInt(random: Random, max: number): number {
  return Math.floor(random() * max)
}

/**
 * Chooses `k` distinct indices of `[0, n)` with the first `k` steps of a Fisher–Yates shuffle: every subset of
 * size `k` is equally likely, and the work is O(n) to set up and O(k) to draw.
 */
export function chooseIndices(n: number, k: number, random: Random): number[] {
  const count = Math.max(0, Math.min(k, n))
  const indices = new Uint32Array(n)
  for (let i = 0; i < n; i++) indices[i] = i
  for (let i = 0; i < count; i++) {
    const j = i + randomInt(random, n - i)
    const swap = indices[i]!
    indices[i] = indices[j]!
    indices[j] = swap
  }
  return Array.from(indices.subarray(0, count))
}
