import type { MatcherState } from 'vitest'
import { RubricArgumentError } from '../errors.ts'
import { toolCalls } from '../transcript/assistant-text.ts'
import type { ToolCall, Transcript } from '../transcript/schema.ts'
import {
  compareToolSequence,
  type ExpectedToolCall,
  type ToolSequenceResult,
} from '../transcript/tool-sequence.ts'
import { concludeCheck, type MatcherResult, scorerId } from './check-record.ts'
import { dimensionOf } from './checks.ts'
import { receivedTranscript } from './conversation-output.ts'
import { indent } from './text-diff.ts'
import type { StepsOptions, ToolSequenceOptions, TrajectoryOptions } from './types.ts'

/**
 * The trajectory matchers: deterministic checks of the tool calls in a conversation, scored and recorded like
 * the other checks, with no judge call.
 */

/** Bumped when a trajectory check's scoring changes, so that its records' `judgeId` changes with it. */
const TRAJECTORY_VERSION = 1

export const TRAJECTORY_DIMENSIONS = {
  toHaveCalledTool: 'tool-called',
  toHaveCalledToolTimes: 'tool-call-count',
  toHaveToolSequence: 'tool-sequence',
  toTakeAtMostSteps: 'steps',
} as const

type TrajectoryName = keyof typeof TRAJECTORY_DIMENSIONS

/** `expect(conversation).toHaveCalledTool(name, args?)`: some call to `name` whose arguments equal `args`. */
export function toHaveCalledTool(
  this: MatcherState,
  received: unknown,
  name: string,
  args?: unknown,
  options: TrajectoryOptions = {},
): MatcherResult {
  const matcher = 'toHaveCalledTool'
  const started = performance.now()
  assertToolName(name, matcher)
  const transcript = receivedTranscript(received, matcher)
  const calls = toolCalls(transcript)
  const wanted = args === undefined ? name : { name, args }
  const found = calls.filter((call) => callMatches(this, call, wanted))
  const describe = describeExpected(this, wanted)
  const pass = found.length > 0
  return conclude(this, matcher, options, transcript, started, pass ? 1 : 0, pass, {
    reason: pass ? `called ${describe}` : `no call to ${describe}`,
    message: () =>
      pass
        ? `expected no call to ${describe}, but found ${found.length}:\n${listCalls(found)}`
        : `expected a call to ${describe}, but there is none${nearest(this, calls, name, args)}\n${callsBlock(calls)}`,
  })
}

/** `expect(conversation).toHaveCalledToolTimes(name, times, args?)`: exactly `times` such calls. */
export function toHaveCalledToolTimes(
  this: MatcherState,
  received: unknown,
  name: string,
  times: number,
  args?: unknown,
  options: TrajectoryOptions = {},
): MatcherResult {
  const matcher = 'toHaveCalledToolTimes'
  const started = performance.now()
  assertToolName(name, matcher)
  assertCount(times, 'times', matcher)
  const transcript = receivedTranscript(received, matcher)
  const calls = toolCalls(transcript)
  const wanted = args === undefined ? name : { name, args }
  const count = calls.filter((call) => callMatches(this, call, wanted)).length
  const describe = describeExpected(this, wanted)
  const pass = count === times
  return conclude(this, matcher, options, transcript, started, pass ? 1 : 0, pass, {
    reason: `${count} ${count === 1 ? 'call' : 'calls'} to ${describe}, expected ${times}`,
    message: () =>
      `expected ${this.isNot ? 'not ' : ''}${times} ${times === 1 ? 'call' : 'calls'} to ${describe}, ` +
      `found ${count}\n${callsBlock(calls)}`,
  })
}

/**
 * `expect(conversation).toHaveToolSequence(expected, { order })`: the calls made against the expected ones. The
 * score is the tool-call F1 (precision and recall against `expected`) for `exact`; for `inOrder` and `anyOrder`,
 * which allow other calls, it is the recall, so that the score reaches its floor of 1 exactly when they pass.
 */
