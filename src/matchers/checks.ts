import type { MatcherState } from 'vitest'
import type { $ZodType } from 'zod/v4/core'
import { RubricArgumentError } from '../errors.ts'
import type { CheckRecord } from '../record/schema.ts'
import { findPII } from '../scorers/pii.ts'
import { isRefusal } from '../scorers/refusal.ts'
import { type CheckOutcome, concludeCheck, type MatcherResult, scorerId } from './check-record.ts'
import { readJson } from './json-text.ts'
import { outputToText } from './judged-text.ts'
import { assertSchema, formatPath, prettifyIssues, validateWithSchema } from './schema-check.ts'
import { excerpt, indent } from './text-diff.ts'
import type {
  CheckOptions,
  ContainOptions,
  LengthWithinOptions,
  NoPiiMatchOptions,
  RefusalMatchOptions,
} from './types.ts'

/**
 * The deterministic checks: each scores the output 0 to 1 under a dimension of its own (named by default after
 * the check, `{ dimension }` renames it), passes or fails at once, and needs no `await`.
 */

/** Bumped when a check's scoring changes, so that its records' `judgeId` changes with it. */
const CHECK_VERSION = 1

/** The default dimension of each check. */
export const CHECK_DIMENSIONS = {
  toMatchSchema: 'schema',
  toBeValidJSON: 'json',
  toMatchPattern: 'pattern',
  toContainAll: 'contains-all',
  toContainNone: 'contains-none',
  toHaveLengthWithin: 'length',
  toContainNoPII: 'no-pii',
  toBeRefusal: 'refusal',
} as const

type CheckName = keyof typeof CHECK_DIMENSIONS

/** `expect(output).toMatchSchema(schema)`: JSON text, or a value, that the zod schema accepts. */
export function toMatchSchema(
  this: MatcherState,
  received: unknown,
  schema: $ZodType,
  options: CheckOptions = {},
): MatcherResult {
  const name = 'toMatchSchema'
  const started = performance.now()
  assertSchema(schema, name)
  const text = outputToText(received, name)
  const base: CheckBase = { name, options, text, started }
  let value = received
  if (typeof received === 'string') {
    const reading = readJson(received)
    if (!reading.ok) {
      return conclude(
        this,
        base,
        0,
        `not JSON: ${reading.problem}`,
        () =>
          `expected the output to match the schema, but it is not JSON: ${reading.problem}\n${receivedBlock(text)}`,
      )
    }
    value = reading.value
  }
  const result = validateWithSchema(schema, value, name)
  if (result.success) {
    return conclude(
      this,
      base,
      1,
      'matches the schema',
      () => `expected the output not to match the schema, but it does\n${receivedBlock(text)}`,
    )
  }
  const first = result.issues[0]
  const where = first ? formatPath(first.path) : '(root)'
  const count = `${result.issues.length} ${result.issues.length === 1 ? 'issue' : 'issues'}`
  return conclude(
    this,
    base,
    0,
    `${count}, first at ${where}: ${first?.message ?? 'invalid'}`,
    () =>
      `expected the output to match the schema, but it has ${count} (first at ${where}):\n` +
      `${indent(prettifyIssues(result.issues))}\n${receivedBlock(text)}`,
  )
}

/** `expect(output).toBeValidJSON()`: text that parses as JSON. */
export function toBeValidJSON(
  this: MatcherState,
  received: unknown,
  options: CheckOptions = {},
): MatcherResult {
  const name = 'toBeValidJSON'
  const started = performance.now()
  if (typeof received !== 'string') {
    throw new RubricArgumentError(
      `${name}() checks text, but received ${received === null ? 'null' : typeof received}. ` +
        'Pass the raw model output; to check the shape of a parsed value use toMatchSchema(schema).',
    )
  }
  const base: CheckBase = { name, options, text: received, started }
  const reading = readJson(received)
  if (reading.ok) {
    return conclude(
      this,
      base,
      1,
      'valid JSON',
      () => `expected the output not to be valid JSON, but it is\n${receivedBlock(received)}`,
    )
  }
  return conclude(
    this,
    base,
    0,
    `not JSON: ${reading.problem}`,
    () => `expected the output to be valid JSON, but ${reading.problem}\n${receivedBlock(received)}`,
  )
}

