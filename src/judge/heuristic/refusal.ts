import { isRefusal } from '../../scorers/refusal.ts'

/**
 * Non-answers: the output declines (the refusal scorer), says it does not know, or sends the user elsewhere
 * instead of answering.
 */

/** What kind of non-answer an output is. */
export type NonAnswerKind = 'refusal' | 'no-knowledge' | 'deflection'

const NO_KNOWLEDGE: readonly RegExp[] = [
  /\b(?:i|we) (?:do not|don't|dont) (?:know|have (?:that|this|any|enough) information)\b/i,
  /\b(?:i|we) (?:have|had) no (?:information|idea|data)\b/i,
  /\bi(?:'m| am) not sure\b/i,
  /\b(?:that|this) is (?:outside|beyond) (?:my|our|the) (?:scope|knowledge|expertise)\b/i,
]

const DEFLECTIONS: readonly RegExp[] = [
  /\b(?:please )?(?:contact|call|email|reach out to|ask) (?:our |the |your )?(?:support|customer service|help ?desk|administrator|team|someone else)\b/i,
  /\b(?:check|see|read|consult) (?:the|our) (?:\w+ )?(?:documentation|docs|faq|website|manual|help cent(?:er|re))\b/i,
  /\b(?:search|google) (?:it|for it|online)\b/i,
]

/** How a non-answer reads in a reason. */
export const NON_ANSWER_LABEL: Record<NonAnswerKind, string> = {
  refusal: 'declines to answer',
  'no-knowledge': 'says it does not know',
  deflection: 'sends the user elsewhere',
}

/** The first sign that the output does not answer, if any. */
export function findNonAnswer(text: string): { kind: NonAnswerKind; phrase: string } | undefined {
  const refusal = isRefusal(text)
  if (refusal.refused) return { kind: 'refusal', phrase: refusal.phrase ?? '' }
  for (const [kind, patterns] of [
    ['no-knowledge', NO_KNOWLEDGE],
    ['deflection', DEFLECTIONS],
  ] as const) {
    for (const pattern of patterns) {
      const match = pattern.exec(text)
      if (match) return { kind, phrase: match[0] }
    }
  }
  return undefined
}
