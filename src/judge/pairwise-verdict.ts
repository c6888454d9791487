import { z } from 'zod'
import { preferenceScore } from '../reliability/pairwise.ts'
import type { DimensionScore } from '../types.ts'
import { findJsonObject, type VerdictJsonSchema, type VerdictResult } from './verdict.ts'

/**
 * The schema of one comparison's verdict: exactly the requested dimensions as keys, each holding a non-empty
 * `reason` (declared first, so structured output writes it before the preference) and a `preference`.
 */
export function preferenceSchema(dimensions: readonly string[]) {
  const key = JSON.stringify(dimensions)
  let schema = schemas.get(key)
  if (!schema) {
    if (schemas.size >= 64) schemas.clear()
    schema = buildPreferenceSchema(dimensions)
    schemas.set(key, schema)
  }
  return schema
}

const schemas = new Map<string, ReturnType<typeof buildPreferenceSchema>>()

function buildPreferenceSchema(dimensions: readonly string[]) {
  const entry = z.strictObject(
    {
      reason: z
        .string({ error: 'expected the reason as a string' })
        .trim()
        .min(1, 'the reason is empty; compare the outputs before giving the preference')
        .describe('Why one output is better, pointing at both. Written before the preference.'),
      preference: z
        .enum(['A', 'B', 'tie'], { error: 'expected "A", "B" or "tie"' })
        .describe('The better output on this dimension, or "tie".'),
    },
    {
      error: (issue) =>
        issue.code !== 'invalid_type'
          ? undefined
          : issue.input === undefined
            ? 'no verdict for this dimension'
            : 'expected an object { "reason": "...", "preference": "A" | "B" | "tie" }',
    },
  )
  const shape: Record<string, typeof entry> = {}
  for (const dimension of dimensions) shape[dimension] = entry
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'invalid_type' ? 'expected a JSON object with one key per dimension' : undefined,
  })
}

/** The preference schema as strict JSON Schema for `response_format: { type: 'json_schema' }`. */
export function preferenceJsonSchema(dimensions: readonly string[]): VerdictJsonSchema {
  const { $schema: _, ...schema } = z.toJSONSchema(preferenceSchema(dimensions), { target: 'draft-7' })
  return { name: 'rubric_preference', strict: true, schema }
}

/**
 * Reads a judge's comparison: finds the JSON object in the reply and validates it. Each dimension's score is the
 * share of the preference that A gets (1, 0.5 or 0), with the preference itself beside it.
 */
export function parsePreferenceVerdict(text: string, dimensions: readonly string[]): VerdictResult {
  const found = findJsonObject(text)
  if (!found.ok) return found
  const result = preferenceSchema(dimensions).safeParse(found.value)
  if (!result.success) {
    return { ok: false, message: `the verdict does not match the schema:\n${z.prettifyError(result.error)}` }
  }
  const scores: Record<string, DimensionScore> = {}
  for (const dimension of dimensions) {
    const { reason, preference } = result.data[dimension]!
    scores[dimension] = { score: preferenceScore(preference), reason, preference }
  }
  return { ok: true, scores }
}
