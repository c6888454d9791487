import { dimensions } from '../../src/rubric/builtin.ts'
import { defineRubric } from '../../src/rubric/define-rubric.ts'
import type { JudgeRequest } from '../../src/types.ts'

/** A rubric of two built-in dimensions, for the judge's own tests. */
export const supportRubric = defineRubric({
  name: 'support',
  dimensions: { faithfulness: dimensions.faithfulness, relevance: dimensions.relevance },
})

/** A faithful, relevant answer with its question and context, to be judged on both dimensions of the rubric. */
export const supportRequest: JudgeRequest = {
  rubric: supportRubric,
  dimensions: ['faithfulness', 'relevance'],
  input: 'How long do refunds take?',
  context: 'Refunds are paid within 14 days of the return arriving.',
  output: 'Refunds are paid within 14 days after we receive your return.',
}
