import { createRequire } from 'node:module'
import type { $ZodIssue, $ZodType } from 'zod/v4/core'
import { RubricArgumentError } from '../errors.ts'

type Zod = typeof import('zod')

// zod is loaded on the first failure to prettify: the user's schema parses without it, and a passing suite
// never pays for the import.
const require = createRequire(import.meta.url)
let zod: Zod | undefined

/** An issue as zod (and Standard Schema) reports it. */
type Issue = Pick<$ZodIssue, 'message' | 'path'>

/** A Standard Schema issue: path segments may be `{ key }` objects. */
interface StandardIssue {
  message: string
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>
}

export type SchemaResult = { success: true } | { success: false; issues: readonly Issue[] }

/**
 * Validates a value against a zod 4 schema: classic schemas through `safeParse`, zod/mini and other Standard
 * Schema validators through `~standard.validate`. The check is synchronous, so a schema with async refinements
 * is refused with the fix.
 */
export function validateWithSchema(schema: $ZodType, value: unknown, matcher: string): SchemaResult {
  assertSchema(schema, matcher)
  const candidate = schema as unknown as {
    safeParse?: (value: unknown) => { success: boolean; error?: { issues: Issue[] } }
    '~standard': { validate: (value: unknown) => unknown }
  }
  try {
    if (typeof candidate.safeParse === 'function') {
      const result = candidate.safeParse(value)
      return result.success ? { success: true } : { success: false, issues: result.error?.issues ?? [] }
    }
    const result = candidate['~standard'].validate(value) as
      | { issues?: StandardIssue[] }
      | PromiseLike<unknown>
    if ('then' in result && typeof result.then === 'function') throw asyncSchemaError(matcher)
    const issues = (result as { issues?: StandardIssue[] }).issues
    return issues ? { success: false, issues: issues.map(normaliseIssue) } : { success: true }
  } catch (error) {
    if (error instanceof RubricArgumentError) throw error
    // zod throws "Encountered Promise during synchronous parse" for async refinements.
    if (error instanceof Error && /Promise|async/i.test(error.message)) throw asyncSchemaError(matcher)
    throw error
  }
}

/** The issues as `z.prettifyError` shows them: one `✖ message` per issue, with `→ at path` under it. */
export function prettifyIssues(issues: readonly Issue[]): string {
  zod ??= require('zod') as Zod
  return zod.prettifyError({ issues } as unknown as Parameters<Zod['prettifyError']>[0])
}

/** A path like `items[0].price`, or `(root)` for the value itself. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)'
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else if (typeof key === 'symbol') out += `[${String(key)}]`
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`
    else out += `[${JSON.stringify(key)}]`
  }
  return out
}

/** Fails with the fix unless `schema` can validate: a zod 4 schema (or another Standard Schema validator). */
export function assertSchema(schema: unknown, matcher: string): asserts schema is $ZodType {
  const candidate = schema as { safeParse?: unknown; '~standard'?: { validate?: unknown } } | null | undefined
  if (typeof candidate?.safeParse === 'function' || typeof candidate?.['~standard']?.validate === 'function')
    return
  throw new RubricArgumentError(
    `${matcher}() needs a zod 4 schema, for example \`${matcher}(z.object({ answer: z.string() }))\`; received ${describe(schema)}.`,
  )
}

function normaliseIssue(issue: StandardIssue): Issue {
  const path = (issue.path ?? []).map((segment) => (typeof segment === 'object' ? segment.key : segment))
  return { message: issue.message, path }
}

function asyncSchemaError(matcher: string): RubricArgumentError {
  return new RubricArgumentError(
    `${matcher}() checks synchronously, but the schema has an async refinement or transform. Check it yourself: ` +
      '`expect((await schema.safeParseAsync(value)).success).toBe(true)`, or drop the async part.',
  )
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object that is not a schema'
  return typeof value
}
