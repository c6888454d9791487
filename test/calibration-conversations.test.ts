import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { anthropicMessage, anthropicRequest } from '../fixtures/conversations/anthropic.ts'
import { chatCompletion, chatMessages } from '../fixtures/conversations/openai-chat.ts'
import { calibrate } from '../src/calibration/calibrate.ts'
import { conversationRubric } from '../src/rubric/define-rubric.ts'
import type { Judge, JudgeRequest } from '../src/types.ts'
import { errorOf } from './support/errors.ts'

// A judge that scores toolUse by the number of tool calls it reads in the transcript, and keeps its requests.
function countingJudge(requests: JudgeRequest[]): Judge {
  return {
    id: 'tool-counter',
    name: 'tool-counter',
    judge: async (request) => {
      requests.push(request)
      const calls = request.conversation?.transcript.messages.filter((m) => m.role === 'tool').length ?? 0
      const score = Math.min(1, calls / 3)
      return {
        judgeId: 'tool-counter',
        judgeName: 'tool-counter',
        rubricId: request.rubric.id,
        scores: { toolUse: { score, reason: `${calls} tool results` } },
        latencyMs: 0,
        source: 'live',
      }
    },
  }
}

const full = [...chatMessages, chatCompletion]
const short = [...chatMessages.slice(0, 4), { role: 'assistant', content: 'Order A-4417 was delivered.' }]
const anthropic = [...anthropicRequest.messages, anthropicMessage]

describe('calibrating conversation dimensions', () => {
  test('rows whose output is a conversation are judged as conversations', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    const rows = [
      { id: 'full', messages: full, human: { toolUse: 1 } },
      { id: 'short', messages: short, human: { toolUse: 0.3 } },
      { id: 'anthropic', messages: anthropic, human: { toolUse: 0.9 } },
      {
        id: 'none',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: 'Hello!' },
        ],
        human: { toolUse: 0 },
      },
    ]
    writeFileSync(join(root, 'set.jsonl'), rows.map((row) => JSON.stringify(row)).join('\n'))
    const requests: JudgeRequest[] = []
    const result = await calibrate({
      data: 'set.jsonl',
      cwd: root,
      judge: countingJudge(requests),
      rubric: conversationRubric,
      outputDir: false,
    })
    expect(result.calls).toEqual({ live: 4, stored: 0, errors: 0 })
    const judged = requests.find((request) => request.output.includes('refund R-91'))!
    expect(judged.conversation?.scope).toBe('whole')
    expect(judged.output.split('\n')[2]).toContain('"toolCalls":[{"id":"call_1","name":"lookupOrder"')
    expect(result.calibration.dimensions.toolUse?.n).toBe(4)
  })

  test('a row whose conversation cannot be read names its file, line and message', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vitest-rubric-calibration-'))
    writeFileSync(
      join(root, 'set.jsonl'),
      `${JSON.stringify({ id: 'bad', messages: [{ role: 'tool', tool_call_id: 'x', content: 'y' }], human: { toolUse: 1 } })}\n`,
    )
    const error = await errorOf(() =>
      calibrate({
        data: 'set.jsonl',
        cwd: root,
        judge: countingJudge([]),
        rubric: conversationRubric,
        outputDir: false,
      }),
    )
    expect(error.message).toMatch(
      /set\.jsonl:1.*`messages`: toTranscript\(\): message 0 is a tool result for call id "x"/,
    )
  })
})
