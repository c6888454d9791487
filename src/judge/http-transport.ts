/**
 * Internal to the judge: the `fetch` the judge's OpenAI client sends its calls with. A run makes all its live
 * judge calls in one process (the coordinator), so that process's CPU per call bounds how many calls it keeps in
 * flight. Node's built-in `fetch` (undici) streams every request body through web streams and costs about twice
 * the CPU per call of `node:http` with keep-alive (1,200 chat completions, 16 in flight: 4.0 s against 2.2 s), so
 * plain JSON requests go through `node:http`. Anything else keeps the built-in `fetch`: a body that is not text,
 * a redirect (which `fetch` follows), and every call when the environment configures a proxy (which `fetch` may
 * honour and `node:http` does not).
 */
import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib'

type Fetch = typeof fetch

/** Environment variables that configure a proxy for Node's `fetch`. */
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NODE_USE_ENV_PROXY']

/** The `fetch` for the judge's client: `undefined` (the SDK's own) when the environment sets a proxy. */
export function judgeFetch(env: NodeJS.ProcessEnv = process.env): Fetch | undefined {
  return PROXY_VARIABLES.some((name) => env[name]) ? undefined : httpFetch
}

// One keep-alive pool per protocol for the process, as the built-in fetch keeps one; idle sockets do not keep
// the process alive (the agent unrefs them).
let agents: { http: http.Agent; https: https.Agent } | undefined

const DECODERS: Record<string, (body: Buffer) => Buffer> = {
  gzip: gunzipSync,
  'x-gzip': gunzipSync,
  deflate: inflateSync,
  br: brotliDecompressSync,
}

/** How long a kept-alive connection may stay idle before it is closed. */
const IDLE_MS = 2_000

const REDIRECTS = new Set([301, 302, 303, 307, 308])
const NULL_BODY = new Set([101, 204, 205, 304])

/** `fetch` over `node:http` for requests with a text body (or none); other requests go to the built-in one. */
export const httpFetch: Fetch = (input, init = {}) => {
  const { body } = init
  if (input instanceof Request || !(body === undefined || body === null || typeof body === 'string')) {
    return fetch(input, init)
  }
  const url = new URL(String(input))
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init)
  agents ??= {
    http: closingIdle(new http.Agent({ keepAlive: true })),
    https: closingIdle(new https.Agent({ keepAlive: true })),
  }
  const secure = url.protocol === 'https:'
  const headers: Record<string, string> = {}
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value
  })
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body))
  const options: http.RequestOptions = {
    method: init.method ?? 'GET',
    headers,
    agent: secure ? agents.https : agents.http,
    ...(init.signal ? { signal: init.signal } : {}),
  }
  return new Promise<Response>((resolve, reject) => {
    const request = (secure ? https : http).request(url, options, (response) => {
      const status = response.statusCode ?? 0
      if (REDIRECTS.has(status) && response.headers.location) {
        response.resume()
        resolve(fetch(input, init))
        return
      }
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('error', reject)
      response.on('close', () => {
        if (!response.complete) {
          reject(
            Object.assign(new Error('the connection closed before the response ended'), {
              code: 'ECONNRESET',
            }),
          )
        }
      })
      response.on('end', () => {
        try {
          resolve(toResponse(response, status, Buffer.concat(chunks)))
        } catch (error) {
          reject(error)
        }
      })
    })
    // The idle timeout is for kept-alive connections only; a call waits as long as the SDK's timeout allows.
    request.on('socket', (socket) => socket.setTimeout(0))
    request.on('error', reject)
    request.end(body ?? undefined)
  })
}

/**
 * Node's agent closes an idle kept-alive connection only when told a timeout (it ignores the server's
 * `Keep-Alive: timeout=5` hint without one): closed well before servers close theirs (Node's: 5 s), a connection
 * is not reused as the server drops it, which would fail the call before the server saw it.
 */
function closingIdle<A extends http.Agent>(agent: A): A {
  // The agent's own 'free' listener, registered first, has just kept the socket (with no timeout) or destroyed it.
  agent.on('free', (socket: Socket) => socket.setTimeout(IDLE_MS))
  return agent
}

function toResponse(response: http.IncomingMessage, status: number, raw: Buffer): Response {
  const headers = new Headers()
  const { rawHeaders } = response
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    headers.append(rawHeaders[index]!, rawHeaders[index + 1]!)
  }
  const encoding = response.headers['content-encoding']?.trim().toLowerCase()
  const decode = encoding ? DECODERS[encoding] : undefined
  const body = decode && raw.length > 0 ? decode(raw) : raw
  if (decode) {
    headers.delete('content-encoding')
    headers.delete('content-length')
  }
  return new Response(NULL_BODY.has(status) ? null : new Uint8Array(body), {
    status,
    statusText: response.statusMessage ?? '',
    headers,
  })
}
