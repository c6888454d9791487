import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import {
  buildReport,
  REPORT_SCHEMA_VERSION,
  reportChunks,
  stringifyReport,
} from '../src/reporter/report-json.ts'
import { reportSchema } from '../src/reporter/schema.ts'
import { writeChunksAtomic, writeFileAtomic } from '../src/util/atomic-write.ts'
import { type LocatedJudgment, locatedJudgment, simulationTurn } from './support/records.ts'

function record(overrides: Partial<LocatedJudgment>): LocatedJudgment {
  return locatedJudgment({
    file: 'qa.eval.ts',
    test: 'answers > refunds',
    project: 'evals',
    state: 'passed',
    callId: 'c1',
    assertion: 'toSatisfyRubric',
    dimension: 'faithfulness',
    score: 0.75,
    floor: 0.5,
    pass: true,
    reason: 'supported by the context',
    judgeId: 'j1',
    judgeName: 'gpt-4.1-mini',
    model: 'gpt-4.1-mini',
    rubricId: 'r1',
    tokens: { prompt: 100, completion: 20, total: 120 },
    latencyMs: 850,
    source: 'live',
    retry: 0,
    input: 'How long do refunds take?',
    output: 'Refunds take 14 days.',
    ...overrides,
  })
}

/** The record without its optional fields. */
function bare(located: LocatedJudgment): LocatedJudgment {
  const { model: _model, tokens: _tokens, input: _input, ...rest } = located
  return rest
}

describe('buildReport', () => {
  const records = [
    record({ file: 'z.eval.ts', test: 'later file', callId: 'c2' }),
    record({
      dimension: 'relevance',
      score: null,
      pass: null,
      error: { code: 'RUBRIC_JUDGE_SCHEMA', message: 'bad' },
    }),
    bare(record({ dimension: 'faithfulness', source: 'stored' })),
  ]
  const report = buildReport(records, {
    vitestVersion: '4.1.12',
    createdAt: new Date('2025-01-02T03:04:05Z'),
  })

  test('a versioned document with the run, per file and per judgment', () => {
    expect(report).toMatchObject({
      schemaVersion: REPORT_SCHEMA_VERSION,
      createdAt: '2025-01-02T03:04:05.000Z',
      vitestVersion: '4.1.12',
      judges: [{ id: 'j1', name: 'gpt-4.1-mini', model: 'gpt-4.1-mini' }],
      summary: { totals: { records: 3, liveCalls: 2, storedCalls: 1, tokens: 240 } },
    })
    expect(Object.keys(report.summary.run)).toEqual(['faithfulness', 'relevance'])
    expect(Object.keys(report.summary.files)).toEqual(['qa.eval.ts', 'z.eval.ts'])
    expect(report.summary.files['qa.eval.ts']?.relevance).toMatchObject({ n: 0, errors: 1 })
    expect(report.summary.run.faithfulness).toMatchObject({ n: 2, mean: 0.75, passRate: 1 })
  })

  test('each mean carries its standard error and 95% interval; a report written before them still reads', () => {
    // Two scores of 0.75: no spread, so the interval is the mean itself.
    expect(report.summary.run.faithfulness).toMatchObject({ meanSe: 0, meanLow: 0.75, meanHigh: 0.75 })
    // relevance has only an error, no score: no interval to give.
    expect(report.summary.run.relevance).toMatchObject({ n: 0, meanSe: null, meanLow: null, meanHigh: null })
    const { meanSe: _se, meanLow: _low, meanHigh: _high, ...older } = report.summary.run.faithfulness!
    const old = { ...report, summary: { ...report.summary, run: { faithfulness: older } } }
    expect(reportSchema.safeParse(JSON.parse(JSON.stringify(old))).error).toBeUndefined()
  })

  test('judgments ordered by file, each the record plus where it was made, absent values left out', () => {
    expect(report.judgments.map((j) => [j.file, j.dimension])).toEqual([
      ['qa.eval.ts', 'relevance'],
      ['qa.eval.ts', 'faithfulness'],
      ['z.eval.ts', 'faithfulness'],
    ])
    expect(report.judgments[1]).toEqual({
      file: 'qa.eval.ts',
      test: 'answers > refunds',
      project: 'evals',
      state: 'passed',
      kind: 'judgment',
      callId: 'c1',
      assertion: 'toSatisfyRubric',
      dimension: 'faithfulness',
      score: 0.75,
      floor: 0.5,
      pass: true,
      assertionPassed: true,
      reason: 'supported by the context',
      judgeId: 'j1',
      judgeName: 'gpt-4.1-mini',
      rubricId: 'r1',
      latencyMs: 850,
      source: 'stored',
      retry: 0,
      output: 'Refunds take 14 days.',
    })
    expect(report.judgments[0]?.error).toEqual({ code: 'RUBRIC_JUDGE_SCHEMA', message: 'bad' })
  })

  test('matches the published schema, with run metadata', () => {
    expect(reportSchema.safeParse(report).error).toBeUndefined()
    expect(report).toMatchObject({
      commit: null,
      rubricIds: ['r1'],
      datasetHashes: [],
      gates: [],
      baseline: null,
    })
  })

  test('serialises to JSON that reads back the same', () => {
    const text = stringifyReport(report)
    expect(text.endsWith('}\n')).toBe(true)
    expect(JSON.parse(text)).toEqual(report)
  })

  test('is written in pieces, one per judgment, that make the same text as JSON.stringify indented by 2', () => {
    const awkward = buildReport(
      [
        record({ output: 'line one\nline two "quoted" \\ back', input: '  spaced\t\u2028 é 🙂' }),
        record({
          metadata: { segment: 'a', nested: 1, flag: true },
          store: { file: 's', key: 'k', written: false },
        }),
      ],
      { vitestVersion: '4.1.12', createdAt: new Date('2025-01-02T03:04:05Z') },
    )
    const chunks = [...reportChunks(awkward)]
    expect(chunks).toHaveLength(awkward.judgments.length + 2)
    expect(chunks.join('')).toBe(`${JSON.stringify(awkward, null, 2)}\n`)
    const empty = { ...awkward, judgments: [] }
    expect([...reportChunks(empty)].join('')).toBe(`${JSON.stringify(empty, null, 2)}\n`)
  })
})

