import { describe, expect, test } from 'vitest'
import { chatCompletion } from '../fixtures/conversations/openai-chat.ts'
import { taskRecordDraft, tokensByModel } from '../src/eval/task-cost.ts'
import type { LocatedRecord, TaskRecord } from '../src/record/schema.ts'
import { rubricRecordSchema } from '../src/record/schema.ts'
import { summarize } from '../src/reporter/aggregate.ts'
import { evaluateGates, formatGate, gateAlerts, validateGates } from '../src/reporter/gates.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import { renderSummary, renderTaskCost } from '../src/reporter/render-table.ts'
import { buildReport } from '../src/reporter/report-json.ts'
import { reportSchema } from '../src/reporter/schema.ts'
import { costStats, taskCostStats } from '../src/reporter/task-cost.ts'
import { locatedJudgment } from './support/records.ts'

const where = { file: 'a.eval.ts', test: 'row', project: '', state: 'passed' } as const

function located(latencyMs: number, tokens?: number, file = 'a.eval.ts'): LocatedRecord {
  const draft = taskRecordDraft(latencyMs, null) as Omit<TaskRecord, 'callId' | 'retry'>
  return {
    ...where,
    file,
    ...draft,
    callId: `t${latencyMs}`,
    retry: 0,
    ...(tokens === undefined
      ? {}
      : { tokensByModel: { m: { input: tokens - 1, output: 1, total: tokens } } }),
  }
}

describe('the task record', () => {
  test('reads the tokens per model of an OpenAI ChatCompletion', () => {
    expect(tokensByModel(chatCompletion)).toEqual({
      'gpt-4.1-mini-2025-04-14': { input: 412, output: 31, total: 443 },
    })
  })

  test('adds up the calls of one model and keeps models apart', () => {
    const steps = {
      messages: [{ role: 'user', content: 'hi' }],
      usage: [
        { model: 'a', inputTokens: 10, outputTokens: 2 },
        { model: 'a', inputTokens: 5, outputTokens: 1 },
        { inputTokens: 3, outputTokens: 3 },
      ],
    }
    expect(tokensByModel(steps)).toEqual({
      a: { input: 15, output: 3, total: 18 },
      unknown: { input: 3, output: 3, total: 6 },
    })
  })

  test('has no tokens for text or a conversation without usage', () => {
    expect(tokensByModel('an answer')).toBeUndefined()
    expect(tokensByModel([{ role: 'assistant', content: 'hello' }])).toBeUndefined()
  })

  test('is a valid record of kind task with the given duration, never a score', () => {
    const draft = taskRecordDraft(1234.5, chatCompletion)
    const record = rubricRecordSchema.parse({ ...draft, callId: 'c', retry: 0 })
    expect(record).toMatchObject({
      kind: 'task',
      dimension: 'latency',
      latencyMs: 1234.5,
      score: null,
      pass: null,
      tokensByModel: { 'gpt-4.1-mini-2025-04-14': { total: 443 } },
    })
    expect('tokensByModel' in taskRecordDraft(10, 'text')).toBe(false)
  })
})

describe('task cost statistics', () => {
  test('p50, p95, p99 and mean by linear interpolation', () => {
    const stats = costStats([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])
    expect(stats).toMatchObject({ n: 10, p50: 5.5, mean: 5.5 })
    expect(stats.p95).toBeCloseTo(9.55, 10)
    expect(stats.p99).toBeCloseTo(9.91, 10)
  })

  test('tokens only over the tasks that reported them', () => {
    const stats = taskCostStats([
      { latencyMs: 100 },
      {
        latencyMs: 300,
        tokensByModel: { a: { input: 50, output: 10, total: 60 }, b: { input: 0, output: 40, total: 40 } },
      },
    ])
    expect(stats?.latency).toMatchObject({ n: 2, p50: 200 })
    expect(stats?.tokens).toEqual({ n: 1, p50: 100, p95: 100, p99: 100, mean: 100 })
    expect(taskCostStats([])).toBeNull()
  })

  test('a task record never counts in the quality dimensions', () => {
    const summary = summarize([
      locatedJudgment({ dimension: 'faithfulness', score: 1, file: 'a.eval.ts' }),
      located(100, 500),
      located(200),
      located(900, 700, 'b.eval.ts'),
    ])
    expect(summary.run.map((stats) => [stats.dimension, stats.n, stats.errors])).toEqual([
      ['faithfulness', 1, 0],
    ])
    expect(summary.records).toBe(1)
    expect(summary.runCost?.latency).toMatchObject({ n: 3, p50: 200 })
    expect(summary.runCost?.tokens).toMatchObject({ n: 2, mean: 600 })
    expect(summary.files.map(({ file, cost }) => [file, cost?.latency.n])).toEqual([
      ['a.eval.ts', 2],
      ['b.eval.ts', 1],
    ])
  })
})

