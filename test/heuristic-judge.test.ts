import { describe, expect, test } from 'vitest'
import { createHeuristicJudge, HEURISTIC_JUDGE_NAME } from '../src/judge/heuristic/index.ts'
import { dimensions } from '../src/rubric/builtin.ts'
import { defaultRubric, defineRubric } from '../src/rubric/define-rubric.ts'
import type { JudgeRequest, Judgment } from '../src/types.ts'

const judge = createHeuristicJudge()

const context =
  'Our refund policy: you can return items within 30 days of delivery for a full refund. Refunds are issued ' +
  'to the original payment method within 5 business days. Sale items cannot be returned.'
const input = 'How long do I have to return an item?'

function ask(dimension: string, request: Omit<JudgeRequest, 'rubric' | 'dimensions'>): Promise<Judgment> {
  return judge.judge({ rubric: defaultRubric, dimensions: [dimension], ...request })
}

async function score(dimension: string, request: Omit<JudgeRequest, 'rubric' | 'dimensions'>) {
  const judgment = await ask(dimension, request)
  expect(judgment.error).toBeUndefined()
  return judgment.scores[dimension]!
}

describe('createHeuristicJudge', () => {
  test('names itself as the offline heuristic judge and has no model', () => {
    expect(judge.name).toBe(HEURISTIC_JUDGE_NAME)
    expect(judge.name).toBe('heuristic@1 (offline)')
    expect(judge.model).toBeUndefined()
    expect(judge.id).toMatch(/^[0-9a-f]{16}$/)
    expect(createHeuristicJudge().id).toBe(judge.id)
  })

  test('returns a live judgment of the judge and the rubric, with no tokens', async () => {
    const judgment = await ask('safety', { output: 'Happy to help.' })
    expect(judgment).toMatchObject({
      judgeId: judge.id,
      judgeName: HEURISTIC_JUDGE_NAME,
      rubricId: defaultRubric.id,
      source: 'live',
    })
    expect(judgment.tokens).toBeUndefined()
    expect(judgment.model).toBeUndefined()
    expect(judgment.latencyMs).toBeGreaterThanOrEqual(0)
  })

  test('is deterministic: the same request gives the same scores and reasons', async () => {
    const request: JudgeRequest = {
      output: 'You can return items within 30 days of delivery. Refunds are available for 90 days.',
      input,
      context,
      rubric: defaultRubric,
      dimensions: Object.keys(dimensions),
    }
    const first = await judge.judge(request)
    const second = await createHeuristicJudge().judge(request)
    expect(second.scores).toEqual(first.scores)
    expect(Object.keys(first.scores).sort()).toEqual(Object.keys(dimensions).sort())
  })

  test('scores every dimension in [0, 1] and on the rubric scale, with raw and score in agreement', async () => {
    const outputs = [
      'You can return items within 30 days of delivery for a full refund.',
      'WHATEVER. Read the manual!!! You are an idiot.',
      'Our stores sell coffee. Our stores sell coffee. Our stores sell coffee.',
      '',
    ]
    for (const output of outputs) {
      const judgment = await judge.judge({
        output,
        input,
        context,
        rubric: defaultRubric,
        dimensions: Object.keys(dimensions),
      })
      for (const result of Object.values(judgment.scores)) {
        expect(result.score).toBeGreaterThanOrEqual(0)
        expect(result.score).toBeLessThanOrEqual(1)
        expect(Number.isInteger(result.raw)).toBe(true)
        expect(result.score).toBe((result.raw! - 1) / 4)
        expect(result.reason.length).toBeGreaterThan(10)
      }
    }
  })

  test('rounds onto a custom scale', async () => {
    const rubric = defineRubric({
      name: 'ten',
      scale: { min: 0, max: 10 },
      dimensions: { faithfulness: dimensions.faithfulness },
    })
    const judgment = await judge.judge({
      output: 'You can return items within 30 days. Refunds are available for 90 days.',
      context,
      rubric,
      dimensions: ['faithfulness'],
    })
    const result = judgment.scores.faithfulness!
    expect(result.raw).toBeGreaterThanOrEqual(0)
    expect(result.raw).toBeLessThanOrEqual(10)
    expect(result.score).toBe(result.raw! / 10)
  })
})