export function toHaveToolSequence(
  this: MatcherState,
  received: unknown,
  expected: readonly ExpectedToolCall[],
  options: ToolSequenceOptions = {},
): MatcherResult {
  const matcher = 'toHaveToolSequence'
  const started = performance.now()
  assertExpected(expected, matcher)
  const order = options.order ?? 'exact'
  if (order !== 'exact' && order !== 'inOrder' && order !== 'anyOrder') {
    throw new RubricArgumentError(
      `${matcher}() option \`order\` is ${JSON.stringify(order)}; use 'exact' (the default: these calls and no ` +
        "others, in this order), 'inOrder' (these in this order, others allowed between) or 'anyOrder'.",
    )
  }
  const transcript = receivedTranscript(received, matcher)
  const calls = toolCalls(transcript)
  const result = compareToolSequence(calls, expected, order, (call, want) => callMatches(this, call, want))
  const summary = summarise(result, calls, expected, this)
  const score = order === 'exact' ? result.f1 : result.recall
  return conclude(this, matcher, options, transcript, started, score, result.pass, {
    reason: `F1 ${fixed(result.f1)} (precision ${fixed(result.precision)}, recall ${fixed(result.recall)})${summary ? `: ${summary}` : ''}`,
    message: () =>
      `expected ${this.isNot ? 'the calls not to match' : 'the calls to match'} the sequence (order: ${order}); ` +
      `tool-call F1 ${fixed(result.f1)}, precision ${fixed(result.precision)}, recall ${fixed(result.recall)}` +
      `${summary ? `\n${summary}` : ''}\n${sequenceDiff(result, calls, expected, this)}`,
  })
}

/** `expect(conversation).toTakeAtMostSteps(n)`: no more than `n` assistant turns (or tool calls). */
export function toTakeAtMostSteps(
  this: MatcherState,
  received: unknown,
  steps: number,
  options: StepsOptions = {},
): MatcherResult {
  const matcher = 'toTakeAtMostSteps'
  const started = performance.now()
  assertCount(steps, 'the number of steps', matcher)
  const counting = options.count ?? 'turns'
  if (counting !== 'turns' && counting !== 'toolCalls') {
    throw new RubricArgumentError(
      `${matcher}() option \`count\` is ${JSON.stringify(counting)}; use 'turns' (assistant messages, the default) or 'toolCalls'.`,
    )
  }
  const transcript = receivedTranscript(received, matcher)
  const taken =
    counting === 'turns'
      ? transcript.messages.filter((message) => message.role === 'assistant').length
      : toolCalls(transcript).length
  const unit = counting === 'turns' ? 'assistant turns' : 'tool calls'
  const pass = taken <= steps
  // Within the limit scores 1; beyond it, the share of the steps taken that the limit allows.
  const score = pass ? 1 : steps / taken
  return conclude(this, matcher, options, transcript, started, score, pass, {
    reason: `${taken} ${unit}, at most ${steps} allowed`,
    message: () =>
      pass
        ? `expected more than ${steps} ${unit}, but there are ${taken}`
        : `expected at most ${steps} ${unit}, but there are ${taken}\n${callsBlock(toolCalls(transcript))}`,
  })
}

function conclude(
  state: MatcherState,
  matcher: TrajectoryName,
  options: TrajectoryOptions,
  transcript: Transcript,
  started: number,
  score: number,
  pass: boolean,
  text: { reason: string; message: () => string },
): MatcherResult {
  const dimension = dimensionOf(options, TRAJECTORY_DIMENSIONS[matcher], matcher)
  return concludeCheck(
    state,
    {
      kind: 'check',
      assertion: matcher,
      dimension,
      score,
      floor: 1,
      reason: text.reason,
      judgeName: 'check',
      judgeId: scorerId(matcher, TRAJECTORY_VERSION),
      scorer: TRAJECTORY_DIMENSIONS[matcher],
      latencyMs: performance.now() - started,
      output: listCalls(toolCalls(transcript)) || '(no tool calls)',
    },
    pass,
    text.message,
  )
}

/** Whether a call satisfies an expected call; arguments are compared with Vitest's `equals`, matchers included. */
function callMatches(state: MatcherState, call: ToolCall, wanted: ExpectedToolCall): boolean {
  if (typeof wanted === 'string') return call.name === wanted
  if (call.name !== wanted.name) return false
  return wanted.args === undefined || state.equals(call.arguments, wanted.args, state.customTesters)
}

