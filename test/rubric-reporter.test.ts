import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import type { TestModule, Vitest } from 'vitest/node'
import type { JudgmentRecord } from '../src/record/schema.ts'
import type { CollectableModule, CollectableTest } from '../src/reporter/collect.ts'
import { collectRecords } from '../src/reporter/collect.ts'
import { REPORT_SCHEMA_VERSION, type RubricReport } from '../src/reporter/report-json.ts'
import RubricReporterDefault, { RubricReporter } from '../src/reporter.ts'
import { judgmentRecord } from './support/records.ts'

function rubricRecord(overrides: Partial<JudgmentRecord>): JudgmentRecord {
  return judgmentRecord({
    assertion: 'toScoreAtLeast',
    callId: 'c1',
    dimension: 'faithfulness',
    score: 0.8,
    floor: 0.5,
    pass: true,
    reason: '',
    judgeId: 'heuristic',
    judgeName: 'heuristic@1 (offline)',
    rubricId: 'r1',
    latencyMs: 2,
    source: 'live',
    retry: 0,
    output: 'Refunds take 14 days.',
    ...overrides,
  })
}

function fakeTest(fullName: string, rubric: unknown, state: 'passed' | 'failed' = 'passed'): CollectableTest {
  return {
    fullName,
    project: { name: 'evals' },
    meta: (() => (rubric === undefined ? {} : { rubric })) as CollectableTest['meta'],
    result: () =>
      ({ state, errors: state === 'failed' ? [] : undefined }) as ReturnType<CollectableTest['result']>,
  }
}

function fakeModule(moduleId: string, tests: CollectableTest[]): TestModule {
  const module: CollectableModule & Pick<TestModule, 'meta'> = {
    moduleId,
    children: { allTests: () => tests },
    meta: () => ({}),
  }
  return module as unknown as TestModule
}

function fakeVitest(root: string, options: { watch?: boolean; all?: TestModule[]; isTTY?: boolean } = {}) {
  const lines: string[] = []
  const vitest = {
    version: '4.1.12',
    config: { root, watch: options.watch ?? false },
    state: { getTestModules: () => options.all ?? [] },
    logger: { log: (text: string) => lines.push(text), outputStream: { isTTY: options.isTTY ?? false } },
  }
  return { vitest: vitest as unknown as Vitest, lines }
}

let root: string
beforeEach(async () => {
  // Vitest's own environment may force colours; each test says what it expects.
  vi.stubEnv('FORCE_COLOR', '')
  vi.stubEnv('NO_COLOR', '')
  root = await mkdtemp(join(tmpdir(), 'vitest-rubric-reporter-'))
})
afterEach(async () => {
  vi.unstubAllEnvs()
  await rm(root, { recursive: true, force: true })
})

describe('collectRecords', () => {
  test('locates records by file relative to the root, full test name and project', () => {
    const module = fakeModule(join(root, 'evals', 'qa.eval.ts'), [
      fakeTest('answers > refunds', [rubricRecord({})], 'failed'),
      fakeTest('no scores', undefined),
      fakeTest('not records', 'garbage'),
    ])
    expect(collectRecords([module], root)).toMatchObject([
      { file: 'evals/qa.eval.ts', test: 'answers > refunds', project: 'evals', state: 'failed' },
    ])
  })

  test('keeps the last attempt of a retried test', () => {
    const module = fakeModule(join(root, 'qa.eval.ts'), [
      fakeTest('flaky', [
        rubricRecord({ retry: 0, score: 0.1, callId: 'a' }),
        rubricRecord({ retry: 1, score: 0.9, callId: 'b' }),
      ]),
      fakeTest('steady', [rubricRecord({ score: 0.7 })]),
    ])
    expect(collectRecords([module], root).map((r) => [r.test, r.score])).toEqual([
      ['flaky', 0.9],
      ['steady', 0.7],
    ])
  })

  test('links a record to its assertion’s line, else to the line that declared its test', () => {
    const declared = { ...fakeTest('row 1', [rubricRecord({})]), location: { line: 7, column: 1 } }
    const asserted = { ...fakeTest('qa', [rubricRecord({ line: 12 })]), location: { line: 10, column: 1 } }
    const module = fakeModule(join(root, 'qa.eval.ts'), [
      declared,
      asserted,
      fakeTest('unlocated', [rubricRecord({})]),
    ])
    expect(collectRecords([module], root).map((r) => [r.test, r.line])).toEqual([
      ['row 1', 7],
      ['qa', 12],
      ['unlocated', undefined],
    ])
  })
})

