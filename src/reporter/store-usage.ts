import type { TestModule } from 'vitest/node'
import type { StoreUsage } from '../store/obsolete.ts'
import type { RubricRecord } from '../types.ts'

/**
 * Which store keys the tests of each module used (any attempt), and whether every test of the module ran:
 * a module with a skipped or filtered-out test cannot say which of its entries are obsolete.
 */
export function storeUsage(modules: Iterable<TestModule>): StoreUsage[] {
  const usages: StoreUsage[] = []
  for (const module of modules) {
    const usedKeys = new Set<string>()
    const usedRows = new Set<string>()
    let complete = module.state() !== 'skipped' && module.state() !== 'pending'
    for (const key of module.meta().rubricStoreKeys ?? []) usedKeys.add(key)
    for (const testCase of module.children.allTests()) {
      const state = testCase.result().state
      if (state === 'skipped' || state === 'pending') complete = false
      for (const record of (testCase.meta() as { rubric?: RubricRecord[] }).rubric ?? []) {
        if (record.rowId !== undefined) usedRows.add(record.rowId)
        if (record.store) usedKeys.add(record.store.key)
        for (const key of record.store?.keys ?? []) usedKeys.add(key)
      }
    }
    usages.push({ moduleFile: module.moduleId, complete, usedKeys, usedRows })
  }
  return usages
}
