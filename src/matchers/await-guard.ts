import { fileURLToPath } from 'node:url'
import type { RunnerTestCase as Test } from 'vitest'
import { NotAwaitedError } from '../errors.ts'
import { OWN_DIR } from '../own-files.ts'

// Frames in the plugin's own files (OWN_DIR) are not where a user wrote the assertion.
const NOT_USER_CODE = /node_modules[\\/]|node:|\(<anonymous>\)/

export interface AwaitGuard {
  settle(): void
  /** True when the test ended before the matcher did. */
  readonly abandoned: boolean
  /** Aborted when the test times out or ends before the matcher did. */
  readonly signal: globalThis.AbortSignal
}

/**
 * Vitest lets a test pass when a custom async matcher is not awaited. Each async matcher calls this when it
 * starts and `settle()` when it ends; if the test finishes first, the matcher's work is aborted (`signal`), the
 * test fails saying the matcher at the user's file and line must be awaited, and the late result is not recorded.
 */
export function guardAwaited(task: Readonly<Test> | undefined, matcher: string): AwaitGuard {
  let settled = false
  let abandoned = false
  const controller = new AbortController()
  // Where the matcher was called; its stack is read only if the matcher turns out not to be awaited.
  const site = new Error()
  task?.context.onTestFinished(() => {
    if (settled) return
    abandoned = true
    const error = new NotAwaitedError(matcher, callerFrame(site))
    controller.abort(error)
    throw error
  })
  const signal = task ? AbortSignal.any([task.context.signal, controller.signal]) : controller.signal
  return {
    settle() {
      settled = true
    },
    get abandoned() {
      return abandoned
    },
    signal,
  }
}

/**
 * What a matcher that was not awaited returns once its work ends: an outcome that passes (with or without
 * `.not`), because its test has failed already and a late failure would be an unhandled rejection.
 */
export function abandonedOutcome(isNot: boolean) {
  return {
    pass: !isNot,
    message: () => 'the matcher was not awaited; its test has failed already',
    actual: undefined,
    expected: undefined,
  }
}

/**
 * The first frame of `error`'s stack in the user's code, with its location (`file:line:column`), or `undefined`
 * when none is found. The stack's positions are the source's: Vitest maps them in the worker.
 */
export function callerFrame(error: Error): { frame: string; location: string } | undefined {
  for (const line of (error.stack ?? '').split('\n').slice(1)) {
    const frame = line.trim()
    const location = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?$/.exec(frame)?.[1]
    if (!location) continue
    const path = location.startsWith('file://') ? fileURLToPath(location.replace(/:\d+:\d+$/, '')) : location
    if (path.startsWith(OWN_DIR) || NOT_USER_CODE.test(frame)) continue
    return {
      frame,
      location: location.startsWith('file://') ? `${path}${location.match(/:\d+:\d+$/)![0]}` : location,
    }
  }
  return undefined
}
