import {
  ATTR_CODE_FILE_PATH,
  ATTR_CODE_LINE_NUMBER,
  ATTR_ERROR_TYPE,
} from '@opentelemetry/semantic-conventions'
import {
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_TEST_CASE_NAME,
  EVENT_GEN_AI_EVALUATION_RESULT,
} from '@opentelemetry/semantic-conventions/incubating'
import { afterEach, describe, expect, test, vi } from 'vitest'
import type { RubricError } from '../src/errors.ts'
import { evaluationEvents, resolveOtelTarget } from '../src/reporter/otel.ts'
import { located, reportOf } from './support/reports.ts'

afterEach(() => {
  vi.doUnmock('@opentelemetry/api-logs')
  vi.doUnmock('@opentelemetry/sdk-logs')
  vi.resetModules()
})

describe('evaluationEvents', () => {
  test('one gen_ai.evaluation.result per judgment, named as the semantic conventions 1.45.0 name them', () => {
    const report = reportOf([
      located({ test: 'refunds', score: 0.25, pass: false, line: 12, reason: 'unsupported' }),
      located({
        test: 'timeout',
        dimension: 'tone',
        score: null,
        pass: null,
        reason: 'the judge timed out',
        error: { code: 'RUBRIC_JUDGE_TIMEOUT', message: 'the judge timed out' },
      }),
    ])
    delete report.judgments[1]!.model
    const [failed, error] = evaluationEvents(report)
    expect(failed).toMatchObject({
      eventName: EVENT_GEN_AI_EVALUATION_RESULT,
      severityText: 'WARN',
      attributes: {
        [ATTR_GEN_AI_EVALUATION_NAME]: 'faithfulness',
        [ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: 0.25,
        [ATTR_GEN_AI_EVALUATION_SCORE_LABEL]: 'fail',
        [ATTR_GEN_AI_EVALUATION_EXPLANATION]: 'unsupported',
        [ATTR_GEN_AI_REQUEST_MODEL]: 'judge-model',
        [ATTR_TEST_CASE_NAME]: 'refunds',
        [ATTR_CODE_FILE_PATH]: 'qa.eval.ts',
        [ATTR_CODE_LINE_NUMBER]: 12,
      },
    })
    // An error is no score and no label: it is an error.type.
    expect(error?.attributes).toMatchObject({ [ATTR_ERROR_TYPE]: 'RUBRIC_JUDGE_TIMEOUT' })
    for (const absent of [
      ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
      ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
      ATTR_GEN_AI_REQUEST_MODEL,
    ])
      expect(error?.attributes).not.toHaveProperty(absent)
  })
})

describe('resolveOtelTarget', () => {
  const where = 'evals({ reporter })'
  test('true is the registered provider; an endpoint or the OTLP environment variables a collector', () => {
    expect(resolveOtelTarget(undefined, where)).toBe(false)
    expect(resolveOtelTarget(true, where)).toEqual({ kind: 'global' })
    expect(resolveOtelTarget({ endpoint: 'http://collector:4318/' }, where, {})).toEqual({
      kind: 'otlp',
      url: 'http://collector:4318/v1/logs',
      headers: {},
      timeoutMs: 10_000,
    })
    expect(
      resolveOtelTarget({}, where, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example',
        OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      }),
    ).toMatchObject({ url: 'https://otel.example/v1/logs', timeoutMs: 500 })
    expect(
      resolveOtelTarget({}, where, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.example/ingest',
      }),
    ).toMatchObject({ url: 'https://logs.example/ingest' })
  })

  test('a missing or malformed endpoint and a bad timeout say how to fix them', () => {
    expect(() => resolveOtelTarget({}, where, {})).toThrow(
      "evals({ reporter }): otel.endpoint is undefined; give the collector's OTLP/HTTP URL, for example " +
        "{ endpoint: 'http://localhost:4318' }, or set OTEL_EXPORTER_OTLP_ENDPOINT.",
    )
    expect(() => resolveOtelTarget({ endpoint: 'localhost:4318' }, where, {})).toThrow(
      /otel\.endpoint is "localhost:4318"; give/,
    )
    expect(() => resolveOtelTarget({ endpoint: 'http://x', timeoutMs: 0 }, where, {})).toThrow(
      /otel\.timeoutMs is 0/,
    )
    expect(() => resolveOtelTarget('yes' as never, where, {})).toThrow(/otel is "yes"; use true/)
  })
})

describe('missing OpenTelemetry packages', () => {
  test('otel: true without @opentelemetry/api-logs is an error that names the package to install', async () => {
    vi.doMock('@opentelemetry/api-logs', () => {
      throw new Error("Cannot find package '@opentelemetry/api-logs'")
    })
    const { assertOtelLoadable } = await import('../src/reporter/otel.ts')
    // A fresh module graph has its own RubricError class: the error is checked by its name and code.
    const error = await assertOtelLoadable({ kind: 'global' }).catch((caught: RubricError) => caught)
    expect(error).toMatchObject({ name: 'RubricError', code: 'RUBRIC_OTEL_MISSING' })
    expect(error?.message).toBe(
      'the reporter option otel needs @opentelemetry/api-logs, which could not be loaded. Install them with ' +
        '`npm install -D @opentelemetry/api-logs`, or turn the otel option off.',
    )
    expect(error?.cause).toBeInstanceOf(Error)
  })

  test('an endpoint without the SDK names the SDK and the exporter', async () => {
    vi.doMock('@opentelemetry/sdk-logs', () => {
      throw new Error("Cannot find package '@opentelemetry/sdk-logs'")
    })
    const { assertOtelLoadable } = await import('../src/reporter/otel.ts')
    const error = await assertOtelLoadable({
      kind: 'otlp',
      url: 'http://x/v1/logs',
      headers: {},
      timeoutMs: 1,
    }).catch((caught: RubricError) => caught)
    expect(error).toMatchObject({ code: 'RUBRIC_OTEL_MISSING' })
    expect(error?.message).toContain(
      '`npm install -D @opentelemetry/api @opentelemetry/sdk-logs @opentelemetry/exporter-logs-otlp-http`',
    )
  })
})
