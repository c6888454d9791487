/**
 * Internal to the judge: what a live judge call costs, from a price table the user can extend or override.
 */
import { RubricArgumentError } from '../errors.ts'
import type { ModelPrice, TokenUsage } from '../types.ts'

/**
 * When the built-in prices were taken from the providers' public price pages (standard tier, no cached-input or
 * batch discounts). Prices change: override or extend them with `judge: { prices }`.
 */
export const PRICES_AS_OF = '2025-08'

/** USD per million input (prompt) and output (completion) tokens, by model name. */
export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = {
  'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8 },
  'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6 },
  'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4 },
  'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10 },
  'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 },
  'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2 },
  'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4 },
  o3: { inputPerMillion: 2, outputPerMillion: 8 },
  'o3-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4 },
  // As named on OpenRouter.
  'anthropic/claude-sonnet-4': { inputPerMillion: 3, outputPerMillion: 15 },
  'anthropic/claude-opus-4': { inputPerMillion: 15, outputPerMillion: 75 },
  'anthropic/claude-3.5-haiku': { inputPerMillion: 0.8, outputPerMillion: 4 },
  'google/gemini-2.5-pro': { inputPerMillion: 1.25, outputPerMillion: 10 },
  'google/gemini-2.5-flash': { inputPerMillion: 0.3, outputPerMillion: 2.5 },
}

const DATED_SNAPSHOT = /-\d{4}-\d{2}-\d{2}$/
const OPENAI_PREFIX = /^openai\//

/**
 * The price of `model`: the user's `prices` first, then the built-in table. A dated snapshot
 * (`gpt-4.1-mini-2025-04-14`) and an OpenRouter name (`openai/gpt-4.1-mini`) fall back to the plain model name.
 * `undefined` when the model has no known price.
 */
export function priceFor(
  model: string,
  prices: Readonly<Record<string, ModelPrice>> = {},
): ModelPrice | undefined {
  const names = [model, model.replace(DATED_SNAPSHOT, '')]
  for (const name of [...names]) if (OPENAI_PREFIX.test(name)) names.push(name.replace(OPENAI_PREFIX, ''))
  for (const table of [prices, DEFAULT_PRICES]) {
    for (const name of names) if (Object.hasOwn(table, name)) return table[name]
  }
  return undefined
}

/** What `usage` costs at `price`, in USD. */
export function costOf(usage: Pick<TokenUsage, 'prompt' | 'completion'>, price: ModelPrice): number {
  return (usage.prompt * price.inputPerMillion + usage.completion * price.outputPerMillion) / 1_000_000
}

/** Checks a user's price table; throws an error that names the bad entry and the expected shape. */
export function validatePrices(prices: unknown, where = 'judge.prices'): Record<string, ModelPrice> {
  if (prices === undefined) return {}
  if (prices === null || typeof prices !== 'object' || Array.isArray(prices)) {
    throw new RubricArgumentError(
      `${where} must be an object keyed by model name, for example { 'my-model': { inputPerMillion: 0.5, outputPerMillion: 1.5 } }.`,
    )
  }
  for (const [model, price] of Object.entries(prices)) {
    const { inputPerMillion, outputPerMillion } = (price ?? {}) as Partial<ModelPrice>
    if (!isPrice(inputPerMillion) || !isPrice(outputPerMillion)) {
      throw new RubricArgumentError(
        `${where}['${model}'] is ${JSON.stringify(price)}; give USD per million tokens as non-negative numbers: ` +
          '{ inputPerMillion: 0.4, outputPerMillion: 1.6 }.',
      )
    }
  }
  return prices as Record<string, ModelPrice>
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0
}

/** A budget can only be kept for a model with a price: throws when `budgetUsd` is set for one without. */
export function assertBudgetPriced(options: {
  model: string
  budgetUsd?: number | undefined
  prices?: Record<string, ModelPrice> | undefined
}): void {
  if (options.budgetUsd === undefined || priceFor(options.model, validatePrices(options.prices))) return
  throw new RubricArgumentError(
    `judge.budgetUsd is set, but the model "${options.model}" has no known price, so its cost cannot be counted. ` +
      `Give its price: judge: { prices: { '${options.model}': { inputPerMillion, outputPerMillion } } }.`,
  )
}