/** `expect(output).toMatchPattern(/regex/)` */
export function toMatchPattern(
  this: MatcherState,
  received: unknown,
  pattern: RegExp,
  options: CheckOptions = {},
): MatcherResult {
  const name = 'toMatchPattern'
  const started = performance.now()
  if (!(pattern instanceof RegExp)) {
    throw new RubricArgumentError(
      `${name}() needs a regular expression, for example \`${name}(/order #\\d{6}/)\`; received ${typeof pattern}. ` +
        'For plain text use toContainAll([text]).',
    )
  }
  const text = outputToText(received, name)
  const base: CheckBase = { name, options, text, started }
  const match = findMatch(text, pattern)
  if (match) {
    return conclude(
      this,
      base,
      1,
      `matches ${String(pattern)} at ${match.at}`,
      () =>
        `expected the output not to match ${String(pattern)}, but it does at ${match.at}: ${JSON.stringify(match.text)}`,
    )
  }
  return conclude(
    this,
    base,
    0,
    `does not match ${String(pattern)}`,
    () => `expected the output to match ${String(pattern)}, but it does not\n${receivedBlock(text)}`,
  )
}

/** `expect(output).toContainAll(['30 days', /refund/i])`: the score is the share of the items found. */
export function toContainAll(
  this: MatcherState,
  received: unknown,
  items: ReadonlyArray<string | RegExp>,
  options: ContainOptions = {},
): MatcherResult {
  const name = 'toContainAll'
  const started = performance.now()
  checkItems(items, name)
  const text = outputToText(received, name)
  const base: CheckBase = { name, options, text, started }
  const found = items.map((item) => ({ item, match: findItem(text, item, options.ignoreCase === true) }))
  const missing = found.filter((entry) => !entry.match)
  const total = `${items.length} ${items.length === 1 ? 'item' : 'items'}`
  const score = (items.length - missing.length) / items.length
  if (missing.length === 0) {
    return conclude(
      this,
      base,
      score,
      `contains all ${total}`,
      () => `expected the output not to contain all ${total}, but it contains every one`,
    )
  }
  const list = missing.map((entry) => `  - ${showItem(entry.item)}`).join('\n')
  return conclude(
    this,
    base,
    score,
    `missing ${missing.map((entry) => showItem(entry.item)).join(', ')}`,
    () =>
      `expected the output to contain all ${total}, but ${missing.length} ${missing.length === 1 ? 'is' : 'are'} missing:\n` +
      `${list}\n${receivedBlock(text)}`,
  )
}

/** `expect(output).toContainNone(['guarantee', /\bfree\b/i])`: the score is the share of the items absent. */
export function toContainNone(
  this: MatcherState,
  received: unknown,
  items: ReadonlyArray<string | RegExp>,
  options: ContainOptions = {},
): MatcherResult {
  const name = 'toContainNone'
  const started = performance.now()
  checkItems(items, name)
  const text = outputToText(received, name)
  const base: CheckBase = { name, options, text, started }
  const present = items.flatMap((item) => {
    const match = findItem(text, item, options.ignoreCase === true)
    return match ? [{ item, match }] : []
  })
  const total = `${items.length} ${items.length === 1 ? 'item' : 'items'}`
  const score = (items.length - present.length) / items.length
  if (present.length === 0) {
    return conclude(
      this,
      base,
      score,
      `contains none of the ${total}`,
      () =>
        `expected the output to contain at least one of the ${total}, but it contains none\n${receivedBlock(text)}`,
    )
  }
  const describeFound = (entry: (typeof present)[number]) =>
    `${showItem(entry.item)}${typeof entry.item === 'string' ? '' : ` (${JSON.stringify(entry.match.text)})`} at ${entry.match.at}`
  return conclude(
    this,
    base,
    score,
    `contains ${present.map(describeFound).join(', ')}`,
    () =>
      `expected the output to contain none of the ${total}, but it contains ${present.length}:\n` +
      present.map((entry) => `  - ${describeFound(entry)}`).join('\n'),
  )
}

