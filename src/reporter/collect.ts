/**
 * Internal to the reporter: reads the records matchers left in `task.meta.rubric` from Vitest's reported tasks.
 */
import { isAbsolute, relative } from 'node:path'
import type { TestCase, Vitest } from 'vitest/node'
import type { LocatedRecord, RubricRecord } from '../record/schema.ts'
import { type HeldRecord, isHeld, mayHold, spoolRecords } from './record-spool.ts'

export type { LocatedRecord } from '../record/schema.ts'

/** The parts of a reported test that collecting reads; a `TestCase` is one. */
export type CollectableTest = Pick<TestCase, 'fullName' | 'meta' | 'result'> & {
  /** Where the test is declared, when Vitest records it (`includeTaskLocation`, which `evals()` turns on). */
  readonly location?: TestCase['location']
  readonly project: { readonly name: string }
}

/** The parts of a reported module that collecting reads; a `TestModule` is one. */
export interface CollectableModule {
  readonly moduleId: string
  readonly children: { allTests(): Iterable<CollectableTest> }
}

/**
 * Every record of the last attempt of every test in `modules`, located by file, test and project. Records held by
 * `holdRecords` are located already, and their spooled text is left on disk.
 */
export function collectRecords(modules: Iterable<CollectableModule>, root: string): HeldRecord[] {
  const located: HeldRecord[] = []
  for (const module of modules) {
    const file = toRootRelative(module.moduleId, root)
    for (const testCase of module.children.allTests()) {
      // Read in place, without a list per test: a run of many thousands of tests ends here.
      const records = (testCase.meta() as { rubric?: unknown }).rubric
      if (!Array.isArray(records) || records.length === 0) continue
      const last = lastRetry(records)
      for (const record of records) {
        if (!isRecord(record) || (record.retry ?? 0) !== last) continue
        located.push(isHeld(record) ? record : locateRecord(testCase, file, record))
      }
    }
  }
  return located
}

/**
 * Once a test module has ended, writes its tests' records whole to the spool and leaves held records in their meta
 * (see record-spool.ts): what Vitest keeps of them until the process ends is then small. Records already held are
 * left as they are, and so is everything when a reporter of the run writes the meta itself.
 */
export function holdRecords(
  module: CollectableModule,
  vitest: { readonly config: Pick<Vitest['config'], 'root' | 'reporters'> },
): void {
  if (!mayHold(vitest.config.reporters)) return
  const file = toRootRelative(module.moduleId, vitest.config.root)
  const slots: { records: unknown[]; index: number }[] = []
  const located: LocatedRecord[] = []
  for (const testCase of module.children.allTests()) {
    const records = (testCase.meta() as { rubric?: unknown }).rubric
    if (!Array.isArray(records)) continue
    records.forEach((record, index) => {
      if (!isRecord(record) || isHeld(record)) return
      slots.push({ records, index })
      located.push(locateRecord(testCase, file, record))
    })
  }
  if (located.length === 0) return
  const held = spoolRecords(located)
  if (!held) return
  slots.forEach((slot, at) => {
    slot.records[slot.index] = held[at]
  })
}

function locateRecord(testCase: CollectableTest, file: string, record: RubricRecord): LocatedRecord {
  // A `describeEval` row asserts in library code: its records point at the line that declared the test.
  const line = testCase.location?.line
  return {
    file,
    test: testCase.fullName,
    project: testCase.project.name,
    state: testCase.result().state,
    ...(line === undefined ? {} : { line }),
    ...record,
  }
}

/**
 * The records of the highest retry present. Meta accumulates across retries, so earlier attempts are still
 * there; only the last one says how the test ended.
 */
export function lastAttempt<T extends Pick<RubricRecord, 'retry'>>(records: readonly T[]): T[] {
  const last = lastRetry(records)
  return records.filter((record) => (record.retry ?? 0) === last)
}

function lastRetry(records: readonly unknown[]): number {
  let last = 0
  for (const record of records) last = Math.max(last, (record as Partial<RubricRecord>).retry ?? 0)
  return last
}

/** `path` relative to `root` with `/` separators; ids that are not file paths are kept as they are. */
export function toRootRelative(path: string, root: string): string {
  if (!isAbsolute(path)) return path.replaceAll('\\', '/')
  return relative(root, path).replaceAll('\\', '/')
}

/**
 * Identifies the call a record came from within the run: the records of one judge call share it. A call id is
 * unique in a run, a hash of the test's id (which Vitest makes unique per project and file), its attempt and the
 * call's place in the test; an upgraded version 2 report's ids name the test (read-report.ts). The id itself, and
 * no key built from it: at tens of thousands of records, one new string per record was megabytes when a run ends.
 */
export function callKey(record: Pick<HeldRecord, 'callId'>): string {
  return record.callId
}

// Records are read as unknown: meta arrives as JSON from workers or merged blobs, and whether `TaskMeta` carries
// the `rubric` augmentation depends on how the consumer's types resolve.
function isRecord(value: unknown): value is RubricRecord {
  if (value === null || typeof value !== 'object') return false
  const record = value as Partial<RubricRecord>
  return (
    typeof record.kind === 'string' &&
    typeof record.dimension === 'string' &&
    (typeof record.score === 'number' || record.score === null)
  )
}