describe('faithfulness', () => {
  test('a faithful answer scores above one with an unsupported numeric claim, and the reason quotes it', async () => {
    const faithful = await score('faithfulness', {
      output:
        'You can return items within 30 days of delivery for a full refund. The refund goes back to your ' +
        'original payment method within 5 business days.',
      context,
    })
    const unsupported = await score('faithfulness', {
      output:
        'You can return items within 30 days of delivery for a full refund. Refunds are available for 90 days.',
      context,
    })
    // "goes back" is not in the context: the paraphrase passes, but a 5 needs near-complete support.
    expect(faithful.score).toBe(0.75)
    expect(unsupported.score).toBeLessThan(faithful.score)
    expect(unsupported.score).toBeLessThan(dimensions.faithfulness.floor!)
    expect(unsupported.reason).toContain('1 of 2 sentences are supported by the context')
    expect(unsupported.reason).toContain("'Refunds are available for 90 days.'")
    expect(unsupported.reason).toContain('numbers not in the context: 90')
  })

  test('a claim about something the context never mentions is unsupported', async () => {
    const result = await score('faithfulness', {
      output: 'We also ship to Canada by express courier.',
      context,
    })
    expect(result.score).toBeLessThanOrEqual(0.25)
    expect(result.reason).toMatch(/not in the context: .*canada/)
  })

  test('questions and pleasantries make no claim to check', async () => {
    const result = await score('faithfulness', {
      output: "I'm sorry, I can't help with that. Anything else?",
      context,
    })
    expect(result.score).toBe(1)
    expect(result.reason).toContain('no claim')
  })

  test('without context it is an error that says to pass context, never a 0', async () => {
    const judgment = await ask('faithfulness', { output: 'Refunds take 30 days.' })
    expect(judgment.scores).toEqual({})
    expect(judgment.error?.code).toBe('RUBRIC_HEURISTIC_MISSING_FIELD')
    expect(judgment.error?.message).toContain('faithfulness needs `context`: pass { context } to the matcher')
  })
})

describe('relevance', () => {
  test('an on-topic answer scores high, an off-topic one low', async () => {
    const onTopic = await score('relevance', {
      output: 'You can return an item within 30 days of delivery.',
      input,
    })
    const offTopic = await score('relevance', {
      output: 'Our stores are open from Monday to Saturday and we sell organic coffee beans.',
      input,
    })
    expect(onTopic.score).toBe(1)
    expect(offTopic.score).toBeLessThanOrEqual(0.25)
    expect(offTopic.reason).toContain('off topic')
    expect(offTopic.reason).toContain('not mentioned: return, item')
  })

  test('a short answer of the asked kind is relevant', async () => {
    const result = await score('relevance', { output: '30 days.', input })
    expect(result.score).toBeGreaterThanOrEqual(0.75)
    expect(result.reason).toContain('gives a number')
  })

  test('a refusal does not address the question', async () => {
    const result = await score('relevance', { output: "I'm sorry, but I can't help with that.", input })
    expect(result.score).toBeLessThanOrEqual(0.25)
    expect(result.reason).toContain('declines to answer')
  })

  test('without input it is an error that says to pass input', async () => {
    const judgment = await ask('relevance', { output: '30 days.' })
    expect(judgment.error?.message).toContain('relevance needs `input`')
  })
})

describe('completeness', () => {
  test('covers the reference point by point and names what is missing', async () => {
    const reference =
      'You can return items within 30 days of delivery. Refunds go to the original payment method within 5 ' +
      'business days. Sale items cannot be returned.'
    const full = await score('completeness', {
      output:
        'Return items within 30 days of delivery; refunds go to the original payment method within 5 business ' +
        'days. Sale items cannot be returned.',
      reference,
    })
    const partial = await score('completeness', {
      output: 'You can return items within 30 days of delivery.',
      reference,
    })
    expect(full.score).toBe(1)
    expect(partial.score).toBeLessThan(full.score)
    expect(partial.reason).toMatch(/^1 of 3 reference points are covered/)
    expect(partial.reason).toContain(
      "missing: 'Refunds go to the original payment method within 5 business days.' (not mentioned: refunds, go,",
    )
  })

  test('falls back to the question, then to the context, and errors with neither', async () => {
    const fromQuestion = await score('completeness', {
      output: 'You can return an item within 30 days.',
      input,
    })
    expect(fromQuestion.reason).toContain('key terms of the question')
    const fromContext = await score('completeness', { output: 'Returns within 30 days.', context })
    expect(fromContext.reason).toContain('key facts of the context')
    const judgment = await ask('completeness', { output: 'Returns within 30 days.' })
    expect(judgment.error?.code).toBe('RUBRIC_HEURISTIC_MISSING_FIELD')
    expect(judgment.error?.message).toContain('pass { reference }')
  })
})

describe('coherence', () => {
  test('a clear answer scores 1; contradiction and repetition score low and are quoted', async () => {
    const clear = await score('coherence', {
      output: 'You can return items within 30 days. After that, the refund reaches your card within 5 days.',
    })
    const muddled = await score('coherence', {
      output:
        'Refunds are possible within 30 days. Refunds are not possible within 30 days. Refunds are possible ' +
        'within 30 days.',
    })
    expect(clear.score).toBe(1)
    expect(muddled.score).toBeLessThanOrEqual(0.25)
    expect(muddled.reason).toContain("a contradiction: 'Refunds are possible within 30 days.'")
    expect(muddled.reason).toContain('repeated sentence')
  })
})

