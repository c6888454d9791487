/**
 * Internal to the reporter: reads the records matchers left in `task.meta.rubric` from Vitest's reported tasks.
 */
import { isAbsolute, relative } from 'node:path'
import type { TestCase, TestState } from 'vitest/node'
import type { RubricRecord } from '../types.ts'

/** A record with where it was made. */
export interface LocatedRecord extends RubricRecord {
  /** The test file, relative to the Vitest root, with `/` separators. */
  file: string
  /** The test's full name: its suites and its own name, joined with ` > `. */
  test: string
  /** The Vitest project the test ran in (`''` for the root project). */
  project: string
  /** The test's final state. */
  state: TestState
  /** Identifies the judge call the record came from within the run: records of one call share it. */
  call: string
}

/** The parts of a reported test that collecting reads; a `TestCase` is one. */
export type CollectableTest = Pick<TestCase, 'fullName' | 'meta' | 'result'> & {
  readonly project: { readonly name: string }
}

/** The parts of a reported module that collecting reads; a `TestModule` is one. */
export interface CollectableModule {
  readonly moduleId: string
  readonly children: { allTests(): Iterable<CollectableTest> }
}

/** Every record of the last attempt of every test in `modules`, located by file, test and project. */
export function collectRecords(modules: Iterable<CollectableModule>, root: string): LocatedRecord[] {
  const located: LocatedRecord[] = []
  for (const module of modules) {
    const file = toRootRelative(module.moduleId, root)
    for (const testCase of module.children.allTests()) {
      const records = readRecords(testCase.meta())
      if (records.length === 0) continue
      const test = testCase.fullName
      const project = testCase.project.name
      const state = testCase.result().state
      for (const record of lastAttempt(records)) {
        const call = `${project}\u0000${file}\u0000${test}\u0000${callKey(record)}`
        located.push({ ...record, file, test, project, state, call })
      }
    }
  }
  return located
}

/**
 * The records of the highest retry present. Meta accumulates across retries, so earlier attempts are still
 * there; only the last one says how the test ended.
 */
export function lastAttempt<T extends Pick<RubricRecord, 'retry'>>(records: readonly T[]): T[] {
  let last = 0
  for (const record of records) last = Math.max(last, record.retry ?? 0)
  return records.filter((record) => (record.retry ?? 0) === last)
}

/** `path` relative to `root` with `/` separators; ids that are not file paths are kept as they are. */
export function toRootRelative(path: string, root: string): string {
  if (!isAbsolute(path)) return path.replaceAll('\\', '/')
  return relative(root, path).replaceAll('\\', '/')
}

/** `callId`, or for records made without one, what the records of one judge call have in common. */
function callKey(record: RubricRecord): string {
  if (typeof record.callId === 'string') return record.callId
  return JSON.stringify([record.assertion, record.judgeId, record.source, record.latencyMs, record.output])
}

// Read as unknown: meta arrives as JSON from workers or merged blobs, and whether `TaskMeta` carries the
// `rubric` augmentation depends on how the consumer's types resolve.
function readRecords(meta: object): RubricRecord[] {
  const records = (meta as { rubric?: unknown }).rubric
  if (!Array.isArray(records)) return []
  return records.filter(isRecord)
}

function isRecord(value: unknown): value is RubricRecord {
  if (value === null || typeof value !== 'object') return false
  const record = value as Partial<RubricRecord>
  return typeof record.dimension === 'string' && (typeof record.score === 'number' || record.score === null)
}
