import { createHash } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** A local OpenAI-compatible server for tests: chat completions that answer verdicts, and embeddings. */

export interface ChatMessage {
  role: string
  content: string
}

/** The parsed JSON body of a request; chat and embeddings fields are typed, the rest is kept as sent. */
export interface RequestBody {
  model?: string
  temperature?: number
  messages?: ChatMessage[]
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: JsonSchema } }
  input?: string | string[]
  dimensions?: number
  encoding_format?: 'float' | 'base64'
  [key: string]: unknown
}

interface JsonSchema {
  properties?: Record<string, JsonSchema>
  minimum?: number
  maximum?: number
  [key: string]: unknown
}

export interface RecordedRequest {
  method: string
  path: string
  headers: IncomingHttpHeaders
  body: RequestBody
}

type VerdictEntry = number | { reason?: unknown; score?: unknown } | unknown

/** What the server does with one chat completions request. */
export type ScriptedReply = { hold?: Promise<unknown>; usage?: Usage } & (
  | {
      kind: 'verdict'
      verdict?: Record<string, VerdictEntry>
      /** Per dimension, the probability of each score token: sent as `logprobs` when the request asks for them. */
      logprobs?: Record<string, Record<string, number>>
    }
  | { kind: 'text'; content: string }
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  | { kind: 'malformed' }
  | { kind: 'raw'; status: number; contentType: string; body: string }
  | { kind: 'drop' }
  | { kind: 'drop-mid-body' }
  | { kind: 'truncated' }
  | { kind: 'empty-choices' }
  | { kind: 'refusal'; refusal: string }
  | { kind: 'reject-format'; formats: string[] }
)

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
}

/** Builders of scripted replies. */
export const reply = {
  /** A verdict: a number per dimension expands to `{ reason, score }`; objects are sent as given. No argument: the default verdict. */
  verdict: (verdict?: Record<string, VerdictEntry>): ScriptedReply =>
    verdict ? { kind: 'verdict', verdict } : { kind: 'verdict' },
  /**
   * A verdict with log-probabilities: per dimension the probability of each score token (the verdict's score is
   * the sampled one). Sent only to a request that asks for `logprobs`, as a real server does.
   */
  verdictWithLogprobs: (
    verdict: Record<string, VerdictEntry>,
    logprobs: Record<string, Record<string, number>>,
  ): ScriptedReply => ({ kind: 'verdict', verdict, logprobs }),
  /** `score` on every dimension the request asks to score, each with `reason(dimension)`. */
  everyDimension: (
    request: RecordedRequest,
    score: number,
    reason: (dimension: string) => string = (dimension) => `${dimension} is ${score}`,
  ): ScriptedReply => ({
    kind: 'verdict',
    verdict: Object.fromEntries(
      requestedVerdict(request.body).dimensions.map((name) => [name, { reason: reason(name), score }]),
    ),
  }),
  /** Raw assistant content. */
  text: (content: string): ScriptedReply => ({ kind: 'text', content }),
  /** An HTTP error status, for example `status(429, { 'retry-after': '0' })`. */
  status: (status: number, headers?: Record<string, string>, body?: unknown): ScriptedReply => ({
    kind: 'status',
    status,
    ...(headers ? { headers } : {}),
    ...(body === undefined ? {} : { body }),
  }),
  /** A 200 response whose body is not JSON. */
  malformed: (): ScriptedReply => ({ kind: 'malformed' }),
  /** Any body as it is, for example a proxy's HTML page: `raw(200, 'text/html', '<html>…')`. */
  raw: (status: number, contentType: string, body: string): ScriptedReply => ({
    kind: 'raw',
    status,
    contentType,
    body,
  }),
  /** The connection is destroyed without a response. */
  drop: (): ScriptedReply => ({ kind: 'drop' }),
  /** A 200 whose body is cut off: the connection is destroyed half-way through it. */
  dropMidBody: (): ScriptedReply => ({ kind: 'drop-mid-body' }),
  /** A cut-off verdict with `finish_reason: 'length'`. */
  truncated: (): ScriptedReply => ({ kind: 'truncated' }),
  emptyChoices: (): ScriptedReply => ({ kind: 'empty-choices' }),
  refusal: (refusal = 'I cannot help with that.'): ScriptedReply => ({ kind: 'refusal', refusal }),
  /** A 400 when the request's `response_format.type` is one of `formats`, else the default verdict. */
  rejectFormat: (...formats: string[]): ScriptedReply => ({ kind: 'reject-format', formats }),
  /** `inner`, sent only once `until` settles: an awaitable delay that needs no timers. */
  held: (until: Promise<unknown>, inner: ScriptedReply = { kind: 'verdict' }): ScriptedReply => ({
    ...inner,
    hold: until,
  }),
}

