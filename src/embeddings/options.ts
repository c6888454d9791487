import { RubricArgumentError } from '../errors.ts'
import { isPanel } from '../reliability/panel.ts'
import type { EmbeddingsOptions, JudgeOption } from '../types.ts'

/** The default embedding model. */
export const DEFAULT_EMBEDDING_MODEL = 'text-embedding-3-small'

/** The embedding options with their fallbacks applied. */
export interface ResolvedEmbeddings {
  model: string
  baseURL?: string
  apiKey?: string
  dimensions?: number
  timeout: number
  maxRetries: number
}

/**
 * Resolves the embedding model's options: each of `baseURL` and `apiKey` from the embeddings options, else the
 * LLM judge's, else `OPENAI_BASE_URL` / `OPENAI_API_KEY`; `model` from the assertion, else the options, else
 * `text-embedding-3-small`.
 */
export function resolveEmbeddings(
  options: EmbeddingsOptions | undefined,
  judge: JudgeOption,
  model?: string,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedEmbeddings {
  const llm = judge === 'heuristic' ? undefined : isPanel(judge) ? judge.panel[0] : judge
  const baseURL = options?.baseURL || llm?.baseURL || env.OPENAI_BASE_URL
  const apiKey = options?.apiKey || llm?.apiKey || env.OPENAI_API_KEY
  return {
    model: model ?? options?.model ?? DEFAULT_EMBEDDING_MODEL,
    ...(baseURL ? { baseURL } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(options?.dimensions === undefined ? {} : { dimensions: options.dimensions }),
    timeout: options?.timeout ?? 60_000,
    maxRetries: options?.maxRetries ?? 2,
  }
}

/** Checks `evals({ embeddings })` when the config is loaded, so that a typo fails before any test runs. */
export function validateEmbeddings(options: unknown): EmbeddingsOptions | undefined {
  if (options === undefined) return undefined
  const fail = (detail: string): never => {
    throw new RubricArgumentError(
      `evals({ embeddings }) ${detail}; pass for example { model: 'text-embedding-3-small' } (with baseURL and ` +
        "apiKey for a server other than the judge's).",
    )
  }
  if (options === null || typeof options !== 'object') return fail(`is ${JSON.stringify(options)}`)
  const { model, baseURL, apiKey, dimensions, timeout, maxRetries } = options as Record<string, unknown>
  if (model !== undefined && (typeof model !== 'string' || model.trim() === '')) fail('has an empty `model`')
  for (const [name, value] of Object.entries({ baseURL, apiKey })) {
    if (value !== undefined && typeof value !== 'string')
      fail(`has \`${name}\` ${JSON.stringify(value)}, not text`)
  }
  for (const [name, value] of Object.entries({ dimensions, timeout, maxRetries })) {
    const valid =
      typeof value === 'number' && Number.isInteger(value) && value >= (name === 'maxRetries' ? 0 : 1)
    if (value !== undefined && !valid) fail(`has \`${name}\` ${JSON.stringify(value)}, not a whole number`)
  }
  return options as EmbeddingsOptions
}
