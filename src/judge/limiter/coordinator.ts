/**
 * Internal to the judge limiter: the coordinator that holds the run's judge limits in the main Vitest process.
 * Workers keep one TCP connection to it on loopback and speak newline-delimited JSON:
 *
 *   worker → { op: 'acquire', id, tokens }   main → { id, ok: true } or { id, ok: false, spentUsd, budgetUsd }
 *   worker → { op: 'cancel', id }             (withdraws a waiting request, or frees a granted slot)
 *   worker → { op: 'release', id, tokens, costUsd }
 *
 * A slot belongs to the connection that took it: when a worker exits or crashes, its connection closes and
 * every slot it held or waited for is given back.
 */
import { createServer, type Socket } from 'node:net'
import { type JudgeLimits, LimiterCore, type LimiterStats } from './limits.ts'

/** Where workers reach the coordinator (what the plugin provides to them). */
export interface CoordinatorAddress {
  host: string
  port: number
}

export interface Coordinator extends CoordinatorAddress {
  readonly core: LimiterCore
  /** Budget and counters from zero, at the start of each run (watch mode runs many). */
  resetRun(): void
  stats(): LimiterStats
  close(): Promise<void>
}

/** A message from a worker. */
export type ClientMessage =
  | { op: 'acquire'; id: number; tokens: number }
  | { op: 'cancel'; id: number }
  | { op: 'release'; id: number; tokens?: number; costUsd?: number }

/** An answer to `acquire`. */
export type ServerMessage =
  | { id: number; ok: true }
  | { id: number; ok: false; reason: 'budget'; spentUsd: number; budgetUsd: number }

const HOST = '127.0.0.1'

/** Starts a coordinator on 127.0.0.1, port 0. */
export async function startCoordinator(limits: JudgeLimits): Promise<Coordinator> {
  const core = new LimiterCore(limits)
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    const connection = serve(core, batchedWriter(socket))
    readLines(socket, (line) => {
      let message: ClientMessage
      try {
        message = JSON.parse(line) as ClientMessage
      } catch {
        return socket.destroy()
      }
      connection.receive(message)
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      sockets.delete(socket)
      connection.close()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.unref()
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    host: HOST,
    port,
    core,
    resetRun: () => core.resetRun(),
    stats: () => core.snapshot(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * One worker connection's requests and slots, by the worker's ids. Closing it cancels what still waits and
 * frees what is held.
 */
export function serve(core: LimiterCore, send: (message: ServerMessage) => void) {
  const waiting = new Map<number, number>()
  const held = new Map<number, number>()
  let closed = false
  return {
    receive(message: ClientMessage): void {
      if (closed) return
      if (message.op === 'acquire') {
        const { id } = message
        let settled = false
        const ticket = core.request(Math.max(0, Number(message.tokens) || 0), (grant) => {
          settled = true
          waiting.delete(id)
          if (closed) {
            if (grant.ok) core.release(grant.lease)
            return
          }
          if (grant.ok) {
            held.set(id, grant.lease)
            send({ id, ok: true })
          } else {
            send({
              id,
              ok: false,
              reason: grant.reason,
              spentUsd: grant.spentUsd,
              budgetUsd: grant.budgetUsd,
            })
          }
        })
        // The answer may already have come, synchronously.
        if (!settled) waiting.set(id, ticket)
        return
      }
      const lease = held.get(message.id)
      if (lease !== undefined) {
        held.delete(message.id)
        const spent =
          message.op === 'release'
            ? { tokens: Number(message.tokens) || 0, costUsd: Number(message.costUsd) || 0 }
            : undefined
        core.release(lease, spent)
        return
      }
      const ticket = waiting.get(message.id)
      if (ticket !== undefined) {
        waiting.delete(message.id)
        core.cancel(ticket)
      }
    },
    close(): void {
      if (closed) return
      closed = true
      for (const ticket of waiting.values()) core.cancel(ticket)
      for (const lease of held.values()) core.release(lease)
      waiting.clear()
      held.clear()
    },
  }
}

/** Calls `onLine` with each newline-terminated line that arrives on `socket`. */
export function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let end = buffered.indexOf('\n')
    while (end !== -1) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      if (line) onLine(line)
      end = buffered.indexOf('\n')
    }
  })
}

/**
 * Writes newline-delimited JSON to `socket`, the messages of one turn of the event loop in one write: calls end
 * and start in bursts, and each write is a system call.
 */
export function batchedWriter(socket: Socket): (message: ClientMessage | ServerMessage) => void {
  let pending = ''
  return (message) => {
    if (socket.destroyed) return
    if (pending === '') {
      setImmediate(() => {
        if (!socket.destroyed) socket.write(pending)
        pending = ''
      })
    }
    pending += `${JSON.stringify(message)}\n`
  }
}
