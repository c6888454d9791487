/**
 * The throughput benchmark's judge: an OpenAI-compatible server on 127.0.0.1, port 0, that answers every chat
 * completion after a fixed delay with top marks on each requested dimension. It prints its base URL on the first
 * line of stdout; `GET /stats` answers how many calls it served and the most it held at once.
 *
 *   node bench/judge-server.mjs [delayMs=100]
 */
import { createServer } from 'node:http'

const delayMs = Number(process.argv[2] ?? 100)
let calls = 0
let inFlight = 0
let maxInFlight = 0

const server = createServer((req, res) => {
  let text = ''
  req.on('data', (chunk) => {
    text += chunk
  })
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/stats') return send(res, { calls, maxInFlight })
    if (req.method === 'POST' && req.url === '/stats/reset') {
      calls = 0
      maxInFlight = 0
      return send(res, {})
    }
    const body = JSON.parse(text || '{}')
    calls++
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    setTimeout(() => {
      inFlight--
      const schema = body.response_format?.json_schema?.schema?.properties ?? {}
      const verdict = Object.fromEntries(
        Object.keys(schema).map((name) => [
          name,
          { reason: 'The benchmark judge gives full marks.', score: 5 },
        ]),
      )
      send(res, {
        id: `chatcmpl-bench-${calls}`,
        object: 'chat.completion',
        created: 0,
        model: body.model ?? 'bench',
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
    }, delayMs)
  })
})

function send(res, value) {
  const text = JSON.stringify(value)
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

server.listen(0, '127.0.0.1', () => {
  console.log(`http://127.0.0.1:${server.address().port}/v1`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
