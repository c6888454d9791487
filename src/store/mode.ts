import { RubricArgumentError } from '../errors.ts'
import { judgeApiKey } from '../judge/llm-options.ts'
import { isPanel } from '../reliability/panel.ts'
import type { JudgeOption, StoreMode } from '../types.ts'

const MODES: readonly StoreMode[] = ['auto', 'replay', 'record', 'off']

/** How the store is used in this run. */
export interface StorePolicy {
  mode: StoreMode
  /** Whether `-u` may remove obsolete entries (not in CI, where a key only fills in misses). */
  prune: boolean
}

/**
 * Resolves the store mode: `VITEST_RUBRIC_STORE` wins over the config; the default is `auto` locally and, in
 * CI, `replay` unless the judge can judge (the heuristic judge, or an LLM judge with a key), then `auto` without
 * pruning.
 */
export function resolveStorePolicy(
  option: StoreMode | undefined,
  judge: JudgeOption,
  env: NodeJS.ProcessEnv = process.env,
): StorePolicy {
  const fromEnv = env.VITEST_RUBRIC_STORE
  if (fromEnv !== undefined && fromEnv !== '')
    return { mode: checkMode(fromEnv, 'VITEST_RUBRIC_STORE'), prune: true }
  if (option !== undefined) return { mode: checkMode(option, 'evals({ store })'), prune: true }
  if (!isCI(env)) return { mode: 'auto', prune: true }
  const members = judge === 'heuristic' ? [] : isPanel(judge) ? judge.panel : [judge]
  const canJudge = members.every((member) => judgeApiKey(member, env) !== undefined)
  return canJudge ? { mode: 'auto', prune: false } : { mode: 'replay', prune: false }
}

/**
 * What a `replay` run says of something it found no stored entry for (`what`, for example "judgment for this
 * output"), in `storeFile`: how to record it.
 */
export function storeMissMessage(what: string, storeFile: string | undefined): string {
  return (
    `no stored ${what} in ${storeFile}; run locally with a judge key to record it ` +
    '(or set VITEST_RUBRIC_STORE=auto where the judge can be called).'
  )
}

function checkMode(value: string, where: string): StoreMode {
  if ((MODES as readonly string[]).includes(value)) return value as StoreMode
  throw new RubricArgumentError(`${where} is "${value}"; use one of ${MODES.join(', ')}.`)
}

function isCI(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false'
}