/**
 * A handler whose answers vary per call: `answer` gets the request and how many earlier requests had the same
 * `key` (for example the judged output, or the model), so the n-th call of a key can answer differently.
 */
export function perCall(
  key: (request: RecordedRequest) => string,
  answer: (request: RecordedRequest, call: number) => ScriptedReply | undefined,
): (request: RecordedRequest) => ScriptedReply | undefined {
  const calls = new Map<string, number>()
  return (request) => {
    const name = key(request)
    const call = calls.get(name) ?? 0
    calls.set(name, call + 1)
    return answer(request, call)
  }
}

/** A handler per model: requests for a model without one get `fallback` (default: the default verdict). */
export function perModel(
  handlers: Record<string, (request: RecordedRequest) => ScriptedReply | undefined>,
  fallback?: (request: RecordedRequest) => ScriptedReply | undefined,
): (request: RecordedRequest) => ScriptedReply | undefined {
  return (request) => (handlers[request.body.model ?? ''] ?? fallback)?.(request)
}

/** A promise with its resolver, for `reply.held` (Node 20 has no `Promise.withResolvers`). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

export interface JudgeServer {
  /** Ends in `/v1`, ready for the SDK's `baseURL`. */
  baseURL: string
  /** Every request received, in order. */
  requests: RecordedRequest[]
  /** Chat completions requests only. */
  readonly chatRequests: RecordedRequest[]
  /** Replies used once each, in order, before the handler. */
  enqueue(...replies: ScriptedReply[]): void
  /** The handler for requests the queue does not answer; `undefined` from it means the default verdict. */
  respond(handler: (request: RecordedRequest) => ScriptedReply | undefined): void
  /** Resolves once `count` requests have arrived. */
  received(count: number): Promise<void>
  /** Chat completions requests being answered now, and the most there were at once since the last reset. */
  readonly inFlight: number
  readonly maxInFlight: number
  /** Chat completions requests whose client closed the connection before the answer. */
  readonly aborted: number
  /** Resolves once `count` requests have been aborted by their client. */
  abortedAtLeast(count: number): Promise<void>
  /** Forgets recorded requests, the queue and the handler. */
  reset(): void
  close(): Promise<void>
}

const DEFAULT_USAGE: Usage = { prompt_tokens: 100, completion_tokens: 20 }

