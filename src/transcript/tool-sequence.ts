import { loadDiff } from '../matchers/text-diff.ts'
import type { ToolCall } from './schema.ts'

/** How `toHaveToolSequence` compares the calls made with the expected ones. */
export type ToolOrder = 'exact' | 'inOrder' | 'anyOrder'

/** One expected call: a tool name, or a name and the arguments (which may hold asymmetric matchers). */
export type ExpectedToolCall = string | { name: string; args?: unknown }

/** Whether an actual call satisfies an expected one. */
export type CallMatches = (actual: ToolCall, expected: ExpectedToolCall) => boolean

/** What the comparison found, and the score: tool-call precision, recall and their F1. */
export interface ToolSequenceResult {
  pass: boolean
  precision: number
  recall: number
  f1: number
  /** Expected calls no call satisfied, by index into `expected`. */
  missing: number[]
  /** Calls that satisfy no expected call, by index into the calls. */
  extra: number[]
  /** Calls that satisfy an expected call but not in the expected order, by index into the calls. */
  outOfOrder: number[]
  /** The in-order alignment: pairs of [call index, expected index]. */
  aligned: Array<[number, number]>
}

/**
 * Compares the calls made with the expected ones. A call counts as correct when it is matched to an expected
 * call: in order (the longest common subsequence) for `exact` and `inOrder`, in any order for `anyOrder`.
 * Precision is the share of calls that are correct, recall the share of expected calls made, the score their F1.
 * `exact` passes when the calls are the expected ones in order and nothing else; `inOrder` when the expected
 * calls appear in order, other calls allowed between them; `anyOrder` when every expected call appears.
 */
export function compareToolSequence(
  calls: readonly ToolCall[],
  expected: readonly ExpectedToolCall[],
  order: ToolOrder,
  matches: CallMatches,
): ToolSequenceResult {
  const aligned = longestCommonSubsequence(calls, expected, matches)
  const anyPairs = maximumMatching(calls, expected, matches)
  const counted = order === 'anyOrder' ? anyPairs : aligned
  const alignedCalls = new Set(aligned.map(([call]) => call))
  const alignedExpected = new Set(aligned.map(([, want]) => want))
  const pairedCalls = new Set(anyPairs.map(([call]) => call))
  const pairedExpected = new Set(anyPairs.map(([, want]) => want))
  const precision = calls.length === 0 ? (expected.length === 0 ? 1 : 0) : counted.length / calls.length
  const recall = expected.length === 0 ? 1 : counted.length / expected.length
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  const callIndexes = calls.map((_, index) => index)
  // A call that answers an expected call, but not where the expected order puts it, is out of order rather
  // than extra, and the expected call it answers is not missing.
  const outOfOrder =
    order === 'anyOrder'
      ? []
      : callIndexes.filter((index) => pairedCalls.has(index) && !alignedCalls.has(index))
  const missing = expected
    .map((_, index) => index)
    .filter((index) => !pairedExpected.has(index) && !alignedExpected.has(index))
  const extra = callIndexes.filter((index) => !pairedCalls.has(index) && !alignedCalls.has(index))
  const complete = counted.length === expected.length
  const pass = order === 'exact' ? complete && aligned.length === calls.length : complete
  return { pass, precision, recall, f1, missing, extra, outOfOrder, aligned }
}

/**
 * The in-order alignment of the calls with the expected calls: the common part of a minimal diff (Myers', from
 * the `diff` package), which is a longest common subsequence under `matches`.
 */
function longestCommonSubsequence(
  calls: readonly ToolCall[],
  expected: readonly ExpectedToolCall[],
  matches: CallMatches,
): Array<[number, number]> {
  type Item = { side: 'expected' | 'call'; index: number }
  const wanted: Item[] = expected.map((_, index) => ({ side: 'expected', index }))
  const made: Item[] = calls.map((_, index) => ({ side: 'call', index }))
  const changes = loadDiff().diffArrays(wanted, made, {
    comparator: (left, right) => matches(calls[right.index]!, expected[left.index]!),
  })
  const pairs: Array<[number, number]> = []
  let want = 0
  let call = 0
  for (const change of changes) {
    const count = change.value.length
    if (change.removed) want += count
    else if (change.added) call += count
    else for (let step = 0; step < count; step++) pairs.push([call++, want++])
  }
  return pairs
}

/** The most calls that can be matched to distinct expected calls, in any order (augmenting paths). */
function maximumMatching(
  calls: readonly ToolCall[],
  expected: readonly ExpectedToolCall[],
  matches: CallMatches,
): Array<[number, number]> {
  const hit = calls.map((call) => expected.map((want) => matches(call, want)))
  const callOf = new Array<number>(expected.length).fill(-1)
  const augment = (call: number, seen: boolean[]): boolean => {
    for (let want = 0; want < expected.length; want++) {
      if (!hit[call]![want] || seen[want]) continue
      seen[want] = true
      if (callOf[want] === -1 || augment(callOf[want]!, seen)) {
        callOf[want] = call
        return true
      }
    }
    return false
  }
  for (let call = 0; call < calls.length; call++)
    augment(call, new Array<boolean>(expected.length).fill(false))
  return callOf
    .map((call, want): [number, number] => [call, want])
    .filter(([call]) => call !== -1)
    .sort((a, b) => a[0] - b[0])
}
