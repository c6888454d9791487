/**
 * Internal to the reporter and the `report` command: the run's judgments as OpenTelemetry GenAI evaluation events.
 *
 * Follows the `gen_ai.evaluation.result` event of the OpenTelemetry semantic conventions 1.45.0 (GenAI, development
 * stability, as published in `@opentelemetry/semantic-conventions` 1.45.0): one log record per judgment, named by
 * `event_name`, with `gen_ai.evaluation.name`, `gen_ai.evaluation.score.value`, `gen_ai.evaluation.score.label`
 * (`pass` or `fail`, against the floor), `gen_ai.evaluation.explanation` and `error.type` for a judgment that
 * failed; the judge model as `gen_ai.request.model`; the test as `test.case.name`, `code.file.path` and
 * `code.line.number`.
 */

import { RubricArgumentError, RubricError } from '../errors.ts'
import { isSpend } from '../record/spend.ts'
import type { OtelExportOptions, RubricReporterOptions } from '../types.ts'
import { type HeldReport, spooledText } from './record-spool.ts'
import type { ReportJudgment } from './schema.ts'

/** The semantic conventions version the events follow. */
export const GEN_AI_SEMCONV_VERSION = '1.45.0'
const EVENT_NAME = 'gen_ai.evaluation.result'
const SCOPE = 'vitest-rubric'
const DEFAULT_TIMEOUT_MS = 10_000
// SeverityNumber INFO and WARN of the logs data model.
const INFO = 9
const WARN = 13

/** Where the events go: the registered logger provider, or an OTLP/HTTP collector. */
export type OtelTarget =
  | { kind: 'global' }
  | { kind: 'otlp'; url: string; headers: Record<string, string>; timeoutMs: number }

/**
 * Validates the `otel` reporter option. An export without an endpoint falls back to the standard OTLP environment
 * variables (`OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` as it is, `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/logs`).
 */
export function resolveOtelTarget(
  option: RubricReporterOptions['otel'],
  where: string,
  env: NodeJS.ProcessEnv = process.env,
): OtelTarget | false {
  if (option === undefined || option === false) return false
  if (option === true) return { kind: 'global' }
  if (typeof option !== 'object' || option === null) {
    throw new RubricArgumentError(
      `${where}: otel is ${JSON.stringify(option)}; use true (the logger provider your setup registered), ` +
        "{ endpoint: 'http://localhost:4318' } (an OTLP/HTTP collector), or false.",
    )
  }
  const {
    endpoint,
    headers = {},
    timeoutMs = Number(
      env.OTEL_EXPORTER_OTLP_LOGS_TIMEOUT || env.OTEL_EXPORTER_OTLP_TIMEOUT || DEFAULT_TIMEOUT_MS,
    ),
  } = option as OtelExportOptions
  const url = endpoint
    ? logsUrl(endpoint)
    : env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT ||
      (env.OTEL_EXPORTER_OTLP_ENDPOINT && logsUrl(env.OTEL_EXPORTER_OTLP_ENDPOINT))
  if (!url || !/^https?:\/\/[^/]/.test(url)) {
    throw new RubricArgumentError(
      `${where}: otel.endpoint is ${JSON.stringify(endpoint ?? url)}; give the collector's OTLP/HTTP URL, for ` +
        "example { endpoint: 'http://localhost:4318' }, or set OTEL_EXPORTER_OTLP_ENDPOINT.",
    )
  }
  if (!(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    throw new RubricArgumentError(
      `${where}: otel.timeoutMs is ${JSON.stringify(timeoutMs)}; give milliseconds, a whole number above 0 (default 10000).`,
    )
  }
  return { kind: 'otlp', url, headers, timeoutMs }
}

/** A collector's base URL as the logs signal's URL: `<endpoint>/v1/logs`, unless it already names it. */
function logsUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '')
  return trimmed.endsWith('/v1/logs') ? trimmed : `${trimmed}/v1/logs`
}

/** A log record of the logs API, written here so that this package's types never need the optional packages. */
export interface EvaluationEvent {
  eventName: typeof EVENT_NAME
  timestamp: Date
  severityNumber: number
  severityText: 'INFO' | 'WARN'
  attributes: Record<string, string | number | boolean>
}

/**
 * One `gen_ai.evaluation.result` log record per scored record of the report (spend, a task's cost or a simulated
 * user's turn, is no evaluation).
 */
export function evaluationEvents(report: HeldReport): EvaluationEvent[] {
  const time = new Date(report.createdAt)
  const evaluations = report.judgments.filter((judgment) => !isSpend(judgment))
  return evaluations.map((judgment) => ({
    eventName: EVENT_NAME,
    timestamp: time,
    severityNumber: judgment.pass === false || judgment.error ? WARN : INFO,
    severityText: judgment.pass === false || judgment.error ? 'WARN' : 'INFO',
    attributes: eventAttributes(spooledText(judgment)),
  }))
}

