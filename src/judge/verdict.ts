import { z } from 'zod'
import { normalizeScore } from '../rubric/define-rubric.ts'
import type { DimensionScore, RubricScale } from '../types.ts'

/** The outcome of reading a judge's reply: scores per dimension, or why the reply cannot be used. */
export type VerdictResult =
  | { ok: true; scores: Record<string, DimensionScore> }
  | { ok: false; message: string }

/** The `json_schema` part of a chat completions `response_format`. */
export interface VerdictJsonSchema {
  name: string
  strict: true
  schema: Record<string, unknown>
}

/**
 * The schema of one verdict: an object with exactly the requested dimensions as keys, each holding a non-empty
 * `reason` (declared first, so structured output writes it before the score) and an integer `score` on the scale.
 */
export function verdictSchema(dimensions: readonly string[], scale: RubricScale) {
  return remembered(schemas, dimensions, scale, () => buildVerdictSchema(dimensions, scale))
}

function buildVerdictSchema(dimensions: readonly string[], scale: RubricScale) {
  const range = `an integer from ${scale.min} to ${scale.max}`
  const entry = z.strictObject(
    {
      reason: z
        .string({ error: 'expected the reason as a string' })
        .trim()
        .min(1, 'the reason is empty; explain the score before giving it')
        .describe('Why the material deserves the score, pointing at it. Written before the score.'),
      score: z
        .int({ error: `expected ${range}` })
        .min(scale.min, `expected ${range}`)
        .max(scale.max, `expected ${range}`)
        .describe(`The score, ${range}.`),
    },
    {
      error: (issue) =>
        issue.code !== 'invalid_type'
          ? undefined
          : issue.input === undefined
            ? 'no verdict for this dimension'
            : 'expected an object { "reason": "...", "score": <integer> }',
    },
  )
  const shape: Record<string, typeof entry> = {}
  for (const dimension of dimensions) shape[dimension] = entry
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'expected a JSON object with one key per dimension' : undefined,
  })
}

/**
 * The verdict schema as JSON Schema for `response_format: { type: 'json_schema' }` in strict mode: every object
 * lists all its properties as required and forbids others, and the root carries no `$schema` keyword.
 */
export function verdictJsonSchema(dimensions: readonly string[], scale: RubricScale): VerdictJsonSchema {
  return remembered(jsonSchemas, dimensions, scale, () => {
    const { $schema: _, ...schema } = z.toJSONSchema(verdictSchema(dimensions, scale), { target: 'draft-7' })
    return { name: 'rubric_verdict', strict: true, schema }
  })
}

// Building a zod schema and its JSON Schema costs a few milliseconds, and a suite asks for the same few over and
// over: they are kept per dimensions and scale (both are immutable once built).
const schemas = new Map<string, ReturnType<typeof buildVerdictSchema>>()
const jsonSchemas = new Map<string, VerdictJsonSchema>()
const REMEMBERED = 64

function remembered<T>(
  cache: Map<string, T>,
  dimensions: readonly string[],
  scale: RubricScale,
  build: () => T,
): T {
  const key = JSON.stringify([dimensions, scale.min, scale.max])
  let value = cache.get(key)
  if (value === undefined) {
    if (cache.size >= REMEMBERED) cache.clear()
    value = build()
    cache.set(key, value)
  }
  return value
}

/**
 * Reads a judge's reply: finds the JSON object in it (bare, in a ```json fence, or wrapped in prose), validates
 * it against the verdict schema and normalises each score to [0, 1], keeping the raw score.
 */
export function parseVerdict(text: string, dimensions: readonly string[], scale: RubricScale): VerdictResult {
  const found = findJsonObject(text)
  if (!found.ok) return found
  const result = verdictSchema(dimensions, scale).safeParse(found.value)
  if (!result.success) {
    return { ok: false, message: `the verdict does not match the schema:\n${z.prettifyError(result.error)}` }
  }
  const scores: Record<string, DimensionScore> = {}
  for (const dimension of dimensions) {
    const verdict = result.data[dimension]!
    scores[dimension] = {
      score: normalizeScore(verdict.score, scale),
      raw: verdict.score,
      reason: verdict.reason,
    }
  }
  return { ok: true, scores }
}

type Found = { ok: true; value: Record<string, unknown> } | { ok: false; message: string }

/** The JSON object in a judge's reply: bare, in a ```json fence, or wrapped in prose; or why there is none. */
export function findJsonObject(text: string): Found {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, message: 'the reply is empty' }
  let firstError: string | undefined
  const candidates = [trimmed, ...fencedBlocks(trimmed), ...balancedObjects(trimmed)]
  for (const candidate of candidates) {
    if (!candidate.startsWith('{')) continue
    try {
      const value: unknown = JSON.parse(candidate)
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return { ok: true, value: value as Record<string, unknown> }
      }
    } catch (error) {
      firstError ??= error instanceof Error ? error.message : String(error)
    }
  }
  return {
    ok: false,
    message:
      firstError === undefined
        ? `the reply contains no JSON object: ${excerpt(trimmed)}`
        : `the reply is not valid JSON (${firstError}): ${excerpt(trimmed)}`,
  }
}

function fencedBlocks(text: string): string[] {
  return [...text.matchAll(/```[a-zA-Z]*[ \t]*\r?\n?([\s\S]*?)```/g)].map((match) => match[1]!.trim())
}

/** Every top-level `{...}` span, matched by brace depth outside JSON strings. */
function balancedObjects(text: string): string[] {
  const spans: string[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (char === '\\') i++
      else if (char === '"') inString = false
    } else if (char === '"' && depth > 0) {
      inString = true
    } else if (char === '{') {
      if (depth === 0) start = i
      depth++
    } else if (char === '}' && depth > 0) {
      depth--
      if (depth === 0) spans.push(text.slice(start, i + 1))
    }
  }
  return spans
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ')
  return JSON.stringify(flat.length > 200 ? `${flat.slice(0, 200)}...` : flat)
}
