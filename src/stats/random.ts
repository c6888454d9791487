import { RubricArgumentError } from '../errors.ts'

/** A source of uniform random numbers in [0, 1). */
export type Rng = () => number

/**
 * xoshiro128** (Blackman and Vigna, 2018): a small, fast, well-tested 32-bit generator.
 * Returns a function giving the next unsigned 32-bit output. `state` is four 32-bit words, not all 0.
 */
export function xoshiro128StarStar(state: readonly [number, number, number, number]): () => number {
  let [s0, s1, s2, s3] = state.map((word) => word >>> 0) as [number, number, number, number]
  if ((s0 | s1 | s2 | s3) === 0) {
    throw new RubricArgumentError(
      'xoshiro128StarStar() needs a state that is not all zeros. Seed it with createRng().',
    )
  }
  return () => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 11)
    return result
  }
}

/**
 * A seeded generator of numbers in [0, 1): xoshiro128** whose state is filled from the seed by
 * SplitMix64, as the xoshiro authors recommend. The same seed gives the same sequence on every platform.
 *
 * @param seed any safe integer
 */
export function createRng(seed: number): Rng {
  if (!Number.isSafeInteger(seed)) {
    throw new RubricArgumentError(
      `a random seed must be a safe integer, got ${seed}. Pass a whole number such as 1.`,
    )
  }
  const next = splitMix64(BigInt.asUintN(64, BigInt(seed)))
  const a = next()
  const b = next()
  const words: [number, number, number, number] = [
    Number(a >> 32n),
    Number(a & 0xffffffffn),
    Number(b >> 32n),
    Number(b & 0xffffffffn),
  ]
  // SplitMix64 cannot give two zero outputs in a row from one state, so the state is never all zeros.
  const uint32 = xoshiro128StarStar(words)
  return () => uint32() / 0x1_0000_0000
}

/** A uniform integer in [0, n) drawn from `rng`. */
export function randomIndex(rng: Rng, n: number): number {
  return Math.floor(rng() * n)
}

/** SplitMix64 (Steele, Lea and Flood, 2014), used only to expand a seed into generator state. */
export function splitMix64(seed: bigint): () => bigint {
  let state = BigInt.asUintN(64, seed)
  return () => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n)
    let z = state
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n)
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn)
    return z ^ (z >> 31n)
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
