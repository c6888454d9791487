import { contentHash } from '../../util/hash.ts'

/** How the heuristic judge is shown wherever a judge is named. */
export const HEURISTIC_JUDGE_NAME = 'heuristic@1 (offline)'

/** Bump when a method changes its scores, so stored heuristic judgments stop applying. */
export const METHODS_VERSION = 'heuristic-methods@1.1.0'

/** The heuristic judge's id, known without loading its methods (a replayed suite never needs them). */
export const HEURISTIC_JUDGE_ID = contentHash({ judge: 'heuristic', version: METHODS_VERSION })