/** `expect(output).toHaveLengthWithin({ maxWords: 120 })`: words are runs of non-space, characters code points. */
export function toHaveLengthWithin(
  this: MatcherState,
  received: unknown,
  bounds: LengthWithinOptions,
): MatcherResult {
  const name = 'toHaveLengthWithin'
  const started = performance.now()
  checkBounds(bounds, name)
  const text = outputToText(received, name)
  const base: CheckBase = { name, options: bounds, text, started }
  const trimmed = text.trim()
  const words = trimmed === '' ? 0 : trimmed.split(/\s+/).length
  const chars = Array.from(text).length
  const problems: string[] = []
  const { minWords, maxWords, minChars, maxChars } = bounds
  if (minWords !== undefined && words < minWords)
    problems.push(`${plural(words, 'word')}, fewer than ${minWords}`)
  if (maxWords !== undefined && words > maxWords)
    problems.push(`${plural(words, 'word')}, more than ${maxWords}`)
  if (minChars !== undefined && chars < minChars)
    problems.push(`${plural(chars, 'character')}, fewer than ${minChars}`)
  if (maxChars !== undefined && chars > maxChars)
    problems.push(`${plural(chars, 'character')}, more than ${maxChars}`)
  const wanted = describeBounds(bounds)
  const measured = `${plural(words, 'word')} and ${plural(chars, 'character')}`
  if (problems.length === 0) {
    return conclude(
      this,
      base,
      1,
      `${measured}, within ${wanted}`,
      () => `expected the output not to have ${wanted}, but it has ${measured}`,
    )
  }
  return conclude(
    this,
    base,
    0,
    problems.join('; '),
    () =>
      `expected the output to have ${wanted}, but it has ${problems.join(' and ')}\n${receivedBlock(text)}`,
  )
}

/** `expect(output).toContainNoPII({ allow: ['support@shop.example'] })` */
export function toContainNoPII(
  this: MatcherState,
  received: unknown,
  options: NoPiiMatchOptions = {},
): MatcherResult {
  const name = 'toContainNoPII'
  const started = performance.now()
  const text = outputToText(received, name)
  const { dimension: _, ...piiOptions } = options
  const findings = findPII(text, piiOptions)
  // The record keeps the output with what was found masked, so that reports do not spread it further.
  let masked = text
  for (const finding of [...findings].reverse()) {
    masked =
      masked.slice(0, finding.index) + finding.masked + masked.slice(finding.index + finding.match.length)
  }
  const base: CheckBase = { name, options, text: masked, started }
  if (findings.length === 0) {
    return conclude(
      this,
      base,
      1,
      'no personal data found',
      () => 'expected the output to contain personal data, but none was found',
    )
  }
  const lines = findings.map(
    (finding) => `${finding.kind} ${finding.masked} at line ${finding.line}, column ${finding.column}`,
  )
  return conclude(
    this,
    base,
    0,
    `found ${lines.join('; ')}`,
    () =>
      `expected the output to contain no personal data, but found ${findings.length}:\n` +
      lines.map((line) => `  - ${line}`).join('\n'),
  )
}

/** `expect(output).toBeRefusal()`; `expect(output).not.toBeRefusal()` asserts that the request was answered. */
export function toBeRefusal(
  this: MatcherState,
  received: unknown,
  options: RefusalMatchOptions = {},
): MatcherResult {
  const name = 'toBeRefusal'
  const started = performance.now()
  const text = outputToText(received, name)
  const base: CheckBase = { name, options, text, started }
  const verdict = isRefusal(text, options.extraPhrases ? { extraPhrases: options.extraPhrases } : {})
  if (verdict.refused) {
    const phrase = JSON.stringify(verdict.phrase ?? '')
    return conclude(
      this,
      base,
      1,
      `refuses: ${phrase}`,
      () => `expected the output to answer, but it refuses: ${phrase}\n${receivedBlock(text)}`,
    )
  }
  return conclude(
    this,
    base,
    0,
    'no refusal phrase',
    () => `expected the output to be a refusal, but it contains no refusal phrase\n${receivedBlock(text)}`,
  )
}

/** What every check passes to `conclude`. */
interface CheckBase {
  name: CheckName
  options: CheckOptions
  /** The output as the check read it (and as it is recorded). */
  text: string
  started: number
}

/**
 * Records the check's score under its dimension and returns the raw result, which Vitest flips for `.not`.
 * Every check here is pass/fail at a floor of 1: a score of 1 passes.
 */
function conclude(
  state: MatcherState,
  { name, options, text, started }: CheckBase,
  score: number,
  reason: string,
  message: () => string,
): MatcherResult {
  const dimension = dimensionOf(options, CHECK_DIMENSIONS[name], name)
  const outcome: Omit<CheckOutcome<CheckRecord>, 'assertionPassed'> = {
    kind: 'check',
    assertion: name,
    dimension,
    score,
    floor: 1,
    reason,
    judgeName: 'check',
    judgeId: scorerId(name, CHECK_VERSION),
    scorer: CHECK_DIMENSIONS[name],
    latencyMs: performance.now() - started,
    output: text,
  }
  return concludeCheck(state, outcome, score >= 1, message)
}

