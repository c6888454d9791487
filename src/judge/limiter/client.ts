/**
 * Internal to the judge: the worker's side of the coordinator (see coordinator.ts for the protocol). A judge
 * whose calls are made in the main process, so a worker never loads the SDK.
 */
import { connect, type Socket } from 'node:net'
import type { SimulatorReply, SimulatorRequest } from '../../conversation/simulator-prompt.ts'
import { RubricError } from '../../errors.ts'
import type { Judge, Judgment, JudgmentError } from '../../types.ts'
import { errorJudgment } from '../judgment-error.ts'
import type {
  ClientMessage,
  CoordinatorAddress,
  JudgeAccess,
  ServerMessage,
  WireRequest,
} from './coordinator.ts'
import { batchedWriter, readLines } from './coordinator.ts'

interface Pending {
  /** The answer from the main process: a judgment, a simulated turn, or what the judge threw. */
  answer: (message: ServerMessage) => void
  reject: (error: unknown) => void
}

/**
 * A judge with the identity of `judge` whose calls the coordinator at `address` makes, with `access` (the key
 * and base URL the worker sees) when given. It connects on the first call, so a file whose judgments are all
 * stored never connects. It plays a simulated user too (`simulate`), when the run's judge is an LLM judge.
 */
export function connectJudge(
  address: CoordinatorAddress,
  judge: Pick<Judge, 'id' | 'name' | 'model'>,
  access: JudgeAccess = {},
): Judge & {
  simulate(request: SimulatorRequest & { signal?: AbortSignal | undefined }): Promise<SimulatorReply>
  close(): void
} {
  const sent = Object.keys(access).length > 0 ? { access } : {}
  let socket: Socket | undefined
  let send: (message: ClientMessage) => void = () => {}
  const pending = new Map<number, Pending>()
  let nextId = 1

  function open(): void {
    if (socket && !socket.destroyed) return
    const opened = connect(address.port, address.host)
    opened.setNoDelay(true)
    // Vitest keeps the worker alive while tests run; this socket must not keep it alive after.
    opened.unref()
    readLines(opened, (line) => {
      const message = JSON.parse(line) as ServerMessage
      const waiter = pending.get(message.id)
      if (!waiter) return
      pending.delete(message.id)
      waiter.answer(message)
    })
    const fail = (cause?: unknown) => {
      const error = new RubricError(
        'RUBRIC_JUDGE_LIMITER',
        `lost the connection to the judge coordinator in the main Vitest process (${address.host}:${address.port}). ` +
          'This is a bug or a crash of the main process: run again, and report it if it persists.',
        { cause },
      )
      for (const waiter of pending.values()) waiter.reject(error)
      pending.clear()
      if (socket === opened) socket = undefined
    }
    opened.on('error', fail)
    opened.on('close', () => fail())
    socket = opened
    send = batchedWriter(opened)
  }

  /** Sends one call and resolves with its answer as `read` makes it; an abort reaches the main process. */
  function call<T>(
    message: { op: 'judge'; request: WireRequest } | { op: 'simulate'; request: SimulatorRequest },
    signal: AbortSignal | undefined,
    read: (answer: ServerMessage) => T,
  ): Promise<T> {
    open()
    const id = nextId++
    const write = send
    return new Promise<T>((resolve, reject) => {
      // An abort reaches the call in the main process, which answers with the aborted judgment.
      const onAbort = () => write({ op: 'cancel', id })
      const settled =
        <V>(settle: (value: V) => void) =>
        (value: V) => {
          signal?.removeEventListener('abort', onAbort)
          settle(value)
        }
      pending.set(id, {
        answer: settled((answer: ServerMessage) => resolve(read(answer))),
        reject: settled(reject),
      })
      write({ ...message, id, ...sent } as ClientMessage)
      if (signal?.aborted) onAbort()
      else signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  return {
    id: judge.id,
    name: judge.name,
    ...(judge.model === undefined ? {} : { model: judge.model }),
    judge({ signal, ...request }) {
      return call<Judgment>({ op: 'judge', request: request satisfies WireRequest }, signal, (message) => {
        if ('judgment' in message) return message.judgment
        // The judge threw in the main process: the failure becomes this call's error judgment.
        return errorJudgment(judge, request, (message as { error: JudgmentError }).error)
      })
    },
    simulate({ signal, ...request }) {
      return call<SimulatorReply>({ op: 'simulate', request }, signal, (message) => {
        if ('simulated' in message) return message.simulated
        const { error } = message as { error: JudgmentError }
        return { action: 'give-up', message: '', model: request.model, latencyMs: 0, error }
      })
    },
    close() {
      socket?.destroy()
      socket = undefined
    },
  }
}
