import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type RubricReport, reportSchema } from '../src/reporter/schema.ts'
import type { EvalsOptions } from '../src/types.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, mergeEvalReports, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
const temporary: string[] = []

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
})
afterAll(async () => {
  await server.close()
  for (const directory of temporary) rmSync(directory, { recursive: true, force: true })
})

/** What must not depend on how the run was split: everything but the time of the run and the judges' latency. */
function comparable(report: RubricReport) {
  const { createdAt: _createdAt, shardLimits: _shardLimits, ...rest } = report
  return { ...rest, judgments: rest.judgments.map(({ latencyMs: _latencyMs, ...judgment }) => judgment) }
}

test('three shards merged with --merge-reports give the report, gates and exit code of one unsharded run', async () => {
  const root = copyFixture('shard')
  temporary.push(join(root, '..'))
  const options: EvalsOptions = {
    judge: {
      model: 'judge-model',
      baseURL: server.baseURL,
      apiKey: 'test-key',
      maxRetries: 0,
      concurrency: 6,
      budgetUsd: 3,
      prices: { 'judge-model': { inputPerMillion: 1, outputPerMillion: 1 } },
    },
    store: 'off',
    gates: { relevance: { mean: 0.5, passRate: 1 }, tone: { min: 0.75 } },
  }

  const whole = await runEvals(root, options)
  expect(whole.exitCode).toBe(1)
  expect(whole.output).toContain('P0 gate broken  tone min 0.500 < 0.750')

  const blobs = mkdtempSync(join(tmpdir(), 'vitest-rubric-blobs-'))
  temporary.push(blobs)
  const shardFiles: string[][] = []
  for (const index of [1, 2, 3]) {
    const shard = await runEvals(root, options, {
      cli: {
        shard: `${index}/3`,
        reporters: [['blob', { outputFile: join(blobs, `blob-${index}-3.json`) }]],
      },
    })
    // A shard holds part of the run: it prints its table but checks no gate, so it passes.
    expect(shard.exitCode).toBe(0)
    expect(shard.output).toContain(`shard ${index}/3: these scores are part of the run`)
    // The three shards share one key: each holds a third of the judge limits.
    expect(shard.output).toContain(`judge limits of shard ${index}/3 (1/3 each): 2 in flight, budget $1.00`)
    expect(shard.output).not.toContain('P0')
    shardFiles.push(shard.modules.map((module) => module.moduleId.slice(root.length + 1)).sort())
  }
  expect(shardFiles.flat().sort()).toEqual([
    'payments.eval.ts',
    'refunds.eval.ts',
    'shipping.eval.ts',
    'warranty.eval.ts',
  ])
  expect(shardFiles.every((files) => files.length > 0)).toBe(true)
  expect(readdirSync(blobs).sort()).toEqual(['blob-1-3.json', 'blob-2-3.json', 'blob-3-3.json'])

  const merged = await mergeEvalReports(root, blobs, options)
  expect(merged.exitCode).toBe(1)
  expect(merged.output).toContain('P0 gate broken  tone min 0.500 < 0.750')
  expect(reportSchema.safeParse(merged.report).error).toBeUndefined()
  expect(comparable(merged.report)).toEqual(comparable(whole.report))
  // The merged report states the share of the judge limits each shard held; the unsharded run held them all.
  const shares = [1, 2, 3].map(
    (index) => `judge limits of shard ${index}/3 (1/3 each): 2 in flight, budget $1.00`,
  )
  expect(merged.report.shardLimits).toEqual(shares)
  for (const share of shares) expect(merged.output).toContain(` merged: ${share}`)
  expect(whole.report).not.toHaveProperty('shardLimits')
  expect(merged.report.summary.totals).toMatchObject({ records: 12, liveCalls: 9 })
  expect(merged.report.gates.map((gate) => `${gate.dimension} ${gate.statistic} ${gate.status}`)).toEqual([
    'relevance mean passed',
    'relevance passRate passed',
    'tone min failed',
  ])
}, 120_000)