function describeExpected(state: MatcherState, wanted: ExpectedToolCall): string {
  if (typeof wanted === 'string') return wanted
  return wanted.args === undefined
    ? wanted.name
    : `${wanted.name}(${state.utils.stringify(wanted.args, undefined, { min: true })})`
}

function showCall(call: ToolCall): string {
  return `${call.name}(${JSON.stringify(call.arguments)})`
}

function listCalls(calls: readonly ToolCall[]): string {
  return calls.map(showCall).join('\n')
}

function callsBlock(calls: readonly ToolCall[]): string {
  return calls.length === 0
    ? 'the conversation has no tool calls'
    : `the calls, in order:\n${indent(listCalls(calls))}`
}

/** For a missed call with arguments: the first call to the same tool, and how its arguments differ. */
function nearest(state: MatcherState, calls: readonly ToolCall[], name: string, args: unknown): string {
  if (args === undefined) return ''
  const same = calls.find((call) => call.name === name)
  if (!same) return ''
  const diff = state.utils.diff(args, same.arguments, { expand: false, omitAnnotationLines: false })
  return diff ? `; the first call to ${name} has other arguments:\n${diff}` : ''
}

function summarise(
  result: ToolSequenceResult,
  calls: readonly ToolCall[],
  expected: readonly ExpectedToolCall[],
  state: MatcherState,
): string {
  const parts: string[] = []
  if (result.missing.length > 0) {
    parts.push(
      `missing ${result.missing.map((index) => describeExpected(state, expected[index]!)).join(', ')}`,
    )
  }
  if (result.extra.length > 0)
    parts.push(`extra ${result.extra.map((index) => showCall(calls[index]!)).join(', ')}`)
  if (result.outOfOrder.length > 0) {
    parts.push(`out of order ${result.outOfOrder.map((index) => showCall(calls[index]!)).join(', ')}`)
  }
  return parts.join('; ')
}

/** The expected calls against the calls made, aligned in order: `-` expected only, `+` made only. */
function sequenceDiff(
  result: ToolSequenceResult,
  calls: readonly ToolCall[],
  expected: readonly ExpectedToolCall[],
  state: MatcherState,
): string {
  const lines: string[] = []
  let call = 0
  let want = 0
  const flush = (untilCall: number, untilWant: number) => {
    while (want < untilWant) lines.push(`- ${describeExpected(state, expected[want++]!)}`)
    while (call < untilCall) lines.push(`+ ${showCall(calls[call++]!)}`)
  }
  for (const [pairedCall, pairedWant] of result.aligned) {
    flush(pairedCall, pairedWant)
    lines.push(`  ${showCall(calls[call++]!)}`)
    want++
  }
  flush(calls.length, expected.length)
  return `difference (- expected, not made in this order; + made, not expected here):\n${indent(lines.join('\n'))}`
}

function fixed(value: number): string {
  return value.toFixed(2)
}

function assertToolName(name: unknown, matcher: string): asserts name is string {
  if (typeof name !== 'string' || name === '') {
    throw new RubricArgumentError(
      `${matcher}() needs the tool's name, for example \`${matcher}('lookupOrder')\`; received ${JSON.stringify(name) ?? String(name)}.`,
    )
  }
}

function assertCount(value: unknown, what: string, matcher: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new RubricArgumentError(
      `${matcher}(): ${what} is ${JSON.stringify(value) ?? String(value)}; pass a whole number of 0 or more.`,
    )
  }
}

function assertExpected(expected: unknown, matcher: string): asserts expected is ExpectedToolCall[] {
  const valid =
    Array.isArray(expected) &&
    expected.every(
      (item) =>
        (typeof item === 'string' && item !== '') ||
        (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'),
    )
  if (!valid) {
    throw new RubricArgumentError(
      `${matcher}() needs an array of tool names or { name, args }, for example ` +
        `\`${matcher}(['lookupOrder', { name: 'issueRefund', args: expect.objectContaining({ orderId: 'A-1' }) }])\`; ` +
        `received ${JSON.stringify(expected) ?? String(expected)}.`,
    )
  }
}