/** The dimension a check records under: its own name unless `{ dimension }` says otherwise. */
export function dimensionOf(
  options: { dimension?: string } | undefined,
  fallback: string,
  matcher: string,
): string {
  const dimension = options?.dimension
  if (dimension === undefined) return fallback
  if (typeof dimension !== 'string' || dimension.trim() === '') {
    throw new RubricArgumentError(
      `${matcher}() option \`dimension\` is ${JSON.stringify(dimension)}; pass a non-empty name such as '${fallback}', or leave it out.`,
    )
  }
  return dimension
}

export function receivedBlock(text: string): string {
  return `received:\n${indent(excerpt(text))}`
}

interface Found {
  text: string
  /** `line L, column C`, both from 1. */
  at: string
}

function findMatch(text: string, pattern: RegExp): Found | undefined {
  // A copy without `g` and `y`, so that the caller's `lastIndex` neither matters nor changes.
  const match = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(text)
  return match ? { text: match[0], at: positionOf(text, match.index) } : undefined
}

function findItem(text: string, item: string | RegExp, ignoreCase: boolean): Found | undefined {
  if (item instanceof RegExp) return findMatch(text, item)
  const index = ignoreCase ? text.toLowerCase().indexOf(item.toLowerCase()) : text.indexOf(item)
  return index === -1
    ? undefined
    : { text: text.slice(index, index + item.length), at: positionOf(text, index) }
}

function positionOf(text: string, index: number): string {
  const before = text.slice(0, index)
  const line = before.split('\n').length
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`
}

function showItem(item: string | RegExp): string {
  return typeof item === 'string' ? JSON.stringify(item) : String(item)
}

function checkItems(items: unknown, matcher: string): asserts items is ReadonlyArray<string | RegExp> {
  const valid =
    Array.isArray(items) &&
    items.length > 0 &&
    items.every((item) => (typeof item === 'string' && item !== '') || item instanceof RegExp)
  if (!valid) {
    throw new RubricArgumentError(
      `${matcher}() needs a non-empty array of texts and regular expressions, for example ` +
        `\`${matcher}(['30 days', /refund/i])\`; received ${JSON.stringify(items) ?? String(items)}.`,
    )
  }
}

const BOUND_KEYS = ['minWords', 'maxWords', 'minChars', 'maxChars'] as const

function checkBounds(bounds: unknown, matcher: string): asserts bounds is LengthWithinOptions {
  const fail = (detail: string): never => {
    throw new RubricArgumentError(
      `${matcher}() ${detail}. Pass bounds such as \`${matcher}({ maxWords: 120 })\` or ` +
        `\`${matcher}({ minChars: 20, maxChars: 500 })\`.`,
    )
  }
  if (bounds === null || typeof bounds !== 'object')
    return fail(`needs bounds, but received ${String(bounds)}`)
  const given = bounds as Record<string, unknown>
  if (!BOUND_KEYS.some((key) => given[key] !== undefined)) return fail('needs at least one bound')
  for (const key of BOUND_KEYS) {
    const value = given[key]
    if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 0)) {
      fail(`bound \`${key}\` is ${JSON.stringify(value)}, not a whole number of 0 or more`)
    }
  }
  const { minWords, maxWords, minChars, maxChars } = given as LengthWithinOptions
  if (minWords !== undefined && maxWords !== undefined && minWords > maxWords) {
    fail(`bound \`minWords\` (${minWords}) is above \`maxWords\` (${maxWords})`)
  }
  if (minChars !== undefined && maxChars !== undefined && minChars > maxChars) {
    fail(`bound \`minChars\` (${minChars}) is above \`maxChars\` (${maxChars})`)
  }
}

function describeBounds({ minWords, maxWords, minChars, maxChars }: LengthWithinOptions): string {
  const range = (min: number | undefined, max: number | undefined, unit: string) => {
    if (min !== undefined && max !== undefined) return `${min} to ${max} ${unit}s`
    if (min !== undefined) return `at least ${plural(min, unit)}`
    if (max !== undefined) return `at most ${plural(max, unit)}`
    return undefined
  }
  return [range(minWords, maxWords, 'word'), range(minChars, maxChars, 'character')]
    .filter((part) => part !== undefined)
    .join(' and ')
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`
}