export async function startJudgeServer(): Promise<JudgeServer> {
  const requests: RecordedRequest[] = []
  let queue: ScriptedReply[] = []
  let handler: ((request: RecordedRequest) => ScriptedReply | undefined) | undefined
  let waiters: Array<{ count: number; resolve: () => void }> = []
  let sequence = 0
  let inFlight = 0
  let maxInFlight = 0
  let aborted = 0
  let abortWaiters: Array<{ count: number; resolve: () => void }> = []

  const server = createServer(async (req, res) => {
    const text = await readBody(req)
    let body: RequestBody = {}
    try {
      body = text ? (JSON.parse(text) as RequestBody) : {}
    } catch {
      return sendJson(res, 400, {
        error: { message: 'request body is not JSON', type: 'invalid_request_error' },
      })
    }
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      body,
    }
    requests.push(recorded)
    for (const waiter of waiters) if (requests.length >= waiter.count) waiter.resolve()
    waiters = waiters.filter((waiter) => requests.length < waiter.count)
    const id = ++sequence
    res.setHeader('x-request-id', `req_test_${id}`)
    if (req.method === 'POST' && req.url === '/v1/embeddings') return sendJson(res, 200, embeddings(body))
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      return sendJson(res, 404, {
        error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' },
      })
    }
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.once('close', () => {
      inFlight--
      if (res.writableFinished) return
      aborted++
      for (const waiter of abortWaiters) if (aborted >= waiter.count) waiter.resolve()
      abortWaiters = abortWaiters.filter((waiter) => aborted < waiter.count)
    })
    const scripted = queue.shift() ?? handler?.(recorded) ?? reply.verdict()
    if (scripted.hold) await scripted.hold.catch(() => {})
    answer(res, req, body, scripted, id)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    get chatRequests() {
      return requests.filter((request) => request.path === '/v1/chat/completions')
    },
    enqueue: (...replies) => queue.push(...replies),
    respond: (next) => {
      handler = next
    },
    received: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    get aborted() {
      return aborted
    },
    abortedAtLeast: (count) =>
      aborted >= count ? Promise.resolve() : new Promise((resolve) => abortWaiters.push({ count, resolve })),
    reset: () => {
      maxInFlight = inFlight
      aborted = 0
      requests.length = 0
      sequence = 0
      queue = []
      handler = undefined
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

function answer(
  res: ServerResponse,
  req: IncomingMessage,
  body: RequestBody,
  scripted: ScriptedReply,
  id: number,
) {
  const usage = scripted.usage ?? DEFAULT_USAGE
  const completion = (choices: unknown[]) => ({
    id: `chatcmpl-test-${id}`,
    object: 'chat.completion',
    created: 0,
    model: body.model ?? 'unknown',
    choices,
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  })
  const choice = (
    content: string | null,
    finishReason = 'stop',
    refusal: string | null = null,
    logprobs: unknown = null,
  ) => ({
    index: 0,
    message: { role: 'assistant', content, refusal },
    finish_reason: finishReason,
    logprobs,
  })
  switch (scripted.kind) {
    case 'verdict': {
      // With log-probabilities, whitespace after the keys, as models write it.
      const content = JSON.stringify(
        verdictFor(body, scripted.verdict),
        null,
        scripted.logprobs ? 1 : undefined,
      )
      const logprobs =
        body.logprobs === true && scripted.logprobs
          ? { content: tokenLogprobs(content, scripted.logprobs) }
          : null
      return sendJson(res, 200, completion([choice(content, 'stop', null, logprobs)]))
    }
    case 'text':
      return sendJson(res, 200, completion([choice(scripted.content)]))
    case 'status': {
      for (const [name, value] of Object.entries(scripted.headers ?? {})) res.setHeader(name, value)
      const error = {
        message: `scripted status ${scripted.status}`,
        type: 'server_error',
        param: null,
        code: null,
      }
      return sendJson(res, scripted.status, scripted.body ?? { error })
    }
    case 'malformed':
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end('{"id": "chatcmpl-broken", "choices": [')
    case 'raw':
      res.writeHead(scripted.status, { 'content-type': scripted.contentType })
      return res.end(scripted.body)
    case 'drop':
      return req.socket.destroy()
    case 'drop-mid-body': {
      const text = JSON.stringify(completion([choice(JSON.stringify(verdictFor(body)))]))
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.write(text.slice(0, text.length / 2))
      return setTimeout(() => req.socket.destroy(), 10)
    }
    case 'truncated':
      return sendJson(res, 200, completion([choice('{"faithfulness": {"reason": "The output', 'length')]))
    case 'empty-choices':
      return sendJson(res, 200, completion([]))
    case 'refusal':
      return sendJson(res, 200, completion([choice(null, 'stop', scripted.refusal)]))
    case 'reject-format': {
      const type = body.response_format?.type
      if (type === undefined || !scripted.formats.includes(type)) {
        return sendJson(res, 200, completion([choice(JSON.stringify(verdictFor(body)))]))
      }
      return sendJson(res, 400, {
        error: {
          message: `Invalid parameter: 'response_format' of type '${type}' is not supported with this model.`,
          type: 'invalid_request_error',
          param: 'response_format',
          code: null,
        },
      })
    }
  }
}

/**
 * The verdict's text as tokens with log-probabilities, the way a tokeniser that splits punctuation and numbers
 * would send it: chunks of at most three characters, each score digit a token of its own whose alternatives are
 * the scripted probabilities of the score tokens.
 */
function tokenLogprobs(content: string, distributions: Record<string, Record<string, number>>) {
  const scoreAt = new Map<number, Record<string, number>>()
  for (const [dimension, distribution] of Object.entries(distributions)) {
    const key = content.indexOf(JSON.stringify(dimension))
    const score = /"score":\s*/g
    score.lastIndex = key
    const found = key >= 0 ? score.exec(content) : null
    if (found) scoreAt.set(found.index + found[0].length, distribution)
  }
  const tokens: { token: string; logprob: number; top_logprobs: { token: string; logprob: number }[] }[] = []
  let chunk = ''
  const flush = () => {
    if (chunk) tokens.push({ token: chunk, logprob: 0, top_logprobs: [] })
    chunk = ''
  }
  for (let index = 0; index < content.length; index++) {
    const distribution = scoreAt.get(index)
    if (distribution) {
      flush()
      const token = content[index]!
      tokens.push({
        token,
        logprob: Math.log(distribution[token] ?? 1e-9),
        top_logprobs: Object.entries(distribution).map(([value, p]) => ({
          token: value,
          logprob: Math.log(p),
        })),
      })
      continue
    }
    chunk += content[index]
    if (chunk.length === 3) flush()
  }
  flush()
  return tokens
}

/** The dimensions and scale a chat request asks for: from its JSON schema, else from the prompt's verdict line. */
export function requestedVerdict(body: RequestBody): { dimensions: string[]; min: number; max: number } {
  const schema = body.response_format?.json_schema?.schema
  if (schema?.properties) {
    const dimensions = Object.keys(schema.properties)
    const score = dimensions[0] ? schema.properties[dimensions[0]]?.properties?.score : undefined
    return { dimensions, min: score?.minimum ?? 1, max: score?.maximum ?? 5 }
  }
  const prompt = body.messages?.find((message) => message.role === 'user')?.content ?? ''
  // The last match: the real instruction follows the framed material, which may imitate it.
  const keys = [...prompt.matchAll(/exactly these keys: (\[.*?\])\./g)].at(-1)?.[1]
  const range = [...prompt.matchAll(/integer from (-?\d+) to (-?\d+)/g)].at(-1)
  return {
    dimensions: keys ? (JSON.parse(keys) as string[]) : [],
    min: range ? Number(range[1]) : 1,
    max: range ? Number(range[2]) : 5,
  }
}

function verdictFor(body: RequestBody, given?: Record<string, VerdictEntry>): Record<string, unknown> {
  if (given) {
    return Object.fromEntries(
      Object.entries(given).map(([name, entry]) => [
        name,
        typeof entry === 'number'
          ? { reason: `${name} scored ${entry} by the test server.`, score: entry }
          : entry,
      ]),
    )
  }
  const { dimensions, max } = requestedVerdict(body)
  return Object.fromEntries(
    dimensions.map((name) => [
      name,
      { reason: `Default verdict of the test server for ${name}.`, score: max },
    ]),
  )
}

/** Deterministic unit vectors derived from a hash of each input text. */
function embeddings(body: RequestBody) {
  const inputs = typeof body.input === 'string' ? [body.input] : (body.input ?? [])
  const size = body.dimensions ?? 8
  const data = inputs.map((text, index) => {
    const vector = embed(String(text), size)
    const embedding =
      body.encoding_format === 'base64'
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector
    return { object: 'embedding', index, embedding }
  })
  const tokens = inputs.reduce((sum, text) => sum + Math.ceil(String(text).length / 4), 0)
  return {
    object: 'list',
    data,
    model: body.model ?? 'unknown',
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  }
}

export function embed(text: string, size = 8): number[] {
  const values: number[] = []
  for (let block = 0; values.length < size; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest()
    for (let i = 0; i + 1 < digest.length && values.length < size; i += 2) {
      values.push(digest.readUInt16BE(i) / 32767.5 - 1)
    }
  }
  const length = Math.hypot(...values) || 1
  return values.map((value) => value / length)
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res: ServerResponse, status: number, value: unknown) {
  const text = JSON.stringify(value)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}
