/** Type tests of `toBePreferredOver` on the installed Vitest major. Run by `npm run test:types`. */
import { describe, expect, expectTypeOf, test } from 'vitest'
import { defineRubric, type PreferenceMatchOptions, type RubricRecord } from 'vitest-rubric'

const rubric = defineRubric({
  name: 'support',
  dimensions: { tone: { description: 'Polite and calm.' } },
})
const input = 'How long do refunds take?'
const candidate = 'Refunds are paid within 14 days.'
const baseline = 'Refunds take a while.'

describe('toBePreferredOver', () => {
  test('compares with a baseline on the global and the test context expect', async ({ expect: local }) => {
    expectTypeOf(
      expect(candidate).toBePreferredOver(baseline, { input, rubric, dimensions: ['tone'], allowTie: true }),
    ).resolves.toBeVoid()
    expectTypeOf(
      local([{ role: 'assistant', content: candidate }]).toBePreferredOver(baseline),
    ).resolves.toBeVoid()
    expectTypeOf(expect.soft(candidate).not.toBePreferredOver(baseline, { rubric })).resolves.toBeVoid()
    expectTypeOf(expect(candidate).toBePreferredOver)
      .parameter(1)
      .toEqualTypeOf<PreferenceMatchOptions | undefined>()
  })

  test('rejects wrong options', () => {
    // @ts-expect-error allowTie is a boolean
    void expect(candidate).toBePreferredOver(baseline, { allowTie: 'yes' })
    // @ts-expect-error there are no floors: the candidate wins or does not
    void expect(candidate).toBePreferredOver(baseline, { floors: { tone: 0.5 } })
  })

  test('its records keep both orders', () => {
    type Pairwise = Extract<RubricRecord, { kind: 'pairwise' }>
    expectTypeOf<Pairwise['orders'][number]['preference']>().toEqualTypeOf<'A' | 'B' | 'tie' | null>()
    expectTypeOf<Pairwise['outcome']>().toEqualTypeOf<'win' | 'tie' | 'loss' | undefined>()
  })
})
