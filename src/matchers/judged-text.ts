import { RubricArgumentError } from '../errors.ts'
import type { JudgeRequest } from '../types.ts'
import type { JudgedText } from './types.ts'

/**
 * Turns what a test passes as the output into the text the judge reads: strings as they are, other values as
 * pretty JSON. Anything that is neither fails with the fix.
 */
export function outputToText(received: unknown, matcher: string): string {
  if (typeof received === 'string') return received
  const text = serialise(received)
  if (text === undefined) {
    throw new RubricArgumentError(
      `${matcher}() received ${describe(received)}, which is neither text nor a JSON-serialisable value. ` +
        `Pass the model's output: \`await expect(answer).${matcher}(...)\` with a string or a plain object.`,
    )
  }
  return text
}

/** The same for `input`, `context` and `reference`; arrays of passages are joined with blank lines. */
export function optionToText(
  value: JudgedText | undefined,
  name: string,
  matcher: string,
): string | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'string') return value
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join('\n\n')
  const text = serialise(value)
  if (text === undefined) {
    throw new RubricArgumentError(
      `${matcher}() option \`${name}\` is ${describe(value)}; pass text, an array of passages, or a JSON-serialisable object.`,
    )
  }
  return text
}

/**
 * What a judge reads beside the output, from a matcher's options: `input` (else `goal`), `context` and `reference`
 * as text, the absent ones left out.
 */
export function judgedMaterial(
  options: {
    input?: JudgedText | undefined
    context?: JudgedText | undefined
    reference?: JudgedText | undefined
  },
  matcher: string,
  goal?: string,
): Pick<JudgeRequest, 'input' | 'context' | 'reference'> {
  const input = optionToText(options.input, 'input', matcher) ?? goal
  const context = optionToText(options.context, 'context', matcher)
  const reference = optionToText(options.reference, 'reference', matcher)
  return {
    ...(input === undefined ? {} : { input }),
    ...(context === undefined ? {} : { context }),
    ...(reference === undefined ? {} : { reference }),
  }
}

function serialise(value: unknown): string | undefined {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value)
  if (typeof value !== 'object') return undefined
  try {
    return JSON.stringify(value, null, 2)
  } catch {
    return undefined
  }
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined'
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'symbol') return 'a symbol'
  if (typeof value === 'bigint') return 'a bigint'
  return 'an object that cannot be serialised to JSON (a cycle or a bigint inside it?)'
}
