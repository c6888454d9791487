import { describe, expect, test } from 'vitest'
import { mapConcurrent } from '../src/calibration/pool.ts'

/** Resolves once every callback already queued (promise reactions included) has run: no timer, no I/O. */
const settled = () => new Promise<void>((resolve) => setImmediate(resolve))

describe('mapConcurrent', () => {
  test('runs at most `limit` calls at once, starting the next only when one ends, and keeps the order', async () => {
    const started: number[] = []
    const finish: Array<() => void> = []
    let running = 0
    let most = 0
    const results = mapConcurrent([0, 1, 2, 3, 4, 5, 6, 7], 3, (item) => {
      started.push(item)
      most = Math.max(most, ++running)
      return new Promise<number>((resolve) =>
        finish.push(() => {
          running--
          resolve(item * 10)
        }),
      )
    })
    await settled()
    expect(started).toEqual([0, 1, 2])
    // Ended out of order, one at a time: each end starts exactly one more call.
    for (const [index, item] of [1, 0, 2, 3, 4, 5, 6, 7].entries()) {
      finish[item]!()
      await settled()
      expect(started).toHaveLength(Math.min(8, 4 + index))
    }
    expect(most).toBe(3)
    expect(await results).toEqual([0, 10, 20, 30, 40, 50, 60, 70])
  })
})
