import type { JudgedConversation } from '../../types.ts'

/** What a heuristic method sees of a judge request. */
export interface MethodInput {
  output: string
  input?: string
  context?: string
  reference?: string
  /** The conversation, when the output is one. */
  conversation?: JudgedConversation
}

/** A method's verdict: a score in [0, 1] with the evidence, or the request field it cannot do without. */
export type MethodResult = { score: number; reason: string } | { missing: MissingField; reason: string }

/** A request field a method needs, and how the user passes it. */
export type MissingField =
  | 'context'
  | 'input'
  | 'input, context or reference'
  | 'reference'
  | 'expectedTools'
  | 'llm judge'

export function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value))
}
