import { fileURLToPath } from 'node:url'
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config'
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

// End-to-end tests start Vitest (on fixture projects, or to load a TypeScript rubric) or a browser. New ones are
// named `e2e-*.test.ts`; the others are listed by name.
const e2e = [
  'test/e2e-*.test.ts',
  'test/calibration-reporter.test.ts',
  'test/cli-calibrate.test.ts',
  'test/describe-eval.test.ts',
  'test/html-browser.test.ts',
]

export default defineConfig({
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...e2e],
          // A bound against a hang, not a measure of speed: a loaded machine must not trip it.
          testTimeout: 30_000,
        },
      },
      {
        resolve: { alias },
        // The same for the end-to-end tests, each of which runs Vitest once or more.
        test: { name: 'e2e', include: e2e, testTimeout: 120_000 },
      },
      mergeConfig(evals({ include: ['fixtures/support-bot/**/*.eval.ts'], judge }), { resolve: { alias } }),
    ],
  },
})
