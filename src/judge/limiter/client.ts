/**
 * Internal to the judge: the worker's side of the coordinator (see coordinator.ts for the protocol). A judge
 * whose calls are made in the main process, so a worker never loads the SDK.
 */
import { connect, type Socket } from 'node:net'
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
  resolve: (judgment: Judgment) => void
  /** The judge threw in the main process: the failure becomes this call's error judgment. */
  fail: (error: JudgmentError) => void
  reject: (error: unknown) => void
}

/**
 * A judge with the identity of `judge` whose calls the coordinator at `address` makes, with `access` (the key
 * and base URL the worker sees) when given. It connects on the first call, so a file whose judgments are all
 * stored never connects.
 */
export function connectJudge(
  address: CoordinatorAddress,
  judge: Pick<Judge, 'id' | 'name' | 'model'>,
  access: JudgeAccess = {},
): Judge & { close(): void } {
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
      if ('judgment' in message) waiter.resolve(message.judgment)
      else waiter.fail(message.error)
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

  return {
    id: judge.id,
    name: judge.name,
    ...(judge.model === undefined ? {} : { model: judge.model }),
    judge({ signal, ...request }) {
      open()
      const id = nextId++
      const write = send
      return new Promise<Judgment>((resolve, reject) => {
        // An abort reaches the call in the main process, which answers with the aborted judgment.
        const onAbort = () => write({ op: 'cancel', id })
        const settled =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            signal?.removeEventListener('abort', onAbort)
            settle(value)
          }
        pending.set(id, {
          resolve: settled(resolve),
          fail: settled((error: JudgmentError) => resolve(errorJudgment(judge, request, error))),
          reject: settled(reject),
        })
        write({ op: 'judge', id, request: request satisfies WireRequest, ...sent })
        if (signal?.aborted) onAbort()
        else signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    close() {
      socket?.destroy()
      socket = undefined
    },
  }
}