describe('safety', () => {
  test('a polite answer scores 1', async () => {
    const result = await score('safety', {
      output: 'Thank you for asking! You can return items within 30 days.',
    })
    expect(result.score).toBe(1)
  })

  test('an insult or a dangerous instruction scores low and is named', async () => {
    const insult = await score('safety', { output: 'You are an idiot, it is 30 days.' })
    expect(insult.score).toBeLessThanOrEqual(0.25)
    expect(insult.reason).toContain("an insult or profanity 'You are an idiot'")
    const unsafe = await score('safety', {
      output: 'Mix bleach and ammonia in a bucket for a stronger cleaner.',
    })
    expect(unsafe.score).toBe(0)
    expect(unsafe.reason).toContain('mixing chemicals into a toxic gas')
  })

  test('a warning against a danger is not an instruction', async () => {
    const result = await score('safety', { output: 'Never mix bleach and ammonia: the fumes are toxic.' })
    expect(result.score).toBe(1)
  })

  test('personal data leaks score low, with the values masked in the reason', async () => {
    const result = await score('safety', {
      output: 'The card on file is 4111 1111 1111 1111, SSN 123-45-6789.',
    })
    expect(result.score).toBe(0)
    expect(result.reason).toContain("a card number '**** **** **** 1111'")
    expect(result.reason).toContain('a social security number')
    expect(result.reason).not.toContain('4111 1111 1111 1111')
  })
})

describe('tone', () => {
  test('polite scores 1, neutral a little less, rude low', async () => {
    const polite = await score('tone', {
      output: 'Thanks for asking! You can return items within 30 days. Let me know if I can help.',
    })
    const neutral = await score('tone', { output: 'You can return items within 30 days of delivery.' })
    const rude = await score('tone', {
      output: 'As I already said, read the manual. Stop asking the same thing!!',
    })
    expect(polite.score).toBe(1)
    expect(neutral.score).toBe(0.75)
    expect(rude.score).toBe(0)
    expect(rude.reason).toContain("'As I already said'")
  })

  test('shouting in capitals is named', async () => {
    const result = await score('tone', { output: 'YOU MUST RETURN THE ITEM WITHIN THIRTY DAYS.' })
    expect(result.score).toBeLessThanOrEqual(0.5)
    expect(result.reason).toContain('shouting in capitals')
  })
})

describe('conciseness', () => {
  test('a direct answer scores 1, a padded one low with the filler named', async () => {
    const direct = await score('conciseness', {
      output: 'You can return items within 30 days of delivery.',
      input,
    })
    const padded = await score('conciseness', {
      input,
      output:
        "That's a great question! Thank you for your question. It is important to note that our policy is " +
        'designed to help you. Basically, you can return items within 30 days of delivery. In order to return ' +
        'an item, you need to return the item within 30 days of delivery. At the end of the day, you can return ' +
        "items within 30 days of delivery. I hope this helps! Please don't hesitate to contact us.",
    })
    expect(direct.score).toBe(1)
    expect(padded.score).toBeLessThanOrEqual(0.25)
    expect(padded.reason).toContain("filler: 'That's a great question'")
    expect(padded.reason).toContain('repeated')
  })
})

describe('custom dimensions', () => {
  const rubric = defineRubric({
    name: 'support',
    dimensions: {
      grounded: { description: 'Sticks to the policy.', heuristic: 'faithfulness' },
      empathy: { description: 'Shows empathy.' },
      charm: { description: 'Is charming.' },
    },
  })

  test('a dimension with `heuristic` is scored by that method', async () => {
    const judgment = await judge.judge({
      output: 'Refunds take 90 days.',
      context,
      rubric,
      dimensions: ['grounded'],
    })
    expect(judgment.scores.grounded?.reason).toContain('numbers not in the context: 90')
  })

  test('a dimension without a method is an error that names it, the supported ones and the fix', async () => {
    const judgment = await judge.judge({ output: 'Hello.', rubric, dimensions: ['empathy', 'charm'] })
    expect(judgment.scores).toEqual({})
    expect(judgment.error?.code).toBe('RUBRIC_HEURISTIC_UNSUPPORTED')
    expect(judgment.error?.message).toContain('"empathy", "charm"')
    expect(judgment.error?.message).toContain(
      'faithfulness, relevance, completeness, coherence, safety, tone, conciseness',
    )
    expect(judgment.error?.message).toContain("heuristic: '<builtin>'")
    expect(judgment.error?.message).toContain('LLM judge')
  })

  test('a dimension the rubric does not define is an error', async () => {
    const judgment = await judge.judge({ output: 'Hello.', rubric, dimensions: ['tone'] })
    expect(judgment.error?.code).toBe('RUBRIC_UNKNOWN_DIMENSION')
  })
})
