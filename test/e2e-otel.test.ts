import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { logs } from '@opentelemetry/api-logs'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { main } from '../src/cli.ts'
import { GEN_AI_SEMCONV_VERSION } from '../src/reporter/otel.ts'
import { type JudgeServer, startJudgeServer } from './support/judge-server.ts'
import { startOtlpReceiver, unreachableEndpoint } from './support/otlp-receiver.ts'
import { copyFixture, fixture, runEvals } from './support/run-vitest.ts'
import { scriptQualityJudge } from './support/scripted-judge.ts'

let server: JudgeServer
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>

beforeAll(async () => {
  server = await startJudgeServer()
  scriptQualityJudge(server)
  receiver = await startOtlpReceiver()
})
afterAll(async () => {
  await server.close()
  await receiver.close()
})
afterEach(() => {
  receiver.records.length = 0
  receiver.requests.length = 0
})

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 })

/** The curt answer of the annotations fixture: a judgment below its floor. */
const curtAnswer = {
  'gen_ai.evaluation.name': 'tone',
  'gen_ai.evaluation.score.value': 0.25,
  'gen_ai.evaluation.score.label': 'fail',
  'gen_ai.evaluation.explanation': 'tone looks like 2',
  'gen_ai.request.model': 'judge-model',
  'test.case.name': 'a curt answer',
  'code.file.path': 'answers.eval.ts',
  'code.line.number': 23,
  'vitest_rubric.floor': 0.75,
  'vitest_rubric.assertion': 'toScoreAtLeast',
  'vitest_rubric.judge.name': 'judge-model',
  'vitest_rubric.project': 'evals',
}

const summary = (records: { attributes: Record<string, unknown> }[]) =>
  records
    .map(({ attributes }) =>
      [
        attributes['test.case.name'],
        attributes['gen_ai.evaluation.name'],
        attributes['gen_ai.evaluation.score.value'],
        attributes['gen_ai.evaluation.score.label'],
      ].join(' | '),
    )
    .sort()

const expectedSummary = [
  'a curt answer | tone | 0.25 | fail',
  'a grounded answer | contains-all | 1 | pass',
  'a grounded answer | relevance | 1 | pass',
  'a grounded answer | tone | 1 | pass',
  'a leaky scorer | leaky | 0 | fail',
]

describe(`OpenTelemetry gen_ai.evaluation.result events (semantic conventions ${GEN_AI_SEMCONV_VERSION})`, () => {
  test('{ otel: { endpoint } } sends one event per judgment to an OTLP/HTTP collector, as JSON', async () => {
    const run = await runEvals(copyFixture('annotations'), {
      judge: judge(),
      store: 'off',
      reporter: {
        otel: { endpoint: receiver.endpoint, headers: { authorization: 'Bearer collector-token' } },
      },
    })
    expect(run.exitCode).toBe(1) // the fixture's curt answer and leaky scorer fail their floors
    expect(run.output).toContain(' otel 5 gen_ai.evaluation.result events\n')
    expect(receiver.requests).toMatchObject([{ path: '/v1/logs', contentType: 'application/json' }])
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer collector-token')
    expect(receiver.records.every((record) => record.eventName === 'gen_ai.evaluation.result')).toBe(true)
    expect(receiver.records.every((record) => record.scope === 'vitest-rubric')).toBe(true)
    expect(summary(receiver.records)).toEqual(expectedSummary)
    const curt = receiver.records.find((record) => record.attributes['test.case.name'] === 'a curt answer')
    expect(curt).toMatchObject({ severityText: 'WARN', attributes: curtAnswer })
  }, 60_000)

  test('OTEL_EXPORTER_OTLP_ENDPOINT is the endpoint when the option names none', async () => {
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `${receiver.endpoint}/`)
    try {
      const run = await runEvals(fixture('e2e', 'passing'), {
        judge: judge(),
        store: 'off',
        reporter: { otel: {} },
      })
      expect(run.exitCode).toBe(0)
      expect(receiver.records.length).toBe(run.report.judgments.length)
      expect(receiver.records.length).toBeGreaterThan(0)
    } finally {
      vi.unstubAllEnvs()
    }
  }, 60_000)

  test('an unreachable collector is a warning at the end of the run, never a failed eval', async () => {
    const endpoint = await unreachableEndpoint()
    const run = await runEvals(fixture('e2e', 'passing'), {
      judge: judge(),
      store: 'off',
      reporter: { otel: { endpoint, timeoutMs: 1000 } },
    })
    expect(run.exitCode).toBe(0)
    expect(run.output).toMatch(
      new RegExp(
        ` OpenTelemetry: could not send ${run.report.judgments.length} evaluation events to ${endpoint}/v1/logs.*` +
          'The eval results are unaffected',
      ),
    )
    expect(run.report.judgments.length).toBeGreaterThan(0)
  }, 60_000)

  test('{ otel: true } emits through the logger provider the setup registered', async () => {
    const exporter = new InMemoryLogRecordExporter()
    const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] })
    logs.setGlobalLoggerProvider(provider)
    try {
      const run = await runEvals(copyFixture('annotations'), {
        judge: judge(),
        store: 'off',
        reporter: { otel: true },
      })
      const records = exporter.getFinishedLogRecords()
      expect(records.map((record) => record.eventName)).toEqual(Array(5).fill('gen_ai.evaluation.result'))
      expect(summary(records.map((record) => ({ attributes: record.attributes })))).toEqual(expectedSummary)
      expect(run.output).toContain(' otel 5 gen_ai.evaluation.result events\n')
    } finally {
      logs.disable()
      await provider.shutdown()
    }
  }, 60_000)

  test('vitest-rubric report --otel <endpoint> report.json sends the same events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitest-rubric-otel-'))
    const reportFile = join(dir, 'report.json')
    try {
      await runEvals(copyFixture('annotations'), {
        judge: judge(),
        store: 'off',
        reporter: { outputFile: reportFile },
      })
      expect(receiver.records).toHaveLength(0)
      const logged: string[] = []
      vi.spyOn(console, 'log').mockImplementation((...args) => void logged.push(args.join(' ')))
      const exitCode = await main(['report', '--otel', receiver.endpoint, reportFile])
      vi.restoreAllMocks()
      expect(exitCode).toBe(0)
      expect(logged).toEqual([`sent 5 gen_ai.evaluation.result events to ${receiver.endpoint}`])
      expect(summary(receiver.records)).toEqual(expectedSummary)
      const curt = receiver.records.find((record) => record.attributes['test.case.name'] === 'a curt answer')
      expect(curt?.attributes).toMatchObject(curtAnswer)

      // A collector that cannot be reached fails the command (its only job), with the warning.
      const errors: string[] = []
      vi.spyOn(console, 'error').mockImplementation((...args) => void errors.push(args.join(' ')))
      const unreachable = await unreachableEndpoint()
      vi.stubEnv('OTEL_EXPORTER_OTLP_TIMEOUT', '1000')
      expect(await main(['report', '--otel', unreachable, reportFile])).toBe(1)
      vi.restoreAllMocks()
      expect(errors.join('\n')).toContain(`could not send 5 evaluation events to ${unreachable}/v1/logs`)
    } finally {
      vi.restoreAllMocks()
      vi.unstubAllEnvs()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})
