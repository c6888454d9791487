import { describe, expect, test } from 'vitest'
import { TRANSCRIPT_EXCERPT, transcriptExcerpt } from '../src/record/transcript-excerpt.ts'
import { renderHtml } from '../src/reporter/html.ts'
import { renderMarkdown } from '../src/reporter/markdown.ts'
import { parseReport } from '../src/reporter/read-report.ts'
import { stringifyReport } from '../src/reporter/report-json.ts'
import type { TranscriptMessage } from '../src/transcript/schema.ts'
import { conversationReport } from './support/conversation-report.ts'
import { located, reportOf } from './support/reports.ts'

describe('a judged conversation in reports', () => {
  test('report.json keeps it once per call, and reads it back', () => {
    const report = conversationReport()
    const read = parseReport(stringifyReport(report), 'report.json')
    expect(read.judgments.map((j) => (j.kind === 'judgment' ? j.transcript?.messages.length : 0))).toEqual([
      5,
      undefined,
    ])
    expect(read).toEqual(report)
  })

  test('the HTML report shows it as a chat, tool results linked to their calls, all of it escaped', () => {
    const html = renderHtml(conversationReport())
    const chats = html.match(/<ol class="chat">[\s\S]*?<\/ol>/g) ?? []
    // Both dimensions show the conversation, the second finding it by the call id.
    expect(chats).toHaveLength(2)
    const chat = chats.find((one) => one.includes('dimension-toolUse-0'))!
    expect(chat).toContain('<li class="msg user"><span class="role">user</span> <span class="n">#1</span>')
    expect(chat).toContain(
      '<li class="call" id="dimension-toolUse-0-call_1"><code>lookupOrder</code> <span class="call-id">call_1</span>',
    )
    expect(chat).toContain('<a class="answers" href="#dimension-toolUse-0-call_1">lookupOrder · call_1</a>')
    expect(html).not.toContain('<script>')
    expect(html).not.toContain('<img')
    expect(chat).toContain('&lt;script&gt;document.title = &quot;pwned&quot;')
    expect(chat).toContain('&lt;img src=x onerror=\\&quot;document.title')
    expect(chat).toContain('&lt;/details&gt;')
  })

  test('Markdown quotes its turns, one line per tool call, all of it escaped', () => {
    const markdown = renderMarkdown(conversationReport())
    const quoted = markdown.split('\n').filter((line) => line.startsWith('> '))
    // Two dimensions below their floor, each with the conversation.
    expect(quoted).toHaveLength(12)
    expect(quoted.slice(0, 5)).toEqual([
      '> **system:** You are the support agent of Acme.',
      '> **user:** My order A-4417 arrived broken.',
      '> **assistant:** Let me look that order up.',
      '> → `lookupOrder({"orderId":"A-4417 <img src=x onerror=\\"document.title = \'pwned\'; window.__pwned = true; alert(2)\\">"})` call\\_1',
      '> **tool** `lookupOrder` (call\\_1): \\{"status":"delivered"\\} &lt;script&gt;document.title = "pwned"; ' +
        'window.\\_\\_pwned = true; alert\\(1\\)&lt;/script&gt; &#124; &#64;octocat \\*\\*bold\\*\\* &lt;/details&gt;',
    ])
    // Markup in a code span is shown, never rendered: only the tool call's code span carries raw `<`.
    expect(quoted.filter((line) => line.includes('<') && !line.startsWith('> → `'))).toEqual([])
    expect(markdown).toContain('*the conversation, below*')
  })

  test('a long conversation keeps its first and last messages and each text cut', () => {
    const { head, tail, text } = TRANSCRIPT_EXCERPT
    const messages: TranscriptMessage[] = Array.from({ length: 60 }, (_, index) =>
      index % 2 === 0
        ? { role: 'user', content: `question ${index} ${'x'.repeat(2000)}` }
        : {
            role: 'assistant',
            content: `answer ${index}`,
            toolCalls: [{ id: `call_${index}`, name: 'search', arguments: { query: 'y'.repeat(2000) } }],
          },
    )
    const excerpt = transcriptExcerpt(messages, 4)
    expect(excerpt.start).toBe(4)
    expect(excerpt.messages).toHaveLength(head + tail)
    expect(excerpt.omitted).toEqual({ after: head, count: 60 - head - tail })
    expect(excerpt.messages.at(-1)!.content).toBe('answer 59')
    expect(excerpt.messages[0]!.content).toHaveLength(text)
    const call = excerpt.messages.find((message) => message.role === 'assistant')!
    expect(call.role === 'assistant' && JSON.stringify(call.toolCalls![0]!.arguments).length).toBeLessThan(
      text + 20,
    )
    // The chat numbers messages as the conversation does, and says what was left out.
    const report = reportOf([located({ score: 0, pass: false, transcript: excerpt })])
    const html = renderHtml(report)
    expect(html).toContain(`<li class="omitted">${60 - head - tail} messages left out</li>`)
    expect(html).toContain('<span class="n">#63</span>')
    expect(renderMarkdown(report)).toContain('> *… 56 earlier messages*')
  })

  test('a version 3 report, written before transcripts, is read as version 4', () => {
    const report = conversationReport()
    const version3 = {
      ...report,
      schemaVersion: 3,
      judgments: report.judgments.map((judgment) => {
        const { transcript: _, ...before } = judgment as typeof judgment & { transcript?: unknown }
        return before
      }),
    }
    const read = parseReport(JSON.stringify(version3), 'old.json')
    expect(read.schemaVersion).toBe(4)
    expect(read.judgments).toEqual(version3.judgments)
  })
})
