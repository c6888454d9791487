/**
 * Internal to the judge: the coordinator that makes the run's live LLM judge calls in the main Vitest process.
 * Workers never load the SDK or open connections to the judge's server: they send each judge request here over
 * one TCP connection on loopback, and the coordinator judges it through the run's limits (concurrency, requests
 * and tokens per minute, budget), with one HTTP client for the whole run. Newline-delimited JSON:
 *
 *   worker → { op: 'judge', id, request, access? }   main → { id, judgment } or { id, error: JudgmentError }
 *   worker → { op: 'simulate', id, request, access? }   main → { id, simulated }   (a simulated user's turn)
 *   worker → { op: 'cancel', id }   (aborts the call, as the test's signal did; its answer still comes)
 *
 * `access` is the API key and base URL as the worker sees them (from the judge options, else its environment),
 * so a key set in a setup file or in Vitest's `test.env` works as it would in the worker.
 *
 * A call belongs to the connection that asked for it: when a worker exits or crashes, its connection closes and
 * every call it still waited for is aborted, which gives back its slots.
 *
 * Waiting calls are served in the order their connections opened (an eval file connects at its first live
 * call), not round-robin: the earliest file finishes first and its worker starts the next file while the calls
 * of the files after it keep the judge busy. Served round-robin, the files of a run would finish together and
 * leave the judge idle while the next ones start. A call that has waited 10 s goes first whatever its file, so
 * that a long file cannot starve the others into their test timeouts.
 */
import { createServer, type Socket } from 'node:net'
import type { SimulatorReply, SimulatorRequest } from '../../conversation/simulator-prompt.ts'
import type { Judge, JudgeRequest, Judgment, JudgmentError } from '../../types.ts'
import { judgmentErrorOf } from '../judgment-error.ts'
import type { SimulatingJudge } from '../llm-judge.ts'
import { type JudgeLimiter, limiterOver } from './limiter.ts'
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

/** A judge request as it travels: everything but the signal, which becomes `cancel`. */
export type WireRequest = Omit<JudgeRequest, 'signal'>

/** Where and with what key a worker's judge calls go, when the worker knows. */
export interface JudgeAccess {
  apiKey?: string
  baseURL?: string
  /** The panel member the call is for (its index), when the judge is a panel. */
  member?: number
}

/** A message from a worker. */
export type ClientMessage =
  | { op: 'judge'; id: number; request: WireRequest; access?: JudgeAccess }
  | { op: 'simulate'; id: number; request: SimulatorRequest; access?: JudgeAccess }
  | { op: 'cancel'; id: number }

/**
 * An answer to `judge`: the judgment (error judgments included), or what the judge threw, as a value; to
 * `simulate`, the simulated turn (with its error when it failed).
 */
export type ServerMessage =
  | { id: number; judgment: Judgment }
  | { id: number; simulated: SimulatorReply }
  | { id: number; error: JudgmentError }

/** The judge the coordinator calls: an LLM judge can also play a simulated user. */
type CoordinatedJudge = Judge & Partial<Pick<SimulatingJudge, 'simulate'>>

const HOST = '127.0.0.1'

/**
 * Starts a coordinator on 127.0.0.1, port 0. `makeJudge` makes the run's judge over the limiter that holds
 * `limits` for every worker, once without access (the main process's own) and once for each access the workers
 * send.
 */
export async function startCoordinator(
  limits: JudgeLimits,
  makeJudge: (limiter: JudgeLimiter, access: JudgeAccess) => CoordinatedJudge,
): Promise<Coordinator> {
  const core = new LimiterCore(limits)
  // Each call runs with its own signal, which carries the rank of the connection that asked for it.
  const ranks = new WeakMap<AbortSignal, number>()
  const limiter = limiterOver(core, (signal) => (signal && ranks.get(signal)) ?? 0)
  const judges = new Map<string, CoordinatedJudge>()
  const judgeFor = (access: JudgeAccess = {}): CoordinatedJudge => {
    const key = JSON.stringify([access.apiKey ?? '', access.baseURL ?? '', access.member ?? 0])
    let judge = judges.get(key)
    if (!judge) {
      judge = makeJudge(limiter, access)
      judges.set(key, judge)
    }
    return judge
  }
  // The main process's own judge, made now so that its code can load while the workers start.
  judgeFor()
  const sockets = new Set<Socket>()
  let connections = 0
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    const rank = connections++
    const connection = serve(judgeFor, batchedWriter(socket), (signal) => ranks.set(signal, rank))
    readLines(socket, (line) => {
      let message: unknown
      try {
        message = JSON.parse(line)
      } catch {
        return socket.destroy()
      }
      if (!isClientMessage(message)) return socket.destroy()
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
 * One worker connection's calls, by the worker's ids. Closing it aborts the calls still under way. `onCall`
 * sees each call's signal before the judge does.
 */
export function serve(
  judgeFor: (access?: JudgeAccess) => CoordinatedJudge,
  send: (message: ServerMessage) => void,
  onCall: (signal: AbortSignal) => void = () => {},
) {
  const calls = new Map<number, AbortController>()
  let closed = false
  return {
    receive(message: ClientMessage): void {
      if (closed) return
      const { id } = message
      if (message.op === 'cancel') {
        calls.get(id)?.abort()
        return
      }
      if (calls.has(id)) return
      const controller = new AbortController()
      calls.set(id, controller)
      onCall(controller.signal)
      const answer = (reply: ServerMessage) => {
        calls.delete(id)
        if (!closed) send(reply)
      }
      const failed = (error: unknown) =>
        answer({ id, error: judgmentErrorOf(error, 'RUBRIC_JUDGE_INTERNAL') })
      // A judge that throws, even before its first await, answers with the error.
      if (message.op === 'simulate') {
        new Promise<SimulatorReply>((resolve) => {
          const { simulate } = judgeFor(message.access)
          if (!simulate) throw new Error("the run's judge cannot simulate a user: it is not an LLM judge")
          resolve(simulate({ ...message.request, signal: controller.signal }))
        }).then((simulated) => answer({ id, simulated }), failed)
        return
      }
      new Promise<Judgment>((resolve) =>
        resolve(judgeFor(message.access).judge({ ...message.request, signal: controller.signal })),
      ).then((judgment) => answer({ id, judgment }), failed)
    },
    close(): void {
      if (closed) return
      closed = true
      for (const controller of calls.values()) controller.abort()
      calls.clear()
    },
  }
}

function isClientMessage(message: unknown): message is ClientMessage {
  if (typeof message !== 'object' || message === null) return false
  const { op, id, request } = message as Record<string, unknown>
  if (typeof id !== 'number') return false
  return (
    op === 'cancel' ||
    ((op === 'judge' || op === 'simulate') && typeof request === 'object' && request !== null)
  )
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
