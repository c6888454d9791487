/**
 * Internal to the judge limiter: the worker's side of the coordinator (see coordinator.ts for the protocol).
 */
import { connect, type Socket } from 'node:net'
import { RubricError } from '../../errors.ts'
import type { ClientMessage, CoordinatorAddress, ServerMessage } from './coordinator.ts'
import { batchedWriter, readLines } from './coordinator.ts'
import { abortReason, type JudgeLease, type JudgeLimiter, leaseOrError } from './limiter.ts'

interface Pending {
  resolve: (lease: JudgeLease) => void
  reject: (error: unknown) => void
}

/**
 * A limiter that takes its slots from the coordinator at `address`. It connects on the first call, so a file
 * whose judgments are all stored never connects.
 */
export function connectLimiter(address: CoordinatorAddress): JudgeLimiter & { close(): void } {
  let socket: Socket | undefined
  let send: (message: ClientMessage) => void = () => {}
  const pending = new Map<number, Pending>()
  let nextId = 1

  function open(): void {
    if (socket && !socket.destroyed) return
    const opened = connect(address.port, address.host)
    const write = batchedWriter(opened)
    opened.setNoDelay(true)
    // Vitest keeps the worker alive while tests run; this socket must not keep it alive after.
    opened.unref()
    readLines(opened, (line) => {
      const message = JSON.parse(line) as ServerMessage
      const waiter = pending.get(message.id)
      if (!waiter) {
        // Answered after the request was withdrawn: give the slot straight back.
        if (message.ok) write({ op: 'cancel', id: message.id })
        return
      }
      pending.delete(message.id)
      const grant = message.ok
        ? { ok: true as const, lease: message.id }
        : {
            ok: false as const,
            reason: message.reason,
            spentUsd: message.spentUsd,
            budgetUsd: message.budgetUsd,
          }
      try {
        waiter.resolve(
          leaseOrError(grant, (id, spent) =>
            write({ op: 'release', id, tokens: spent?.tokens ?? 0, costUsd: spent?.costUsd ?? 0 }),
          ),
        )
      } catch (error) {
        waiter.reject(error)
      }
    })
    const fail = (cause?: unknown) => {
      const error = new RubricError(
        'RUBRIC_JUDGE_LIMITER',
        `lost the connection to the judge limiter in the main Vitest process (${address.host}:${address.port}). ` +
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
    send = write
  }

  return {
    acquire({ tokens, signal }) {
      if (signal?.aborted) return Promise.reject(abortReason(signal))
      open()
      const id = nextId++
      const write = send
      return new Promise<JudgeLease>((resolve, reject) => {
        const onAbort = () => {
          if (!pending.delete(id)) return
          write({ op: 'cancel', id })
          reject(abortReason(signal!))
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        const settled =
          <T>(settle: (value: T) => void) =>
          (value: T) => {
            signal?.removeEventListener('abort', onAbort)
            settle(value)
          }
        pending.set(id, { resolve: settled(resolve), reject: settled(reject) })
        write({ op: 'acquire', id, tokens })
      })
    },
    close() {
      socket?.destroy()
      socket = undefined
    },
  }
}
