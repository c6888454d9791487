import { expect, test } from 'vitest'
import { averageRanks, spearman } from '../bench/heuristic-agreement.ts'

test('averageRanks gives ties the mean of the ranks they span', () => {
  expect(averageRanks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1])
})

test('spearman is 1 for the same order, -1 for the reverse, and handles ties', () => {
  expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1)
  expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1)
  // Pearson's correlation of the ranks [1, 2.5, 2.5, 4] and [1, 2, 3, 4].
  expect(spearman([1, 2, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.9487, 4)
  expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN()
})
