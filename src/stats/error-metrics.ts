import { assertPaired } from './assert.ts'

/** Mean absolute error between paired scores (sklearn.metrics.mean_absolute_error); `NaN` when empty. */
export function meanAbsoluteError(actual: readonly number[], predicted: readonly number[]): number {
  assertPaired('meanAbsoluteError', actual, predicted)
  if (actual.length === 0) return Number.NaN
  let sum = 0
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i]! - predicted[i]!)
  return sum / actual.length
}

/** Root mean squared error between paired scores (the square root of sklearn's mean_squared_error); `NaN` when empty. */
export function rootMeanSquaredError(actual: readonly number[], predicted: readonly number[]): number {
  assertPaired('rootMeanSquaredError', actual, predicted)
  if (actual.length === 0) return Number.NaN
  let sum = 0
  for (let i = 0; i < actual.length; i++) {
    const d = actual[i]! - predicted[i]!
    sum += d * d
  }
  return Math.sqrt(sum / actual.length)
}
