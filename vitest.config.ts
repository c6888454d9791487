import { fileURLToPath } from 'node:url'
import { defineConfig, mergeConfig } from 'vitest/config'
import { evals } from './src/config.ts'

// The demo judges with an LLM when a key is set (OPENAI_API_KEY, optionally OPENAI_BASE_URL), and with the
// offline heuristic judge otherwise.
const judge = process.env.OPENAI_API_KEY
  ? { model: process.env.RUBRIC_JUDGE_MODEL ?? 'gpt-4.1-mini' }
  : 'heuristic'

// Inside this repository `vitest-rubric` is the source itself.
const alias = [
  { find: /^vitest-rubric$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  { find: /^vitest-rubric\/(.+)$/, replacement: `${fileURLToPath(new URL('./src', import.meta.url))}/$1.ts` },
]

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // End-to-end tests start Vitest on fixture projects.
          testTimeout: 30_000,
        },
      },
      mergeConfig(evals({ include: ['fixtures/support-bot/**/*.eval.ts'], judge }), { resolve: { alias } }),
    ],
  },
})
