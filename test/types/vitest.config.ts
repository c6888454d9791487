import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Type tests run on their own: `vitest typecheck` compiles them with tsc and runs no test code.
export default defineConfig({
  test: {
    name: 'types',
    root: fileURLToPath(new URL('../..', import.meta.url)),
    typecheck: {
      enabled: true,
      only: true,
      include: ['test/types/**/*.test-d.ts'],
      tsconfig: 'test/types/tsconfig.json',
    },
  },
})
