import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { httpFetch, judgeFetch } from '../src/judge/http-transport.ts'

// A real server on 127.0.0.1, port 0: each path answers one way.
const routes: Record<string, (req: IncomingMessage, res: ServerResponse, body: string) => void> = {
  '/echo': (req, res, body) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'req_1' })
    res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }))
  },
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
    res.end(gzipSync(JSON.stringify({ packed: true })))
  },
  '/moved': (_req, res) => {
    res.writeHead(307, { location: '/echo' })
    res.end()
  },
  '/cut': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' })
    res.write('{"half":')
    setImmediate(() => res.socket?.destroy())
  },
  '/never': () => {},
}
let server: Server
let base: string
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => {
      body += chunk
    })
    req.on('end', () => routes[req.url ?? '']?.(req, res, body))
  })
  server.keepAliveTimeout = 0
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

describe('judgeFetch', () => {
  test('node:http for the judge client, the built-in fetch when the environment sets a proxy', () => {
    expect(judgeFetch({})).toBe(httpFetch)
    expect(judgeFetch({ HTTPS_PROXY: 'http://proxy:3128' })).toBeUndefined()
    expect(judgeFetch({ NODE_USE_ENV_PROXY: '1' })).toBeUndefined()
  })
})

describe('httpFetch', () => {
  test('sends the method, headers and text body, and answers what fetch would: status, headers, body', async () => {
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":"é"}' }
    const ours = await httpFetch(`${base}/echo`, init)
    const theirs = await fetch(`${base}/echo`, init)
    expect(ours.status).toBe(201)
    expect(ours.headers.get('x-request-id')).toBe('req_1')
    const body = await ours.json()
    expect(body).toEqual({ method: 'POST', body: '{"a":"é"}', type: 'application/json' })
    expect(body).toEqual(await theirs.json())
  })

  test('a compressed body is decoded', async () => {
    const response = await httpFetch(`${base}/gzip`)
    expect(await response.json()).toEqual({ packed: true })
    expect(response.headers.get('content-encoding')).toBeNull()
  })

  test('a redirect is followed', async () => {
    const response = await httpFetch(`${base}/moved`, { method: 'POST', body: 'x' })
    expect(await response.json()).toMatchObject({ method: 'POST', body: 'x' })
  })

  test('a connection cut before the body ends rejects, with the code the judge retries on', async () => {
    await expect(httpFetch(`${base}/cut`)).rejects.toMatchObject({ code: 'ECONNRESET' })
  })

  test('an idle kept-alive connection is closed by the client, before a server would close it', async () => {
    const closed = new Promise<boolean>((resolve) =>
      server.once('connection', (socket) => socket.once('close', () => resolve(true))),
    )
    // A fresh connection: the earlier ones may still be idle in the pool.
    const response = await httpFetch(`${base.replace('127.0.0.1', 'localhost')}/echo`, {
      method: 'POST',
      body: 'x',
    })
    await response.json()
    // The test server never closes idle connections itself (keepAliveTimeout 0 below).
    expect(await closed).toBe(true)
  })

  test('an abort rejects with an AbortError, as the SDK expects of a timeout', async () => {
    const controller = new AbortController()
    const pending = httpFetch(`${base}/never`, { signal: controller.signal })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
  })
})
