/**
 * A standalone OpenAI-compatible judge for the smoke test and the throughput benchmark: `POST /v1/chat/completions`
 * answers, after `delayMs`, a verdict that gives every requested dimension the top of its scale (asked to compare
 * two outputs, it prefers the longer one on every dimension, in either position). It reads the
 * dimensions from the request's JSON schema (`response_format.json_schema`), else from the prompt. `GET /stats`
 * answers how many calls it served and the most it held at once; `POST /stats/reset` starts the count again.
 * `POST /v1/embeddings` answers each input's letter counts as its vector, so that similar texts have similar vectors.
 * Listens on 127.0.0.1, port 0.
 *
 * Run on its own, it prints its base URL (ending in /v1) on the first line of stdout:
 * `node scripts/judge-server.mjs [--delay <ms>] [--log]` (`--log`: one line per request on stderr).
 */
import { createServer } from 'node:http'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

/**
 * Starts the server; resolves to `{ baseURL, chatRequests, agentRequests, dimensions, close() }`. `agent`, given, is
 * asked first about every request (`(method, url, body) => response body | undefined`): the requests it answers
 * are a model's under test, not a judge's, and count as `agentRequests`, not as `chatRequests`.
 */
export async function startJudgeServer({ log = () => {}, delayMs = 0, agent } = {}) {
  let chatRequests = 0
  let agentRequests = 0
  let inFlight = 0
  let maxInFlight = 0
  const askedDimensions = new Set()
  let sequence = 0
  const server = createServer(async (req, res) => {
    let body
    try {
      body = JSON.parse((await readBody(req)) || '{}')
    } catch {
      return sendJson(res, 400, {
        error: { message: 'request body is not JSON', type: 'invalid_request_error' },
      })
    }
    const id = ++sequence
    const agentBody = agent?.(req.method, req.url, body)
    if (agentBody !== undefined) {
      agentRequests++
      log(`agent request ${id}: ${req.method} ${req.url} for ${body.model}`)
      return sendJson(res, 200, agentBody)
    }
    if (req.method === 'GET' && req.url === '/stats')
      return sendJson(res, 200, { calls: chatRequests, maxInFlight })
    if (req.method === 'POST' && req.url === '/stats/reset') {
      chatRequests = 0
      maxInFlight = 0
      return sendJson(res, 200, {})
    }
    if (req.method === 'POST' && req.url === '/v1/embeddings') {
      const inputs = Array.isArray(body.input) ? body.input : [body.input ?? '']
      return sendJson(res, 200, {
        object: 'list',
        model: body.model ?? 'unknown',
        data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: letterCounts(text) })),
        usage: { prompt_tokens: 10, total_tokens: 10 },
      })
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
      log(`${req.method} ${req.url}: 404`)
      return sendJson(res, 404, {
        error: { message: `no route ${req.method} ${req.url}`, type: 'not_found' },
      })
    }
    chatRequests++
    maxInFlight = Math.max(maxInFlight, ++inFlight)
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
    inFlight--
    const { dimensions, max } = requestedVerdict(body)
    const pair = comparedOutputs(body)
    // A comparison's dimensions get no score, so no row of the dimension table.
    if (!pair) for (const name of dimensions) askedDimensions.add(name)
    log(`chat completion ${id} for ${body.model}: ${dimensions.join(', ') || '(no dimensions found)'}`)
    const preference =
      pair && (pair.a.length > pair.b.length ? 'A' : pair.a.length < pair.b.length ? 'B' : 'tie')
    const verdict = Object.fromEntries(
      dimensions.map((name) => [
        name,
        pair
          ? { reason: `The smoke-test judge prefers the longer output on ${name}.`, preference }
          : { reason: `The smoke-test judge gives ${name} full marks.`, score: max },
      ]),
    )
    sendJson(res, 200, {
      id: `chatcmpl-smoke-${id}`,
      object: 'chat.completion',
      created: 0,
      model: body.model ?? 'unknown',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: JSON.stringify(verdict), refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get chatRequests() {
      return chatRequests
    },
    get agentRequests() {
      return agentRequests
    },
    /** Every dimension a request asked to score, sorted. */
    get dimensions() {
      return [...askedDimensions].sort()
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

/** The dimensions and scale a request asks for: from its JSON schema, else from the prompt's instruction. */
export function requestedVerdict(body) {
  const properties = body.response_format?.json_schema?.schema?.properties
  if (properties) {
    const dimensions = Object.keys(properties)
    const score = dimensions[0] ? properties[dimensions[0]]?.properties?.score : undefined
    return { dimensions, max: score?.maximum ?? 5 }
  }
  const prompt = body.messages?.find((message) => message.role === 'user')?.content ?? ''
  // The last match: the real instruction follows the judged material, which may imitate it.
  const keys = [...prompt.matchAll(/exactly these keys: (\[.*?\])\./g)].at(-1)?.[1]
  const range = [...prompt.matchAll(/integer from (-?\d+) to (-?\d+)/g)].at(-1)
  return { dimensions: keys ? JSON.parse(keys) : [], max: range ? Number(range[2]) : 5 }
}

/** The two outputs of a comparison request (framed as output_a and output_b), or `undefined` for a judgment. */
function comparedOutputs(body) {
  const prompt = body.messages?.find((message) => message.role === 'user')?.content ?? ''
  const framed = (label) =>
    new RegExp(`<output_${label}_([0-9a-f]+)>\\n([\\s\\S]*?)\\n</output_${label}_\\1>`).exec(prompt)?.[2]
  const a = framed('a')
  const b = framed('b')
  return a === undefined || b === undefined ? undefined : { a, b }
}

/** A text as the counts of the letters a to z in it: a deterministic vector that similar texts share. */
function letterCounts(text) {
  const counts = new Array(26).fill(0)
  for (const char of String(text).toLowerCase()) {
    const code = char.charCodeAt(0) - 97
    if (code >= 0 && code < 26) counts[code]++
  }
  return counts
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { delay: { type: 'string' }, log: { type: 'boolean' } } })
  const server = await startJudgeServer({
    delayMs: Number(values.delay ?? 0),
    ...(values.log ? { log: (line) => console.error(`judge-server: ${line}`) } : {}),
  })
  console.log(server.baseURL)
  const stop = () => server.close().then(() => process.exit(0))
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}
