/**
 * Internal to the judge: what every caller (the coordinator, the workers, the store mode, calibrate) knows of an
 * LLM judge before it calls it: its options checked, its key and base URL, and its id. Kept apart from the judge
 * itself so that replaying stored judgments needs neither the SDK nor the verdict schemas.
 */
import { RubricArgumentError } from '../errors.ts'
import type { LlmJudgeOptions } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { judgeLimits } from './limiter/limiter.ts'
import { assertBudgetPriced } from './pricing.ts'
import { PROMPT_TEMPLATE } from './prompt.ts'

/** Where the `openai` SDK sends calls when neither `baseURL` nor OPENAI_BASE_URL is set. */
export const DEFAULT_BASE_URL = 'https://api.openai.com/v1'

/** An LLM judge's options, checked, with the key and base URL it calls with and its id. */
export interface ResolvedLlmJudge {
  options: LlmJudgeOptions
  /** `apiKey`, else OPENAI_API_KEY; an empty string is no key, wherever it is set. */
  apiKey: string | undefined
  /** `baseURL`, else OPENAI_BASE_URL; `undefined` means the SDK's default, OpenAI. */
  baseURL: string | undefined
  id: string
}

/**
 * Checks an LLM judge's options (model, `id`, base URL, limits, budget) and resolves its key, base URL and id.
 * Throws a `RubricArgumentError` naming the option at fault.
 */
export function resolveLlmJudge(
  options: LlmJudgeOptions,
  env: NodeJS.ProcessEnv = process.env,
): ResolvedLlmJudge {
  if (typeof options?.model !== 'string' || options.model.trim() === '') {
    throw new RubricArgumentError("an LLM judge needs a `model`, for example { model: 'gpt-4.1-mini' }.")
  }
  if (options.id !== undefined && (typeof options.id !== 'string' || options.id.trim() === '')) {
    throw new RubricArgumentError(
      `the judge \`id\` is ${JSON.stringify(options.id)}; give a non-empty name for the judge's server, for example 'team-vllm', or leave it out.`,
    )
  }
  if (options.scoring !== undefined && options.scoring !== 'sample' && options.scoring !== 'expected') {
    throw new RubricArgumentError(
      `the LLM judge "${options.model}" has scoring ${JSON.stringify(options.scoring)}; use 'sample' (the sampled ` +
        "integer, the default) or 'expected' (the expectation over the score's log-probabilities).",
    )
  }
  judgeLimits(options)
  assertBudgetPriced(options)
  const baseURL = judgeBaseURL(options, env)
  return { options, apiKey: judgeApiKey(options, env), baseURL, id: llmJudgeId(options, baseURL) }
}

/** The key the judge calls with: `apiKey`, else OPENAI_API_KEY. An empty string is no key. */
export function judgeApiKey(options: Pick<LlmJudgeOptions, 'apiKey'>, env: NodeJS.ProcessEnv = process.env) {
  return nonEmpty(options.apiKey) ?? nonEmpty(env.OPENAI_API_KEY)
}

/** The base URL the judge calls: `baseURL`, else OPENAI_BASE_URL. An empty string is no base URL. */
export function judgeBaseURL(
  options: Pick<LlmJudgeOptions, 'baseURL'>,
  env: NodeJS.ProcessEnv = process.env,
) {
  return nonEmpty(options.baseURL) ?? nonEmpty(env.OPENAI_BASE_URL)
}

/**
 * The id of an LLM judge: a hash of everything that changes its verdicts (model, server, prompt template,
 * temperature, scoring mode). The server is the base URL's origin, so that a model name served by two servers is two judges,
 * unless `id` pins it: then `id` stands for the server.
 */
function llmJudgeId(options: LlmJudgeOptions, baseURL: string | undefined): string {
  return contentHash({
    model: options.model,
    ...(options.id === undefined ? { server: serverOrigin(baseURL) } : { pinned: options.id }),
    template: PROMPT_TEMPLATE,
    temperature: options.temperature ?? 0,
    // Sampled scoring keeps the ids judgments were stored under before scoring modes existed.
    ...(options.scoring === 'expected' ? { scoring: 'expected' } : {}),
  })
}

function serverOrigin(baseURL: string | undefined): string {
  const url = baseURL ?? DEFAULT_BASE_URL
  const parsed = URL.parse(url)
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new RubricArgumentError(
      `the judge's base URL ${JSON.stringify(url)} (from \`baseURL\` or OPENAI_BASE_URL) is not an http(s) URL; ` +
        "give an absolute one, for example 'http://localhost:11434/v1'.",
    )
  }
  return parsed.origin
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}
