import { inject } from 'vitest'
import { PROVIDED_KEY, type ProvidedRubricOptions } from './provided.ts'

const OUTSIDE_EVALS: ProvidedRubricOptions = {
  judge: 'heuristic',
  store: { mode: 'off', prune: false },
  concurrent: false,
  annotations: true,
  root: process.cwd(),
}

/** In a worker: what the evals project provided, or, in a project made without `evals()`, offline defaults. */
export function provided(): ProvidedRubricOptions {
  return inject(PROVIDED_KEY) ?? OUTSIDE_EVALS
}