describe('the table', () => {
  test('shows latency and token percentiles under each table', () => {
    const summary = summarize([
      locatedJudgment({ dimension: 'faithfulness', score: 1 }),
      located(100, 500),
      located(300),
    ])
    const text = renderSummary(summary, { colors: false })
    expect(text.split('\n').slice(-2)).toEqual([
      '   latency  2 tasks  p50 200 ms  p95 290 ms  p99 298 ms  mean 200 ms',
      '   tokens   1 task  p50 500  p95 500  p99 500  mean 500',
    ])
  })

  test('a line is cut to the width, and nothing is shown without tasks', () => {
    const cost = taskCostStats([{ latencyMs: 123456 }])
    const line = renderTaskCost(cost, undefined, 30)
    expect(line).toBe('\n   latency  1 task  p50 123,4…')
    expect(renderTaskCost(null)).toBe('')
  })
})

describe('the Markdown report', () => {
  test('has a task cost table beside the dimensions, kept in report.json and read back', () => {
    const records = [locatedJudgment({ file: 'a.eval.ts' }), located(100, 500), located(1300, 700)]
    const report = reportSchema.parse(buildReport(records, { vitestVersion: '4.0.0' }))
    expect(report.summary.taskCost?.files['a.eval.ts']?.latency.n).toBe(2)
    const markdown = renderMarkdown(report, { worst: 0 })
    expect(markdown).toContain(
      [
        '| task cost | tasks | p50 | p95 | p99 | mean |',
        '| --- | --: | --: | --: | --: | --: |',
        '| latency | 2 | 700 ms | 1,240 ms | 1,288 ms | 700 ms |',
        '| tokens | 2 | 600 | 690 | 698 | 600 |',
      ].join('\n'),
    )
    expect(
      renderMarkdown(reportSchema.parse(buildReport(records.slice(0, 1), { vitestVersion: '4.0.0' }))),
    ).not.toContain('task cost')
  })
})

describe('gates on task costs', () => {
  const cost = taskCostStats([100, 200, 300, 400, 5000].map((latencyMs) => ({ latencyMs })))

  test('fail when the p95 is above its bound, an upper bound', () => {
    const gates = validateGates({ latency: { p95: 2000, p50: 300 } })
    const results = evaluateGates(gates, [], false, cost)
    expect(results.map((result) => [result.statistic, result.status])).toEqual([
      ['p50', 'passed'],
      ['p95', 'failed'],
    ])
    expect(results.map((result) => formatGate(result))).toEqual([
      'latency p50 300 ms <= 300 ms (per task)',
      'latency p95 4080 ms > 2000 ms (per task)',
    ])
    expect(gateAlerts(results, [])).toEqual([
      { tier: 'P0', kind: 'gate', dimension: 'latency', message: 'latency p95 4080 ms > 2000 ms (per task)' },
    ])
  })

  test('a tokens gate fails when no task reported tokens, and is skipped in a filtered run', () => {
    const gates = validateGates({ tokens: { mean: 1500 } })
    expect(evaluateGates(gates, [], false, cost)[0]).toMatchObject({ value: null, status: 'failed' })
    expect(evaluateGates(gates, [], 'a -t pattern', null)[0]).toMatchObject({ status: 'skipped' })
    expect(formatGate(evaluateGates(gates, [], false, cost)[0]!)).toBe(
      'tokens mean: no describeEval task of this run reported it > 1500 tokens',
    )
  })

  test('bounds are checked when the config loads', () => {
    expect(() => validateGates({ latency: { p10: 100 } })).toThrow(
      'evals({ gates }).latency has the unknown statistic "p10"; a task cost is bounded from above by mean, p50, p95, p99',
    )
    expect(() => validateGates({ tokens: { mean: -1 } })).toThrow('evals({ gates }).tokens.mean is -1')
    expect(() => validateGates({ faithfulness: { p95: 0.5 } })).toThrow('unknown statistic "p95"')
  })
})
