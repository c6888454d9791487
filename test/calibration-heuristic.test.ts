import { expect, test } from 'vitest'
import { calibrate } from '../src/calibration/calibrate.ts'
import type { DimensionCalibration } from '../src/types.ts'
import { repoRoot } from './support/run-vitest.ts'

/**
 * The heuristic judge calibrated on the human-labelled sets in fixtures/calibration/ (converted from UniEval's
 * copies of QAGS and Topical-Chat by scripts/calibration-sets.mjs). These are the figures quoted in
 * fixtures/calibration/README.md: a change to a heuristic method that moves them must update both.
 */
test('the heuristic judge agrees with people as fixtures/calibration/README.md says', async () => {
  const spearman = async (file: string) => {
    const { calibration, calls } = await calibrate({
      data: `fixtures/calibration/${file}.jsonl`,
      cwd: repoRoot,
      store: 'off',
      outputDir: false,
      bootstrap: { resamples: 50 },
    })
    expect(calls.errors).toBe(0)
    return Object.fromEntries(
      Object.entries(calibration.dimensions).map(([name, d]: [string, DimensionCalibration]) => [
        name,
        {
          n: d.n,
          spearman: round(d.spearman.value),
          kendall: round(d.kendall.value),
          qwk: round(d.quadraticKappa.value),
        },
      ]),
    )
  }
  expect(await spearman('qags-xsum')).toEqual({
    faithfulness: { n: 239, spearman: 0.36, kendall: 0.334, qwk: 0.29 },
  })
  expect(await spearman('qags-cnndm')).toEqual({
    faithfulness: { n: 235, spearman: 0.543, kendall: 0.509, qwk: 0.382 },
  })
  expect(await spearman('topical-chat')).toEqual({
    coherence: { n: 360, spearman: 0.285, kendall: 0.243, qwk: 0.158 },
    faithfulness: { n: 360, spearman: 0.308, kendall: 0.268, qwk: 0.134 },
    relevance: { n: 360, spearman: 0.251, kendall: 0.205, qwk: 0.192 },
  })
})

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1000) / 1000
}
