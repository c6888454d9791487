import { describe, expect, test } from 'vitest'
import { createLlmJudge } from '../src/judge/llm-judge.ts'
import { resolveLlmJudge } from '../src/judge/llm-options.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defineRubric } from '../src/rubric/define-rubric.ts'
import type { LlmJudgeOptions } from '../src/types.ts'
import { judgeAt, useJudgeServer } from './support/judge-hooks.ts'
import { supportRequest as request } from './support/judge-requests.ts'
import { reply } from './support/judge-server.ts'

const server = useJudgeServer()

const judgeWith = (options: Partial<LlmJudgeOptions> = {}) =>
  createLlmJudge({ ...judgeAt(server), scoring: 'expected', ...options })

describe("scoring: 'expected'", () => {
  test('asks for log-probabilities and scores the expectation over the scale, keeping the distribution', async () => {
    server.enqueue(
      reply.verdictWithLogprobs(
        // The sampled scores; the reasons mention a score to show they are not mistaken for it.
        {
          faithfulness: { reason: 'It says "score": 1 nowhere wrong.', score: 5 },
          relevance: { reason: 'On topic.', score: 3 },
        },
        {
          faithfulness: { '5': 0.6, '4': 0.3, '3': 0.1 },
          relevance: { '3': 0.5, '2': 0.25, '4': 0.2, a: 0.05 },
        },
      ),
    )
    const judgment = await judgeWith().judge(request)
    expect(server.chatRequests[0]?.body).toMatchObject({ logprobs: true, top_logprobs: 20 })
    const faithfulness = judgment.scores.faithfulness!
    expect(faithfulness.raw).toBeCloseTo(5 * 0.6 + 4 * 0.3 + 3 * 0.1)
    expect(faithfulness.score).toBeCloseTo((4.5 - 1) / 4)
    expect(faithfulness.distribution).toEqual({
      '1': 0,
      '2': 0,
      '3': expect.closeTo(0.1),
      '4': expect.closeTo(0.3),
      '5': expect.closeTo(0.6),
    })
    // Renormalised over the scale: the 0.05 on a token that is no score is left out.
    expect(judgment.scores.relevance?.raw).toBeCloseTo((3 * 0.5 + 2 * 0.25 + 4 * 0.2) / 0.95)
    expect(judgment.note).toBeUndefined()
  })

  test('a server without log-probabilities gets the sampled integer and a note naming server and model', async () => {
    server.enqueue(reply.verdict({ faithfulness: 4, relevance: 2 }))
    const judgment = await judgeWith().judge(request)
    expect(judgment.scores.faithfulness).toMatchObject({ score: 0.75, raw: 4 })
    expect(judgment.scores.faithfulness?.distribution).toBeUndefined()
    expect(judgment.note).toBe(
      `scoring 'expected': the judge server ${server.baseURL} returned no log-probabilities for model ` +
        '"judge-model", so its scores are the sampled integers. Use a server and model that return logprobs, ' +
        "or scoring: 'sample'.",
    )
  })

  test("'sample' asks for no log-probabilities; the judge id tells the modes apart", async () => {
    server.enqueue(
      reply.verdictWithLogprobs({ faithfulness: 4, relevance: 2 }, { faithfulness: { '4': 0.5, '5': 0.5 } }),
    )
    const judgment = await judgeWith({ scoring: 'sample' }).judge(request)
    expect(server.chatRequests[0]?.body.logprobs).toBeUndefined()
    expect(judgment.scores.faithfulness).toMatchObject({ score: 0.75, raw: 4 })
    const idOf = (options: Partial<LlmJudgeOptions>) => resolveLlmJudge({ model: 'm', ...options }).id
    expect(idOf({ scoring: 'sample' })).toBe(idOf({}))
    expect(idOf({ scoring: 'expected' })).not.toBe(idOf({}))
  })

  test('a scale wider than single digits, or an unknown mode, is an error that says what to do', async () => {
    const wide = defineRubric({
      name: 'wide',
      scale: { min: 1, max: 10 },
      dimensions: { relevance: dimensions.relevance },
    })
    await expect(judgeWith().judge({ rubric: wide, dimensions: ['relevance'], output: 'x' })).rejects.toThrow(
      'rubric "wide" scores from 1 to 10, values a tokeniser may split into several tokens',
    )
    expect(server.chatRequests).toHaveLength(0)
    expect(() => judgeWith({ scoring: 'best' as never })).toThrow(
      `the LLM judge "judge-model" has scoring "best"; use 'sample'`,
    )
  })
})