function eventAttributes(judgment: ReportJudgment): EvaluationEvent['attributes'] {
  const attributes: EvaluationEvent['attributes'] = {
    'gen_ai.evaluation.name': judgment.dimension,
    'gen_ai.evaluation.explanation': judgment.reason,
    'test.case.name': judgment.test,
    'code.file.path': judgment.file,
    'vitest_rubric.floor': judgment.floor,
    'vitest_rubric.judge.name': judgment.judgeName,
    'vitest_rubric.judge.id': judgment.judgeId,
    'vitest_rubric.kind': judgment.kind,
    'vitest_rubric.assertion': judgment.assertion,
  }
  if (judgment.score !== null) attributes['gen_ai.evaluation.score.value'] = judgment.score
  if (judgment.pass !== null) attributes['gen_ai.evaluation.score.label'] = judgment.pass ? 'pass' : 'fail'
  if (judgment.error) attributes['error.type'] = judgment.error.code
  if (judgment.model) attributes['gen_ai.request.model'] = judgment.model
  if (judgment.kind === 'judgment') attributes['vitest_rubric.rubric.id'] = judgment.rubricId
  if (judgment.line !== undefined) attributes['code.line.number'] = judgment.line
  if (judgment.project) attributes['vitest_rubric.project'] = judgment.project
  if (judgment.rowId !== undefined) attributes['vitest_rubric.row.id'] = judgment.rowId
  return attributes
}

/** What sending the events came to: how many were sent, or why none were (a warning, never a failure). */
export type OtelOutcome = { sent: number } | { warning: string }

/**
 * Emits the report's judgments to the target. The OpenTelemetry packages are imported here, only when the option
 * is on; a missing one is an error that names what to install. An export that fails (a collector that cannot be
 * reached, a rejected request) is returned as a warning.
 */
export async function emitEvaluationEvents(report: HeldReport, target: OtelTarget): Promise<OtelOutcome> {
  const events = evaluationEvents(report)
  if (events.length === 0) return { sent: 0 }
  if (target.kind === 'global') {
    const { logs } = await loadLogsApi()
    const logger = logs.getLogger(SCOPE)
    for (const event of events) logger.emit(event)
    await flushable(logs.getLoggerProvider())?.forceFlush()
    return { sent: events.length }
  }
  const { LoggerProvider, OTLPLogExporter } = await loadOtlpExporter()
  // The run's events are complete when the run ends: they are collected and exported in one request, whose
  // result says whether the collector took them (the SDK's batch processor would only log a failure).
  const collected: Parameters<InstanceType<typeof OTLPLogExporter>['export']>[0] = []
  const provider = new LoggerProvider({
    processors: [
      {
        onEmit: (record) => void collected.push(record),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  })
  const logger = provider.getLogger(SCOPE)
  for (const event of events) logger.emit(event)
  const exporter = new OTLPLogExporter({
    url: target.url,
    headers: target.headers,
    timeoutMillis: target.timeoutMs,
  })
  const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
    exporter.export(collected, resolve),
  )
  await exporter.shutdown()
  await provider.shutdown()
  if (result.code === 0) return { sent: events.length }
  return {
    warning:
      `OpenTelemetry: could not send ${events.length} evaluation events to ${target.url}` +
      `${result.error ? ` (${result.error.message})` : ''}. The eval results are unaffected; check that the ` +
      'collector runs and is reachable from here, or send them later with `vitest-rubric report --otel <endpoint> report.json`.',
  }
}

function flushable(provider: object): { forceFlush(): Promise<void> } | undefined {
  // The API hands out a proxy until a provider is registered, and the registered provider behind it after.
  const delegate = (provider as { _getDelegate?: () => object })._getDelegate?.() ?? provider
  const candidate = delegate as { forceFlush?: () => Promise<void> }
  return typeof candidate.forceFlush === 'function'
    ? { forceFlush: () => candidate.forceFlush!.call(delegate) }
    : undefined
}

/** Imports OpenTelemetry packages, or says which to install. */
async function importOtel<T>(packages: readonly string[], load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (error) {
    throw new RubricError(
      'RUBRIC_OTEL_MISSING',
      `the reporter option otel needs ${packages.join(', ')}, which could not be loaded. Install them with ` +
        `\`npm install -D ${packages.join(' ')}\`, or turn the otel option off.`,
      { cause: error },
    )
  }
}

/** The logs API, for `otel: true`. */
const loadLogsApi = () => importOtel(['@opentelemetry/api-logs'], () => import('@opentelemetry/api-logs'))

/** The logs SDK and the OTLP/HTTP exporter, for `otel: { endpoint }`. */
const loadOtlpExporter = () =>
  importOtel(
    ['@opentelemetry/api', '@opentelemetry/sdk-logs', '@opentelemetry/exporter-logs-otlp-http'],
    async () => {
      const [{ LoggerProvider }, { OTLPLogExporter }] = await Promise.all([
        import('@opentelemetry/sdk-logs'),
        import('@opentelemetry/exporter-logs-otlp-http'),
      ])
      return { LoggerProvider, OTLPLogExporter }
    },
  )

/** Loads what the target needs, so that a missing package fails before the run rather than after it. */
export async function assertOtelLoadable(target: OtelTarget | false): Promise<void> {
  if (target === false) return
  await (target.kind === 'global' ? loadLogsApi() : loadOtlpExporter())
}
