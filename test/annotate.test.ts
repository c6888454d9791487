import { describe, expect, test } from 'vitest'
import { annotationText } from '../src/matchers/annotate.ts'
import { located } from './support/reports.ts'

describe('annotationText', () => {
  test('says the dimension, the score against its floor, the judge and the reason on one line', () => {
    expect(annotationText(located())).toBe(
      'faithfulness 0.75 >= floor 0.50 · judge judge-model · supported by the context',
    )
    expect(annotationText(located({ score: 0.25, pass: false, judgeName: 'panel', model: 'gpt-4.1' }))).toBe(
      'faithfulness 0.25 < floor 0.50 · judge panel (gpt-4.1) · supported by the context',
    )
    expect(
      annotationText(located({ score: null, pass: null, reason: 'the judge timed out after 30 s' })),
    ).toBe('faithfulness error · judge judge-model · the judge timed out after 30 s')
  })

  test('writes its own part in Latin-1, which V8 keeps at one byte per character', () => {
    // Vitest keeps every annotation of the run in the main process; one character beyond Latin-1 doubles its size.
    const beyondLatin1 = (text: string) => [...text].filter((char) => char.codePointAt(0)! > 0xff)
    const records = [
      located(),
      located({ score: 0.25, pass: false }),
      located({ score: null, pass: null }),
      located({ reason: 'x'.repeat(400) }),
      located({ turn: { index: 1, of: 2, message: 2 } }),
    ]
    for (const record of records) expect(beyondLatin1(annotationText(record))).toEqual([])
  })

  test('removes escape sequences and control characters, and keeps long reasons short', () => {
    const text = annotationText(
      located({
        reason: `\u001b[2J\u001b]8;;http://x\u0007link\u001b]8;;\u0007 bell\u0007\r\nnext\u009b31m ${'x'.repeat(400)}`,
      }),
    )
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
    expect(text).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
    expect(text).toBe(
      `faithfulness 0.75 >= floor 0.50 · judge judge-model · link bell next ${'x'.repeat(285)}...`,
    )
  })

  test('masks the judge’s key and anything that looks like a key or a token', () => {
    const key = 'local-judge-key-0123456789'
    const text = annotationText(
      located({
        reason: `calling with ${key} failed; Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl9x and sk-ant-api03-Zq8vT2mW9xK4rB7nP3sL6yD1`,
      }),
      [key],
    )
    expect(text).not.toContain(key)
    expect(text).not.toContain('Zq8vT2mW9xK4rB7nP3sL6yD1')
    expect(text).not.toContain('c2lnbmF0dXJl9x')
    expect(text).toContain('calling with ******** failed')
  })
})