describe('writeChunksAtomic', () => {
  let directory: string | undefined
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  test('writes the chunks in order, more than a stream buffers at once, and leaves no temporary file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-'))
    const path = join(directory, 'nested', 'report.json')
    const chunks = Array.from(
      { length: 2000 },
      (_, index) => `${String(index).padStart(5, '0')}${'x'.repeat(100)}\n`,
    )
    await writeChunksAtomic(path, chunks)
    expect(await readFile(path, 'utf8')).toBe(chunks.join(''))
    expect(await readdir(join(directory, 'nested'))).toEqual(['report.json'])
  })

  test('a failing source leaves the old file whole and no temporary file behind', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-'))
    const path = join(directory, 'report.json')
    await writeFile(path, 'old')
    function* failing() {
      yield 'partial'
      throw new Error('the report could not be built')
    }
    await expect(writeChunksAtomic(path, failing())).rejects.toThrow('the report could not be built')
    expect(await readFile(path, 'utf8')).toBe('old')
    expect(await readdir(directory)).toEqual(['report.json'])
  })
})

describe('writeFileAtomic', () => {
  let directory: string | undefined
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  test('creates missing directories and leaves no temporary file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-'))
    const path = join(directory, '.vitest-rubric', 'nested', 'report.json')
    await writeFileAtomic(path, '{"a":1}\n')
    expect(await readFile(path, 'utf8')).toBe('{"a":1}\n')
    expect(await readdir(join(directory, '.vitest-rubric', 'nested'))).toEqual(['report.json'])
  })

  test('replaces an existing file', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-'))
    const path = join(directory, 'report.json')
    await writeFile(path, 'old and longer content')
    await writeFileAtomic(path, 'new')
    expect(await readFile(path, 'utf8')).toBe('new')
    expect(await readdir(directory)).toEqual(['report.json'])
  })

  test('a failed write leaves no temporary file behind', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-'))
    // a directory where the file should be: the rename fails
    await writeFile(join(directory, 'keep.txt'), '')
    const path = join(directory, 'report.json')
    await writeFileAtomic(join(path, 'x'), 'ok')
    await expect(writeFileAtomic(path, 'text')).rejects.toThrow()
    expect((await readdir(directory)).sort()).toEqual(['keep.txt', 'report.json'])
  })
})

describe('simulated user turns in report.json', () => {
  const turn = (callId: string, source: 'live' | 'stored', costUsd?: number) =>
    simulationTurn({
      callId,
      source,
      tokens: { prompt: 100, completion: 20, total: 120 },
      ...(costUsd === undefined ? {} : { costUsd }),
    })
  const report = buildReport([record({ costUsd: 0.001 }), turn('s1', 'live', 0.0003), turn('s2', 'stored')], {
    vitestVersion: '4.1.12',
    createdAt: new Date('2025-01-02T03:04:05Z'),
  })

  test("count with the judge's calls, in tokens and cost, and are no dimension", () => {
    expect(report.summary.totals).toMatchObject({
      records: 1,
      liveCalls: 2,
      storedCalls: 1,
      simulatedCalls: 2,
      tokens: 240,
    })
    expect(report.summary.totals.costUsd).toBeCloseTo(0.0013)
    expect(Object.keys(report.summary.run)).toEqual(['faithfulness'])
    expect(report.judgments.map((record) => record.kind)).toEqual(['simulation', 'simulation', 'judgment'])
  })

  test('read by the published schema (version 4); a report without the count still reads', () => {
    const parsed = reportSchema.parse(JSON.parse(stringifyReport(report)))
    expect(parsed.judgments[0]).toMatchObject({
      kind: 'simulation',
      turn: 1,
      action: 'continue',
      source: 'live',
    })
    const { simulatedCalls: _count, ...older } = report.summary.totals
    const old = { ...report, summary: { ...report.summary, totals: older } }
    expect(reportSchema.parse(JSON.parse(JSON.stringify(old))).summary.totals.simulatedCalls).toBe(0)
  })

  test('the Markdown header says how many of the calls played a user', () => {
    expect(renderMarkdown(report)).toContain(
      '2 live calls · 1 stored · incl. 2 simulated user turns · 240 tokens · $0.0013',
    )
  })
})
