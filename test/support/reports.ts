import type { LocatedRecord } from '../../src/reporter/collect.ts'
import { buildReport } from '../../src/reporter/report-json.ts'
import type { RubricReport } from '../../src/reporter/schema.ts'
import { type LocatedJudgment, locatedJudgment } from './records.ts'

/**
 * A located record with plausible values; tests override what they look at. Its call id is unique to its test, as
 * a run's call ids are: records of one test share a call unless given ids of their own.
 */
export function located(overrides: Partial<LocatedJudgment> = {}): LocatedJudgment {
  const { file = 'qa.eval.ts', test = 'answers > refunds', project = 'evals' } = overrides
  const elsewhere = file !== 'qa.eval.ts' || test !== 'answers > refunds' || project !== 'evals'
  return locatedJudgment({
    file,
    test,
    project,
    state: 'passed',
    callId: elsewhere ? `c1 ${project} ${file} > ${test}` : 'c1',
    assertion: 'toScoreAtLeast',
    dimension: 'faithfulness',
    score: 0.75,
    floor: 0.5,
    pass: true,
    reason: 'supported by the context',
    judgeId: 'j1',
    judgeName: 'judge-model',
    model: 'judge-model',
    rubricId: 'r1',
    latencyMs: 10,
    source: 'stored',
    retry: 0,
    input: 'How long do refunds take?',
    output: 'Refunds take 14 days.',
    ...overrides,
  })
}

/** One record per score, each in a test of its own (`case 0`, `case 1`, ...), on one dimension. */
export function scoredRecords(
  dimension: string,
  scores: readonly (number | null)[],
  floor = 0.5,
): LocatedRecord[] {
  return scores.map((score, index) =>
    located({
      dimension,
      test: `case ${index}`,
      callId: `${dimension}-${index}`,
      score,
      floor,
      pass: score === null ? null : score >= floor,
      output: `answer ${index}`,
      ...(score === null ? { error: { code: 'RUBRIC_JUDGE_HTTP', message: 'judge exploded' } } : {}),
    }),
  )
}

/** The report of `records`, built at a fixed time. */
export function reportOf(
  records: readonly LocatedRecord[],
  createdAt = '2025-01-02T03:04:05Z',
): RubricReport {
  return buildReport(records, {
    vitestVersion: '4.1.12',
    createdAt: new Date(createdAt),
    commit: 'a'.repeat(40),
  })
}

/** Judged text that would run script if a report put it into a page unescaped. */
export const SCRIPT_PAYLOAD = '<script>document.title = "pwned"; window.__pwned = true; alert(1)</script>'
export const IMG_PAYLOAD = '<img src=x onerror="document.title = \'pwned\'; window.__pwned = true; alert(2)">'
