import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { aiSdkMessages } from '../fixtures/conversations/ai-sdk.ts'
import { anthropicMessage, anthropicRequest } from '../fixtures/conversations/anthropic.ts'
import { chatCompletion, chatMessages } from '../fixtures/conversations/openai-chat.ts'
import { response, responsesInput } from '../fixtures/conversations/openai-responses.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import { parseReport } from '../src/reporter/read-report.ts'
import { type JudgeServer, reply, requestedVerdict, startJudgeServer } from './support/judge-server.ts'
import { copyFixture, runEvals } from './support/run-vitest.ts'
import { judgedOutput } from './support/scripted-judge.ts'

let server: JudgeServer

beforeAll(async () => {
  server = await startJudgeServer()
})
beforeEach(() => {
  server.reset()
  // The transcript arrives one JSON message per line: a prefix that ends with the final answer scores 5 on
  // every dimension, an earlier turn 2.
  server.respond((request) => {
    const last = judgedOutput(request).split('\n').at(-1) ?? ''
    const score = last.includes('refund R-91') ? 5 : 2
    const { dimensions } = requestedVerdict(request.body)
    return reply.verdict(
      Object.fromEntries(dimensions.map((name) => [name, { reason: `${name} is ${score}`, score }])),
    )
  })
})
afterAll(() => server.close())

const judge = () => ({ model: 'judge-model', baseURL: server.baseURL, apiKey: 'test-key', maxRetries: 0 })
const shapes = {
  'openai-chat': [...chatMessages, chatCompletion],
  'openai-responses': [...responsesInput, response],
  'ai-sdk': aiSdkMessages,
  anthropic: { system: anthropicRequest.system, messages: [...anthropicRequest.messages, anthropicMessage] },
}

function writeConversation(root: string, shape: keyof typeof shapes) {
  writeFileSync(join(root, 'conversation.json'), JSON.stringify(shapes[shape]))
}

describe('conversations end to end', () => {
  test('one call for all dimensions, one per turn, trajectory checks; replayed from another SDK shape', async () => {
    const root = copyFixture('conversation')
    writeConversation(root, 'openai-chat')
    const first = await runEvals(root, { judge: judge(), store: 'auto' })
    expect(first.exitCode).toBe(1) // the first turn scores 2: tone 0.25 is below 0.75

    // One call for the four conversation dimensions, two for the two assistant turns that say something.
    expect(server.chatRequests).toHaveLength(3)
    const whole = server.chatRequests.find(
      (request) => requestedVerdict(request.body).dimensions.length === 4,
    )!
    expect(requestedVerdict(whole.body).dimensions.sort()).toEqual([
      'goalCompletion',
      'knowledgeRetention',
      'roleAdherence',
      'toolUse',
    ])
    const framed = judgedOutput(whole)
    expect(framed).toContain(
      '"toolCalls":[{"id":"call_1","name":"lookupOrder","arguments":{"orderId":"A-4417"}}]',
    )
    expect(framed).toContain('"role":"tool","toolCallId":"call_2","name":"issueRefund"')
    expect(whole.body.messages?.find((m) => m.role === 'user')?.content).toContain(
      'a refund for a broken order',
    )

    expect(first.output).toContain(
      "expected tone at least 0.75, but judge-model scored it 0.25 (2 on the rubric's scale)\n" +
        'reason: turn 1 of 2 (message 2): tone is 2',
    )
    const rowOf = (j: (typeof first.report.judgments)[number]) =>
      `${j.test} ${j.dimension} ${j.score} ${j.assertionPassed}`
    const rows = first.report.judgments.map(rowOf).sort()
    expect(rows).toEqual([
      'support agent > judges the conversation on every conversation dimension in one call goalCompletion 1 true',
      'support agent > judges the conversation on every conversation dimension in one call knowledgeRetention 1 true',
      'support agent > judges the conversation on every conversation dimension in one call roleAdherence 1 true',
      'support agent > judges the conversation on every conversation dimension in one call toolUse 1 true',
      'support agent > looks the order up before refunding it not tool-called 0 true',
      'support agent > looks the order up before refunding it tool-sequence 1 true',
      'support agent > scores each assistant turn and fails on the lowest tone 0.25 false',
      // The second turn reached the floor, but its assertion (over both turns) failed.
      'support agent > scores each assistant turn and fails on the lowest tone 1 false',
    ])
    // Every turn is recorded with its place; the lowest one carries every turn's score, and both carry the outcome
    // of the whole assertion.
    const turns = first.report.judgments.flatMap((j) => (j.kind === 'judgment' && j.turn ? [j] : []))
    expect(turns.map((j) => [j.turn, j.score, j.assertionPassed, j.reason])).toEqual([
      [{ index: 1, of: 2, message: 2, lowest: true, scores: [0.25, 1] }, 0.25, false, 'tone is 2'],
      [{ index: 2, of: 2, message: 7 }, 1, false, 'tone is 5'],
    ])
    // Each turn keeps its own messages: the conversation is kept once, not once a turn.
    expect(turns.map((j) => [j.transcript?.start, j.transcript?.messages.map((m) => m.role)])).toEqual([
      [0, ['system', 'user', 'assistant']],
      [3, ['tool', 'assistant', 'tool', 'tool', 'assistant']],
    ])
    expect(first.output).toContain('tone 0.25 < floor 0.75 · turn 1 of 2 (message 2) · judge judge-model')
    // A call's transcript is kept on its first record; the call's other dimensions find it by call id.
    const goal = first.report.judgments.find((j) => j.dimension === 'goalCompletion')!
    const ofCall = first.report.judgments.filter((j) => j.callId === goal.callId && j.test === goal.test)
    expect(ofCall.filter((j) => j.kind === 'judgment' && j.transcript).length).toBe(1)
    const parsed = parseReport(JSON.stringify(first.report), 'report.json')
    const html = renderHtml(parsed)
    expect(html).toContain('<span class="turn">turn 1 of 2 (message 2, lowest of 0.25 1.00)</span>')
    expect(html).toMatch(/<li class="call" id="dimension-toolUse-0-call_1"><code>lookupOrder<\/code>/)
    expect(html).toContain('<a class="answers" href="#dimension-toolUse-0-call_1">lookupOrder · call_1</a>')
    const markdown = renderMarkdown(parsed)
    expect(markdown).toContain(
      'agent.eval.ts &gt; support agent &gt; scores each assistant turn and fails on the lowest · turn 1 of 2',
    )
    expect(markdown).toContain(
      '> **assistant:** Let me look that order up. ◀ judged\n> → `lookupOrder({"orderId":"A-4417"})` call\\_1\n',
    )
    for (const dimension of ['goalCompletion', 'toolUse', 'tool-sequence', 'tone']) {
      expect(first.output).toMatch(new RegExp(`\\n\\s*${dimension}\\s+\\d`))
    }

    // The same conversation from the Anthropic SDK is the same judgment: replayed, no call.
    for (const shape of ['anthropic', 'openai-responses', 'ai-sdk'] as const) {
      server.reset()
      writeConversation(root, shape)
      const replayed = await runEvals(root, { judge: judge(), store: 'replay' })
      expect(server.chatRequests).toHaveLength(0)
      expect(replayed.output).toContain('0 live calls · 3 stored')
      expect(replayed.report.judgments.map(rowOf).sort()).toEqual(rows)
    }
  })
})