describe('RubricReporter', () => {
  const scored = () =>
    fakeModule(join(root, 'evals', 'qa.eval.ts'), [
      fakeTest('refunds', [
        rubricRecord({ dimension: 'faithfulness', score: 1 }),
        rubricRecord({ dimension: 'relevance', score: 0.4, pass: false }),
      ]),
    ])

  test('is the default export too', () => {
    expect(RubricReporterDefault).toBe(RubricReporter)
  })

  test('prints the tables and writes report.json under the root', async () => {
    const { vitest, lines } = fakeVitest(root)
    const reporter = new RubricReporter()
    reporter.onInit(vitest)
    await reporter.onTestRunEnd([scored()], [], 'failed')
    const output = lines.join('\n')
    expect(output).toContain('judge heuristic@1 (offline) · 1 live call · 0 stored · 0 tokens')
    expect(output).toContain('evals/qa.eval.ts')
    expect(output).toContain('relevance     1  0.40   -       -  0.40  0.40  0/1   0%   0.50       0')
    expect(output).toContain(' report .vitest-rubric/report.json')
    expect(output).not.toContain('\u001b[')
    const report = JSON.parse(
      await readFile(join(root, '.vitest-rubric', 'report.json'), 'utf8'),
    ) as RubricReport
    expect(report).toMatchObject({ schemaVersion: REPORT_SCHEMA_VERSION, vitestVersion: '4.1.12' })
    expect(report.judgments).toHaveLength(2)
  })

  test('prints and writes nothing when no test recorded a score', async () => {
    const { vitest, lines } = fakeVitest(root)
    const reporter = new RubricReporter()
    reporter.onInit(vitest)
    await reporter.onTestRunEnd(
      [fakeModule(join(root, 'unit.test.ts'), [fakeTest('plain', undefined)])],
      [],
      'passed',
    )
    expect(lines).toEqual([])
    expect(existsSync(join(root, '.vitest-rubric'))).toBe(false)
  })

  test('outputFile: false writes no report; a custom path is relative to the root', async () => {
    const first = fakeVitest(root)
    const none = new RubricReporter({ outputFile: false })
    none.onInit(first.vitest)
    await none.onTestRunEnd([scored()], [], 'passed')
    expect(existsSync(join(root, '.vitest-rubric'))).toBe(false)
    expect(first.lines.join('\n')).not.toContain('report')

    const second = fakeVitest(root)
    const custom = new RubricReporter({ outputFile: 'out/rubric.json', perFile: false })
    custom.onInit(second.vitest)
    await custom.onTestRunEnd([scored()], [], 'passed')
    expect(existsSync(join(root, 'out', 'rubric.json'))).toBe(true)
    expect(second.lines.join('\n')).toContain(' report out/rubric.json')
    expect(second.lines.join('\n')).toContain('all files (1)')
  })

  test('in watch mode the tables cover the whole suite, not only the re-run files', async () => {
    const other = fakeModule(join(root, 'evals', 'tone.eval.ts'), [
      fakeTest('polite', [rubricRecord({ dimension: 'tone', source: 'stored' })]),
    ])
    const rerun = scored()
    const { vitest, lines } = fakeVitest(root, { watch: true, all: [rerun, other] })
    const reporter = new RubricReporter({ outputFile: false })
    reporter.onInit(vitest)
    await reporter.onTestRunEnd([rerun], [], 'passed')
    expect(lines.join('\n')).toContain('evals/tone.eval.ts')
    expect(lines.join('\n')).toContain('all files (2)')
  })

  test('colours on a terminal, unless NO_COLOR is set', async () => {
    const tty = fakeVitest(root, { isTTY: true })
    const reporter = new RubricReporter({ outputFile: false })
    reporter.onInit(tty.vitest)
    await reporter.onTestRunEnd([scored()], [], 'passed')
    expect(tty.lines.join('\n')).toContain('\u001b[')

    vi.stubEnv('NO_COLOR', '1')
    const plain = fakeVitest(root, { isTTY: true })
    reporter.onInit(plain.vitest)
    await reporter.onTestRunEnd([scored()], [], 'passed')
    expect(plain.lines.join('\n')).not.toContain('\u001b[')
  })
})
