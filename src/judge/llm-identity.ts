import type { LlmJudgeOptions } from '../types.ts'
import { contentHash } from '../util/hash.ts'
import { PROMPT_TEMPLATE } from './prompt.ts'

/**
 * The id of an LLM judge: a hash of everything that changes its verdicts apart from the rubric (model, prompt
 * template, temperature). Kept apart from the judge itself so that replaying stored judgments needs neither
 * the SDK nor the verdict schemas.
 */
export function llmJudgeId(options: LlmJudgeOptions): string {
  return contentHash({
    model: options.model,
    template: PROMPT_TEMPLATE,
    temperature: options.temperature ?? 0,
  })
}
