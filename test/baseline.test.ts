import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { z } from 'zod'
import {
  compareReports,
  formatChange,
  judgmentsByLocation,
  meanChange,
  pairJudgments,
} from '../src/reporter/baseline.ts'
import { parseReport, readReport } from '../src/reporter/read-report.ts'
import { changeCell, renderComparison, verdictCounts } from '../src/reporter/render-checks.ts'
import { stringifyReport } from '../src/reporter/report-json.ts'
import { loadBaseline } from '../src/reporter/run-outputs.ts'
import { REPORT_SCHEMA_VERSION, reportSchema } from '../src/reporter/schema.ts'
import { createRng } from '../src/stats/random.ts'
import { located, reportOf, scoredRecords } from './support/reports.ts'

/** Scores on the 1 to 5 scale, normalised, drawn with a seeded generator. */
function scaleScores(n: number, seed: number): number[] {
  const rng = createRng(seed)
  return Array.from({ length: n }, () => Math.floor(rng() * 5) / 4)
}

describe('meanChange: the paired bootstrap comparison', () => {
  test('detects a known regression: a quarter of the outputs drop two points', () => {
    const before = scaleScores(40, 1).map((score) => Math.max(score, 0.5))
    const after = before.map((score, index) => (index % 4 === 0 ? score - 0.5 : score))
    const change = meanChange(before, after)
    expect(change.verdict).toBe('regressed')
    expect(change.diff).toBeCloseTo(-0.125, 10)
    expect(change.high).toBeLessThan(0)
    expect(change.low).toBeLessThan(change.diff!)
  })

  test('a noise-only change is not a regression: as many outputs go up a point as go down', () => {
    const before = scaleScores(40, 2).map((score) => Math.min(Math.max(score, 0.25), 0.75))
    const rng = createRng(3)
    const after = before.map((score) => score + (rng() < 0.5 ? -0.25 : 0.25))
    const change = meanChange(before, after)
    expect(change.verdict).toBe('unchanged')
    expect(change.low).toBeLessThan(0)
    expect(change.high).toBeGreaterThan(0)
  })

  test('one output out of twenty dropping is within noise', () => {
    const before = new Array<number>(20).fill(0.75)
    const after = before.map((score, index) => (index === 7 ? 0.25 : score))
    expect(meanChange(before, after)).toMatchObject({ verdict: 'unchanged', high: 0 })
  })

  test('a consistent rise is an improvement; identical scores are unchanged with a zero interval', () => {
    const before = scaleScores(30, 4).map((score) => Math.min(score, 0.75))
    expect(
      meanChange(
        before,
        before.map((score) => score + 0.25),
      ).verdict,
    ).toBe('improved')
    expect(meanChange(before, before)).toMatchObject({ verdict: 'unchanged', diff: 0, low: 0, high: 0 })
  })

  test('the same data gives the same interval every time (seeded)', () => {
    const before = scaleScores(50, 5)
    const after = scaleScores(50, 6)
    expect(meanChange(before, after)).toEqual(meanChange(before, after))
  })

  test('fewer than five pairs are too few to call, however large the change', () => {
    expect(meanChange([1, 1, 1, 1], [0, 0, 0, 0])).toMatchObject({
      pairs: 4,
      diff: -1,
      verdict: 'incomparable',
    })
    expect(meanChange([1, 1, 1, 1, 1], [0, 0, 0, 0, 0])).toMatchObject({ pairs: 5, verdict: 'regressed' })
  })

  test('without pairs there is nothing to compare', () => {
    expect(meanChange([], [])).toEqual({
      pairs: 0,
      baseMean: null,
      headMean: null,
      diff: null,
      low: null,
      high: null,
      verdict: 'incomparable',
    })
  })
})

