import { inject } from 'vitest'
import { PROVIDED_KEY } from './provided.ts'

interface WorkerState {
  config?: { sequence?: { concurrent?: boolean } }
}

/**
 * Makes the tests of an eval file concurrent (or not) as `evals({ concurrent })` says. Vitest 4 takes
 * `sequence.concurrent` from the root config only, so a project-level setting is lost; the worker's copy of the
 * config is read when the eval file's tests are collected, which happens after setup files run.
 */
export function applyConcurrency(): void {
  const concurrent = inject(PROVIDED_KEY)?.concurrent
  const state = (globalThis as { __vitest_worker__?: WorkerState }).__vitest_worker__
  if (concurrent !== undefined && state?.config?.sequence) state.config.sequence.concurrent = concurrent
}
