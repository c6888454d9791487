import { isDeepStrictEqual } from 'node:util'
import { assistantText, toolCalls } from '../../transcript/assistant-text.ts'
import type { ToolCall } from '../../transcript/schema.ts'
import { compareToolSequence, type ExpectedToolCall } from '../../transcript/tool-sequence.ts'
import type { JudgeRequest } from '../../types.ts'
import { scoreCompleteness } from './completeness.ts'
import type { MethodInput, MethodResult } from './method.ts'

/**
 * The heuristic judge on conversations: text methods read the assistant's turns, with the tool results as
 * context; the conversation dimensions are scored only where a deterministic method is honest (tool use
 * against expected calls, goal completion against an expected outcome), and otherwise answered with an error
 * that points to an LLM judge.
 */

const LLM_JUDGE = "use an LLM judge: evals({ judge: { model: 'gpt-4.1-mini' } })"

/** What the text methods read of a conversation: the assistant's text, the user's turns, the tool results. */
export function conversationInput(request: JudgeRequest): MethodInput {
  const { transcript, scope } = request.conversation!
  const texts = (role: 'user' | 'tool') =>
    transcript.messages.flatMap((message) => (message.role === role ? [message.content] : [])).join('\n\n')
  const context = [request.context, texts('tool')]
    .filter((text) => text !== undefined && text !== '')
    .join('\n\n')
  const input = request.input ?? texts('user')
  return {
    output: assistantText(transcript, scope === 'lastTurn' ? 'last' : 'all') ?? '',
    ...(input === '' ? {} : { input }),
    ...(context === '' ? {} : { context }),
    ...(request.reference === undefined ? {} : { reference: request.reference }),
    conversation: request.conversation!,
  }
}

/** `toolUse`: the tool-call F1 against the expected calls, in order. */
export function scoreToolUse(input: MethodInput): MethodResult {
  const expected = input.conversation?.expectedTools
  if (!input.conversation || expected === undefined) {
    return {
      missing: 'expectedTools',
      reason:
        'toolUse needs the expected tool calls offline: pass { expectedTools: [...] } to the matcher, or ' +
        `${LLM_JUDGE}, which judges tool use without them`,
    }
  }
  const calls = toolCalls(input.conversation.transcript)
  const result = compareToolSequence(calls, expected, 'inOrder', matchesPlainly)
  const parts = [
    `tool-call F1 ${result.f1.toFixed(2)} against the expected calls in order ` +
      `(precision ${result.precision.toFixed(2)}, recall ${result.recall.toFixed(2)})`,
  ]
  const name = (wanted: ExpectedToolCall) => (typeof wanted === 'string' ? wanted : wanted.name)
  if (result.missing.length > 0)
    parts.push(`missing ${result.missing.map((i) => name(expected[i]!)).join(', ')}`)
  if (result.extra.length > 0) parts.push(`extra ${result.extra.map((i) => calls[i]!.name).join(', ')}`)
  if (result.outOfOrder.length > 0) {
    parts.push(`out of order ${result.outOfOrder.map((i) => calls[i]!.name).join(', ')}`)
  }
  return { score: result.f1, reason: `${parts.join('; ')}.` }
}

/** `goalCompletion`: how much of the expected outcome the assistant's last answer states. */
export function scoreGoalCompletion(input: MethodInput): MethodResult {
  if (input.reference === undefined || input.conversation === undefined) {
    return {
      missing: 'reference',
      reason:
        'goalCompletion cannot be judged offline without the expected outcome: pass { reference: ' +
        `'<what the user should end up with>' } to the matcher, or ${LLM_JUDGE}`,
    }
  }
  const last = assistantText(input.conversation.transcript, 'last') ?? ''
  return scoreCompleteness({ output: last, reference: input.reference })
}

/** A dimension no text method can score honestly. */
export function unscorable(dimension: string, why: string) {
  return (): MethodResult => ({
    missing: 'llm judge',
    reason: `the heuristic judge cannot score ${dimension} (${why}); ${LLM_JUDGE}`,
  })
}

/** Arguments compared as JSON, or by an asymmetric matcher's own test (the judge runs outside `expect`). */
function matchesPlainly(call: ToolCall, wanted: ExpectedToolCall): boolean {
  if (typeof wanted === 'string') return call.name === wanted
  if (call.name !== wanted.name) return false
  if (wanted.args === undefined) return true
  const matcher = wanted.args as { asymmetricMatch?: (other: unknown) => boolean }
  if (typeof matcher.asymmetricMatch === 'function') return matcher.asymmetricMatch(call.arguments)
  return isDeepStrictEqual(call.arguments, wanted.args)
}