describe('compareReports', () => {
  test('pairs judgments by project, file, test, dimension and occurrence, whatever the output', () => {
    const base = reportOf([
      located({ test: 't', output: 'first answer', score: 1 }),
      located({ test: 't', output: 'second answer', score: 1 }),
      located({ test: 't', dimension: 'tone', score: 0.5 }),
      located({ test: 'removed', score: 0.25 }),
      located({ test: 'became an error', score: 0.5 }),
    ])
    const head = reportOf([
      located({ test: 't', output: 'first answer, reworded', score: 0.75 }),
      located({ test: 't', output: 'second answer', score: 0.5 }),
      located({ test: 't', dimension: 'tone', score: 0.5 }),
      located({ test: 'added', score: 1 }),
      located({ test: 'became an error', score: null, pass: null }),
    ])
    const comparison = compareReports(base, head, { file: 'evals/baseline.json' })
    expect(comparison).toMatchObject({
      file: 'evals/baseline.json',
      createdAt: base.createdAt,
      commit: base.commit,
      level: 0.95,
      resamples: 2000,
      seed: 1,
    })
    expect(comparison.dimensions).toEqual([
      expect.objectContaining({
        dimension: 'faithfulness',
        pairs: 2,
        baseMean: 1,
        headMean: 0.625,
        added: 1,
        removed: 2,
      }),
      expect.objectContaining({
        dimension: 'tone',
        pairs: 1,
        diff: 0,
        verdict: 'incomparable',
        added: 0,
        removed: 0,
      }),
    ])
    const pairs = pairJudgments(base.judgments, head.judgments)
    expect(pairs.get(head.judgments[0]!)?.output).toBe('first answer')
    expect(pairs.get(head.judgments[1]!)?.output).toBe('second answer')
    expect(pairs.has(head.judgments[3]!)).toBe(false)
  })

  test('the occurrence counts per dimension within a test, so another dimension in between does not shift it', () => {
    const keys = [
      ...judgmentsByLocation(
        [
          reportOf([
            located({ test: 't' }),
            located({ test: 't', dimension: 'tone' }),
            located({ test: 't' }),
          ]).judgments,
        ].flat(),
      ).keys(),
    ]
    expect(keys).toEqual([
      '["evals","qa.eval.ts","t","faithfulness"]#0',
      '["evals","qa.eval.ts","t","tone"]#0',
      '["evals","qa.eval.ts","t","faithfulness"]#1',
    ])
  })

  test('a run against itself is unchanged on every dimension', () => {
    const report = reportOf([
      ...scoredRecords('faithfulness', scaleScores(25, 7)),
      ...scoredRecords('tone', [1, 0.5]),
    ])
    const comparison = compareReports(report, report, { file: 'b.json' })
    expect(comparison.dimensions.map((change) => [change.dimension, change.verdict, change.diff])).toEqual([
      ['faithfulness', 'unchanged', 0],
      ['tone', 'incomparable', 0],
    ])
  })

  test('formatChange signs every bound and never prints -0.000', () => {
    expect(formatChange({ diff: -0.125, low: -0.2, high: -0.05 })).toBe('-0.125 [-0.200, -0.050]')
    expect(formatChange({ diff: -0.00001, low: 0, high: 0.1 })).toBe('+0.000 [+0.000, +0.100]')
    expect(formatChange({ diff: null, low: null, high: null })).toBe('-')
  })

  test('"too few pairs" is worded the same in the rows and in the summary line', () => {
    const base = reportOf([...scoredRecords('faithfulness', [1, 0.5]), ...scoredRecords('tone', [1])])
    const head = reportOf([
      ...scoredRecords('faithfulness', [0.75, 0.5]),
      ...scoredRecords('tone', [1]).map((record) => ({ ...record, test: 'elsewhere' })),
    ])
    const comparison = compareReports(base, head, { file: 'b.json' })
    const { dimensions } = comparison
    expect(dimensions.map((change) => [change.dimension, change.pairs, change.verdict])).toEqual([
      ['faithfulness', 2, 'incomparable'],
      ['tone', 0, 'incomparable'],
    ])
    expect(dimensions.map((change) => changeCell(change).text)).toEqual([
      '-0.125 [-0.250, +0.000] too few pairs',
      'too few pairs',
    ])
    expect(verdictCounts(dimensions)).toBe('2 too few pairs')
    expect(renderComparison(comparison, 'b.json')).toMatch(/tone +0 +- +- +- +too few pairs/)
    expect(verdictCounts(dimensions)).not.toContain('incomparable')
  })
})

