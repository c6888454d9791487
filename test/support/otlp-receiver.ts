import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A log record as an OTLP/HTTP JSON request carries it, its attributes flattened to plain values. */
export interface ReceivedLogRecord {
  eventName: string | undefined
  severityText: string | undefined
  attributes: Record<string, unknown>
  /** The record's resource and instrumentation scope. */
  scope: string | undefined
  resource: Record<string, unknown>
}

interface AnyValue {
  stringValue?: string
  boolValue?: boolean
  intValue?: number | string
  doubleValue?: number
  arrayValue?: { values?: AnyValue[] }
  kvlistValue?: { values?: KeyValue[] }
}
interface KeyValue {
  key: string
  value?: AnyValue
}
interface ExportLogsServiceRequest {
  resourceLogs?: {
    resource?: { attributes?: KeyValue[] }
    scopeLogs?: {
      scope?: { name?: string }
      logRecords?: { eventName?: string; severityText?: string; attributes?: KeyValue[] }[]
    }[]
  }[]
}

function plain(value: AnyValue | undefined): unknown {
  if (!value) return undefined
  if (value.stringValue !== undefined) return value.stringValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(plain)
  if (value.kvlistValue) return attributesOf(value.kvlistValue.values)
  return undefined
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, plain(value)]))
}

/**
 * An OpenTelemetry collector's OTLP/HTTP logs endpoint on 127.0.0.1, port 0, that accepts JSON
 * (`POST /v1/logs`) and keeps every log record it received.
 */
export async function startOtlpReceiver() {
  const records: ReceivedLogRecord[] = []
  const requests: { path: string; contentType: string | undefined; headers: Record<string, unknown> }[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      requests.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        headers: request.headers,
      })
      if (request.method !== 'POST' || request.url !== '/v1/logs') {
        response.writeHead(404).end()
        return
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExportLogsServiceRequest
      for (const resourceLogs of body.resourceLogs ?? []) {
        const resource = attributesOf(resourceLogs.resource?.attributes)
        for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
          for (const record of scopeLogs.logRecords ?? []) {
            records.push({
              eventName: record.eventName,
              severityText: record.severityText,
              attributes: attributesOf(record.attributes),
              scope: scopeLogs.scope?.name,
              resource,
            })
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    endpoint: `http://127.0.0.1:${port}`,
    records,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** A loopback URL that refuses connections: a port that was just free. */
export async function unreachableEndpoint(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}
