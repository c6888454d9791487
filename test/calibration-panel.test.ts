import { cpSync, mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { calibrate } from '../src/calibration/calibrate.ts'
import { renderCalibration } from '../src/calibration/render.ts'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { perModel, reply } from './support/judge-server.ts'
import { fixture } from './support/run-vitest.ts'

const server = useJudgeServer()

test('calibrate over a panel measures the panel and each member from the same calls', async () => {
  const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-panel-calibration-'))
  mkdirSync(join(root, 'calibration'))
  cpSync(
    fixture('calibration', 'examples', 'support-answers.jsonl'),
    join(root, 'calibration', 'support.jsonl'),
  )
  // Member a scores by what it reads (1 to 5, the same whatever order the calls arrive in); b always answers 3.
  server.respond(
    perModel({
      a: (request) => reply.everyDimension(request, (JSON.stringify(request.body.messages).length % 5) + 1),
      b: (request) => reply.everyDimension(request, 3),
    }),
  )
  const member = (model: string) => judgeAt(server, model)
  const result = await calibrate({
    data: 'calibration/*.jsonl',
    cwd: root,
    judge: { panel: [member('a'), member('b')], quorum: 2 },
    store: 'off',
    outputDir: false,
    bootstrap: { resamples: 100 },
  })
  const rows = result.calls.live
  expect(rows).toBe(12)
  // One call per member and row: the members' measures cost nothing more.
  expect(server.chatRequests).toHaveLength(2 * rows)
  expect(result.calibration.judge.name).toBe('panel(a, b)')
  expect(result.members?.map((m) => m.name)).toEqual(['a', 'b'])
  for (const [dimension, measured] of Object.entries(result.calibration.dimensions)) {
    expect(result.members?.[0]?.dimensions[dimension]?.n).toBe(measured.n)
  }
  // b answers one score: no correlation to measure.
  const someDimension = Object.keys(result.calibration.dimensions)[0]!
  expect(result.members?.[1]?.dimensions[someDimension]?.spearman.value).toBeNull()
  const text = renderCalibration(result)
  expect(text).toContain(' panel and members, from the same calls:')
  expect(text).toMatch(/\n {3}panel {2}/)
  expect(text).toMatch(/\n {3}a +-?\d/)
  expect(text).toMatch(/\n {3}b +- \(n 12\)/)
})