describe('reading reports and baselines', () => {
  let directory: string | undefined
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true })
  })

  test('a report reads back as written', () => {
    const report = reportOf(scoredRecords('faithfulness', [1, 0.5, null]))
    expect(parseReport(stringifyReport(report), 'report.json')).toEqual(report)
  })

  /** A judgment as version 2 wrote it: a copy of the record with `null` for absent values. */
  const version2Judgment = {
    file: 'qa.eval.ts',
    test: 'refunds',
    project: 'evals',
    state: 'passed',
    assertion: 'toScoreAtLeast',
    dimension: 'faithfulness',
    score: 0.75,
    floor: 0.5,
    pass: true,
    reason: 'supported',
    judgeId: 'j1',
    judgeName: 'gpt-4.1-mini',
    model: 'gpt-4.1-mini',
    rubricId: 'r1',
    datasetHash: null,
    tokens: null,
    costUsd: null,
    retries: 0,
    latencyMs: 12,
    source: 'stored',
    error: null,
    retry: 0,
    input: null,
    output: 'Refunds take 14 days.',
  }
  // `.not.toBeRefusal()` on an answer: version 2 kept the assertion's outcome as `pass`.
  const version2Check = {
    ...version2Judgment,
    assertion: 'toBeRefusal',
    dimension: 'refusal',
    score: 0,
    floor: 1,
    pass: true,
    judgeId: 'c1',
    judgeName: 'check',
    model: null,
    rubricId: 'scorer:refusal',
  }

  test('a version 2 report is read as records: kinds, one meaning of pass, absent values left out', () => {
    const report = reportOf(scoredRecords('faithfulness', [1]))
    const version2 = { ...report, schemaVersion: 2, judgments: [version2Judgment, version2Check] }
    const [judgment, check] = parseReport(JSON.stringify(version2), 'old.json').judgments
    expect(judgment).toEqual({
      ...version2Judgment,
      kind: 'judgment',
      callId: 'evals\u0000qa.eval.ts\u0000refunds\u0000toScoreAtLeast\u0000j1\u000012',
      assertionPassed: true,
      datasetHash: undefined,
      tokens: undefined,
      costUsd: undefined,
      retries: undefined,
      error: undefined,
      input: undefined,
    })
    expect(judgment).not.toHaveProperty('tokens')
    expect(check).toMatchObject({ kind: 'check', scorer: 'refusal', pass: false, assertionPassed: true })
    expect(check).not.toHaveProperty('rubricId')
  })

  test('a version 3 report (before pairwise records) is read as it is', () => {
    const report = reportOf(scoredRecords('faithfulness', [1, 0.5]))
    const version3 = { ...report, schemaVersion: 3 }
    const read = parseReport(JSON.stringify(version3), 'v3.json')
    expect(read).toEqual({ ...report, schemaVersion: REPORT_SCHEMA_VERSION })
    expect(read.summary.pairwise).toBeUndefined()
  })

  test('a version 1 report is read with what versions 2 and 3 added filled in', () => {
    const report = reportOf(scoredRecords('faithfulness', [1, 0.5]))
    const {
      commit: _commit,
      rubricIds: _ids,
      datasetHashes: _hashes,
      gates: _gates,
      baseline: _b,
      alerts: _a,
      ...rest
    } = report
    const { datasetHash: _hash, ...judgment } = version2Judgment
    const version1 = {
      ...rest,
      schemaVersion: 1,
      summary: { ...rest.summary, totals: { records: 2, liveCalls: 0, storedCalls: 2, tokens: 0 } },
      judgments: [judgment],
    }
    const upgraded = parseReport(JSON.stringify(version1), 'old.json')
    expect(upgraded).toMatchObject({
      schemaVersion: REPORT_SCHEMA_VERSION,
      commit: null,
      rubricIds: ['r1'],
      gates: [],
    })
    expect(upgraded.summary.totals.costUsd).toBeNull()
    expect(upgraded.judgments[0]).toMatchObject({ kind: 'judgment', score: 0.75, pass: true })
    expect(upgraded.judgments[0]).not.toHaveProperty('datasetHash')
  })

  test.each([
    ['not json', 'bad.json is not JSON'],
    ['{"judgments": []}', 'bad.json is not a vitest-rubric report: it has no schemaVersion'],
    [
      '{"schemaVersion": 99}',
      `bad.json has schema version 99, newer than the ${REPORT_SCHEMA_VERSION} this vitest-rubric reads. Upgrade`,
    ],
    [
      `{"schemaVersion": ${REPORT_SCHEMA_VERSION}, "judgments": 3}`,
      'bad.json does not match the report schema:',
    ],
  ])('rejects %s', (text, message) => {
    expect(() => parseReport(text, 'bad.json')).toThrow(message)
  })

  test('a missing baseline is noted, an unreadable one is an error to show', async () => {
    directory = await mkdtemp(join(tmpdir(), 'vitest-rubric-baseline-'))
    expect(await loadBaseline(directory, 'evals/baseline.json')).toEqual({
      status: 'missing',
      file: 'evals/baseline.json',
    })
    await writeFile(join(directory, 'broken.json'), '{')
    const broken = await loadBaseline(directory, 'broken.json')
    expect(broken.status).toBe('invalid')
    const report = reportOf(scoredRecords('tone', [1]))
    await writeFile(join(directory, 'good.json'), stringifyReport(report))
    expect(await loadBaseline(directory, 'good.json')).toEqual({
      status: 'loaded',
      file: 'good.json',
      report,
    })
    await expect(readReport(join(directory, 'nope.json'), 'nope.json')).rejects.toThrow(
      'cannot read the report nope.json (ENOENT)',
    )
    expect(await readFile(join(directory, 'good.json'), 'utf8')).toBe(stringifyReport(report))
  })
})

describe('the published schema', () => {
  test('converts to JSON Schema for tools in other languages', () => {
    const jsonSchema = z.toJSONSchema(reportSchema, { io: 'input' }) as {
      properties: Record<string, { const?: unknown }>
      required: string[]
    }
    expect(jsonSchema.properties.schemaVersion?.const).toBe(REPORT_SCHEMA_VERSION)
    expect(jsonSchema.required).toEqual(
      expect.arrayContaining(['commit', 'judges', 'rubricIds', 'gates', 'judgments']),
    )
  })
})
