import { describe, expect, test } from 'vitest'
import type { Vitest } from 'vitest/node'
import type { JudgmentRecord, RubricRecord } from '../src/record/schema.ts'
import { summarize } from '../src/reporter/aggregate.ts'
import {
  type CollectableModule,
  type CollectableTest,
  collectRecords,
  holdRecords,
} from '../src/reporter/collect.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import { isHeld, SPOOLED_FIELDS, spooledText } from '../src/reporter/record-spool.ts'
import { buildReport, stringifyReport } from '../src/reporter/report-json.ts'
import { judgmentRecord } from './support/records.ts'

const root = '/project'
const createdAt = new Date('2026-01-01T00:00:00Z')

function records(): RubricRecord[][] {
  return [
    [
      judgmentRecord({
        callId: 'a',
        score: 0.2,
        output: 'Refunds take 14 days.'.repeat(40),
        input: 'How long?',
      }),
      judgmentRecord({ callId: 'a', dimension: 'relevance', score: 0.9, reason: 'on topic' }),
    ],
    [
      judgmentRecord({ callId: 'b', score: 0.4, retry: 0, output: 'first attempt' }),
      judgmentRecord({ callId: 'c', score: 0.3, retry: 1, output: 'second attempt', line: 12 }),
      {
        ...judgmentRecord({ callId: 'd', score: null, pass: null }),
        error: { code: 'RUBRIC_X', message: 'x' },
      },
    ],
  ]
}

function module(rubrics: RubricRecord[][]): CollectableModule {
  const tests: CollectableTest[] = rubrics.map((rubric, index) => {
    const meta = { rubric }
    return {
      fullName: `answers > case ${index}`,
      project: { name: 'evals' },
      meta: (() => meta) as CollectableTest['meta'],
      result: () => ({ state: 'passed', errors: undefined }) as ReturnType<CollectableTest['result']>,
      location: { line: 3 + index, column: 1 },
    }
  })
  return { moduleId: `${root}/qa.eval.ts`, children: { allTests: () => tests } }
}

function vitest(reporters: Vitest['config']['reporters'] = []) {
  return { config: { root, reporters } }
}

const meta = (held: CollectableModule) => [...held.children.allTests()].flatMap((t) => t.meta().rubric ?? [])

describe('holdRecords', () => {
  test('leaves in the meta each record located, without its text, and keeps the whole record on disk', () => {
    const whole = module(records())
    const held = module(records())
    holdRecords(held, vitest())

    for (const record of meta(held)) {
      expect(isHeld(record)).toBe(true)
      for (const field of SPOOLED_FIELDS) expect(record).not.toHaveProperty(field)
      expect(record).toMatchObject({ file: 'qa.eval.ts', project: 'evals', state: 'passed' })
    }
    const collected = collectRecords([held], root)
    expect(collected.map(spooledText)).toEqual(collectRecords([whole], root))
    expect(collected.every((record) => meta(held).includes(record as RubricRecord))).toBe(true)
  })

  test('report.json, the summary, the Markdown summary and the HTML report are the same as without holding', () => {
    const whole = collectRecords([module(records())], root)
    const heldModule = module(records())
    holdRecords(heldModule, vitest())
    const held = collectRecords([heldModule], root)

    expect(summarize(held)).toEqual(summarize(whole))
    const wholeReport = buildReport(whole.map(spooledText), { vitestVersion: '4.1.12', createdAt })
    const heldReport = buildReport(held, { vitestVersion: '4.1.12', createdAt })
    expect(stringifyReport(heldReport)).toBe(stringifyReport(wholeReport))
    expect(renderMarkdown(heldReport)).toBe(renderMarkdown(wholeReport))
    expect(renderMarkdown(heldReport)).toContain('Refunds take 14 days.')
    expect(renderHtml(heldReport, { baseline: wholeReport })).toBe(
      renderHtml(wholeReport, { baseline: wholeReport }),
    )
  })

  test('a field it does not know stays in memory and reaches report.json', () => {
    const record = { ...judgmentRecord({ output: 'o' }), turnScores: [0.5, 1] } as JudgmentRecord
    const held = module([[record]])
    holdRecords(held, vitest())

    const [inMeta] = meta(held)
    expect(inMeta).toMatchObject({ turnScores: [0.5, 1] })
    expect(inMeta).not.toHaveProperty('output')
    expect(spooledText(collectRecords([held], root)[0]!)).toMatchObject({ turnScores: [0.5, 1], output: 'o' })
  })

  test.each([
    ['blob', [['blob', { outputFile: 'blob.json' }]]],
    ['json', ['json']],
  ] as const)('holds nothing when the %s reporter writes the meta', (_name, reporters) => {
    const rubrics = records()
    const whole = rubrics.flat()
    holdRecords(module(rubrics), vitest(reporters as unknown as Vitest['config']['reporters']))
    expect(rubrics.flat()).toEqual(whole)
    expect(rubrics.flat().some(isHeld)).toBe(false)
  })

  test('holding again leaves held records as they are', () => {
    const held = module(records())
    holdRecords(held, vitest())
    const first = meta(held)
    holdRecords(held, vitest())
    expect(meta(held)).toEqual(first)
    meta(held).forEach((record, index) => {
      expect(record).toBe(first[index])
    })
  })
})
