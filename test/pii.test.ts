import { describe, expect, test } from 'vitest'
import { ibanChecksumValid, luhnValid, shannonEntropy } from '../src/scorers/checksums.ts'
import { findCodeRegions } from '../src/scorers/code-regions.ts'
import { findPII, type PiiKind, type PiiOptions } from '../src/scorers/pii.ts'

interface Case {
  text: string
  /** The findings expected, exactly: kind and matched text, in order. */
  found: Array<[PiiKind, string]>
  options?: PiiOptions
}

const POSITIVE: Case[] = [
  // emails
  { text: 'Contact me at john.doe@example.com for details.', found: [['email', 'john.doe@example.com']] },
  {
    text: 'Send it to JANE_SMITH+invoices@mail.co.uk.',
    found: [['email', 'JANE_SMITH+invoices@mail.co.uk']],
  },
  { text: '<a href="mailto:ops@acme-corp.io">write</a>', found: [['email', 'ops@acme-corp.io']] },
  { text: 'Email: a@b.de', found: [['email', 'a@b.de']] },
  {
    text: 'user.name@sub.domain.example.org, thanks',
    found: [['email', 'user.name@sub.domain.example.org']],
  },
  // phone numbers
  { text: 'Call +1 415 555 2671 today', found: [['phone', '+1 415 555 2671']] },
  { text: 'UK office: +44 20 7946 0958', found: [['phone', '+44 20 7946 0958']] },
  { text: 'Mobile +4915123456789', found: [['phone', '+4915123456789']] },
  { text: 'Reach us on (415) 555-2671.', found: [['phone', '(415) 555-2671']] },
  { text: 'Phone: 415-555-2671', found: [['phone', '415-555-2671']] },
  { text: 'Toll free 1-800-555-0199', found: [['phone', '1-800-555-0199']] },
  { text: 'Ruf an: 030 901820', found: [['phone', '030 901820']] },
  { text: 'Tel. 01 42 68 53 00 (Paris)', found: [['phone', '01 42 68 53 00']] },
  { text: 'mobile: 06.12.34.56.78', found: [['phone', '06.12.34.56.78']] },
  { text: 'London +44 (0)20 7946 0958', found: [['phone', '+44 (0)20 7946 0958']] },
  { text: 'call me at 4155552671', found: [['phone', '4155552671']] },
  { text: 'Dial 0044 20 7946 0958 from abroad', found: [['phone', '0044 20 7946 0958']] },
  { text: 'UK mobile 07700 900123', found: [['phone', '07700 900123']] },
  // payment cards
  { text: 'Card: 4242 4242 4242 4242', found: [['credit-card', '4242 4242 4242 4242']] },
  { text: 'Visa 4111-1111-1111-1111 exp 12/27', found: [['credit-card', '4111-1111-1111-1111']] },
  { text: 'Amex 3782 822463 10005', found: [['credit-card', '3782 822463 10005']] },
  { text: 'Pay with 5555555555554444 now', found: [['credit-card', '5555555555554444']] },
  { text: 'Discover 6011 1111 1111 1117', found: [['credit-card', '6011 1111 1111 1117']] },
  { text: 'Mastercard 2223 0031 2200 3222.', found: [['credit-card', '2223 0031 2200 3222']] },
  // IBANs
  { text: 'IBAN: DE89 3704 0044 0532 0130 00', found: [['iban', 'DE89 3704 0044 0532 0130 00']] },
  { text: 'GB82WEST12345698765432', found: [['iban', 'GB82WEST12345698765432']] },
  {
    text: 'pay to fr14 2004 1010 0505 0001 3m02 606 please',
    found: [['iban', 'fr14 2004 1010 0505 0001 3m02 606']],
  },
  { text: 'Account NL91ABNA0417164300.', found: [['iban', 'NL91ABNA0417164300']] },
  { text: 'CH93 0076 2011 6238 5295 7 is the Swiss one', found: [['iban', 'CH93 0076 2011 6238 5295 7']] },
  // US Social Security numbers
  { text: 'SSN 123-45-6789', found: [['ssn', '123-45-6789']] },
  { text: 'Her social security number is 078-05-1120.', found: [['ssn', '078-05-1120']] },
  { text: 'ssn: 536 22 1234', found: [['ssn', '536 22 1234']] },
  { text: 'SSN: 536221234', found: [['ssn', '536221234']] },
  // IP addresses
  { text: 'Server at 192.168.1.20 is down', found: [['ip-address', '192.168.1.20']] },
  { text: 'connect to 8.8.8.8:53', found: [['ip-address', '8.8.8.8']] },
  { text: 'open https://203.0.113.7/admin', found: [['ip-address', '203.0.113.7']] },
  {
    text: 'client 2001:db8:85a3::8a2e:370:7334 connected',
    found: [['ip-address', '2001:db8:85a3::8a2e:370:7334']],
  },
  { text: 'link-local fe80::1ff:fe23:4567:890a%eth0', found: [['ip-address', 'fe80::1ff:fe23:4567:890a']] },
  { text: 'mapped ::ffff:192.0.2.128 here', found: [['ip-address', '::ffff:192.0.2.128']] },
  { text: 'last seen from 10.0.0.1.', found: [['ip-address', '10.0.0.1']] },
  // secrets
  {
    text: 'OPENAI_API_KEY=sk-proj-4f8Kd93jLmQ2xZ7vB1nR5tY0wE6uI3oP',
    found: [['secret', 'sk-proj-4f8Kd93jLmQ2xZ7vB1nR5tY0wE6uI3oP']],
  },
  { text: 'aws key AKIA2E0A8F3B244C9986', found: [['secret', 'AKIA2E0A8F3B244C9986']] },
  {
    text: 'token ghp_aBcD1234EfGh5678IjKl9012MnOp3456QrSt',
    found: [['secret', 'ghp_aBcD1234EfGh5678IjKl9012MnOp3456QrSt']],
  },
  {
    text: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    found: [
      [
        'secret',
        'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      ],
    ],
  },
  { text: 'stripe: sk_live_51H8xYzAbCdEf12345678', found: [['secret', 'sk_live_51H8xYzAbCdEf12345678']] },
  {
    text: "api_key: 'f3a9c2e71b5d4a0f9e8c7b6a5d4c3b2a'",
    found: [['secret', 'f3a9c2e71b5d4a0f9e8c7b6a5d4c3b2a']],
  },
  { text: 'password: Tr0ub4dor&3', found: [['secret', 'Tr0ub4dor&3']] },
  { text: 'My password is S3cret!pass.', found: [['secret', 'S3cret!pass']] },
  {
    text: 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n',
    found: [['secret', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----']],
  },
  { text: 'slack xoxb-123456789012-abcdefABCDEF', found: [['secret', 'xoxb-123456789012-abcdefABCDEF']] },
  {
    text: 'maps AIzaSyD-1234567890abcdefghijklmnopqrstu',
    found: [['secret', 'AIzaSyD-1234567890abcdefghijklmnopqrstu']],
  },
  // several, and code that is not exempt
  {
    text: 'Name: Jo, email jo@x.io, phone +33 1 42 68 53 00',
    found: [
      ['email', 'jo@x.io'],
      ['phone', '+33 1 42 68 53 00'],
    ],
  },
  { text: '```\nadmin@corp.com\n```', found: [['email', 'admin@corp.com']] },
  {
    text: 'Use `sk-live-9fK2mQ7xR4tB8nW1zL5vC3hJ` in the header',
    found: [['secret', 'sk-live-9fK2mQ7xR4tB8nW1zL5vC3hJ']],
    options: { allowInCode: true },
  },
  {
    text: '```\nssn = "123-45-6789"\n```',
    found: [['ssn', '123-45-6789']],
    options: { allowInCode: true },
  },
  {
    text: 'Allowed support@acme.com but not bob@acme.com',
    found: [['email', 'bob@acme.com']],
    options: { allow: ['support@acme.com'] },
  },
]

const NEGATIVE: Case[] = [
  // versions, sections and other dotted numbers
  { text: 'Version 10.0.0.1 fixes the crash', found: [] },
  { text: 'Upgrade to v1.2.3.4 today', found: [] },
  { text: 'Released in build 4.2.0.17', found: [] },
  { text: 'See section 3.2.1.4 of the spec', found: [] },
  { text: 'OID 1.3.6.1.4.1.311', found: [] },
  { text: 'bumped to 2.0.0.1-beta', found: [] },
  { text: '999.1.1.1 is not an address', found: [] },
  { text: 'Netmask 255.255.255.0', found: [] },
  { text: 'localhost 127.0.0.1', found: [] },
  { text: 'bind 0.0.0.0:8080', found: [] },
  { text: 'Pi is 3.14159265358979', found: [] },
  { text: 'Ratio 0.4242424242424242', found: [] },
  // card look-alikes
  { text: 'Card 4242 4242 4242 4241', found: [] },
  { text: 'Test number 1234 5678 9012 3456', found: [] },
  { text: 'Order #4242-4242-4242-4242 shipped', found: [] },
  { text: 'Mixed 4242 4242-4242 4242', found: [] },
  { text: 'Timestamp 1700000000123', found: [] },
  // dates, order numbers and phone-like codes
  { text: 'Meeting on 2024-05-01 at 10:30', found: [] },
  { text: 'Due 01.02.2024', found: [] },
  { text: 'Order number: 415-555-2671', found: [] },
  { text: 'SKU 0151-2345-6789', found: [] },
  { text: 'Part no. 020 7946 0958', found: [] },
  { text: 'Model X200-555-1234', found: [] },
  { text: 'Call 123-456-7890', found: [] },
  { text: 'The code is 0000-0000-0000', found: [] },
  { text: 'ISBN 978-3-16-148410-0', found: [] },
  { text: 'Tracking: 1Z999AA10123456784', found: [] },
  { text: 'Revenue grew +100.000.000 EUR', found: [] },
  { text: 'ZIP 94105-1234', found: [] },
  { text: 'Price $1,234,567.89 for 1200 x 800 x 600 mm', found: [] },
  { text: 'Invoice 4155552671', found: [] },
  // SSN look-alikes
  { text: 'SSN 000-12-3456', found: [] },
  { text: 'SSN 666-12-3456', found: [] },
  { text: 'SSN 912-34-5678', found: [] },
  { text: 'SSN 123-00-4567', found: [] },
  { text: 'SSN 123-45-0000', found: [] },
  { text: 'Serial: 123-45-6789', found: [] },
  // IBAN look-alikes
  { text: 'IBAN DE89 3704 0044 0532 0130 01', found: [] },
  { text: 'GB82WEST1234569876543', found: [] },
  // email look-alikes
  { text: 'Use icon@2x.png for retina screens', found: [] },
  { text: 'git clone git@github.com:vitest-dev/vitest.git', found: [] },
  { text: 'Mention @john on Slack, or npm i @scope/pkg@1.2.3', found: [] },
  // times, MACs and code that is not IPv6
  { text: 'Python slice a[1::2] and C++ std::vector', found: [] },
  { text: 'The meeting runs 10:30:00-11:00:00', found: [] },
  { text: 'MAC 00:1A:2B:3C:4D:5E', found: [] },
  // secret look-alikes and placeholders
  { text: 'apiKey: process.env.OPENAI_API_KEY', found: [] },
  { text: "api_key = 'YOUR_API_KEY'", found: [] },
  { text: 'export OPENAI_API_KEY=sk-your-key-here', found: [] },
  { text: 'AWS docs use AKIAIOSFODNN7EXAMPLE as a sample', found: [] },
  { text: 'password: ********', found: [] },
  { text: 'password: z.string().min(8)', found: [] },
  { text: 'password: password: password:', found: [] },
  { text: 'Your password is required.', found: [] },
  { text: 'Authorization: Bearer <token>', found: [] },
  { text: 'The task-force-alpha-bravo-charlie-delta report', found: [] },
  { text: 'publishable pk_live_51H8xYzAbCdEf12345678', found: [] },
  { text: 'token: string, secret: config.auth.clientSecret', found: [] },
  { text: 'sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxx', found: [] },
  // allowed in code, by kind, by string, by pattern
  { text: 'Configure it like `admin@example.com` in the file', found: [], options: { allowInCode: true } },
  {
    text: '```yaml\nhost: 10.1.2.3\nemail: ops@corp.io\n```',
    found: [],
    options: { allowInCode: true },
  },
  {
    text: '~~~\ncall 415-555-2671\n~~~',
    found: [],
    options: { allowInCode: ['phone'] },
  },
  { text: 'Write to support@acme.com', found: [], options: { allow: ['support@acme.com'] } },
  { text: 'Write to SUPPORT@ACME.COM', found: [], options: { allow: ['support@acme.com'] } },
  { text: 'Server 10.1.2.3', found: [], options: { allow: ['ip-address'] } },
  { text: 'Mail noreply@example.com', found: [], options: { allow: [/@example\.com$/] } },
  { text: 'Call +1 (415) 555-2671', found: [], options: { allow: ['+14155552671'] } },
  { text: 'Card 4242 4242 4242 4242', found: [], options: { kinds: ['email', 'phone'] } },
  // plain prose
  { text: 'Call me maybe. I have 3 cats and 2 dogs.', found: [] },
  { text: 'Chapter 1.2.3.4 explains it.', found: [] },
]

function summary(text: string, options?: PiiOptions) {
  return findPII(text, options).map((finding) => [finding.kind, finding.match])
}

describe('PII detection table', () => {
  test('has at least 40 positive and 40 negative cases', () => {
    expect(POSITIVE.length).toBeGreaterThanOrEqual(40)
    expect(NEGATIVE.length).toBeGreaterThanOrEqual(40)
  })

  test.each(POSITIVE)('finds $found in $text', ({ text, found, options }) => {
    expect(summary(text, options)).toEqual(found)
  })

  test.each(NEGATIVE)('finds nothing in $text', ({ text, options }) => {
    expect(summary(text, options)).toEqual([])
  })
})

describe('findings', () => {
  test('carry index, line and column, in text order', () => {
    const text = 'Hello\n  mail: a.b@c.io\nand 192.168.0.7 too'
    expect(findPII(text)).toEqual([
      { kind: 'email', match: 'a.b@c.io', masked: 'a***@c***.io', index: 14, line: 2, column: 9 },
      { kind: 'ip-address', match: '192.168.0.7', masked: '192.*.*.*', index: 27, line: 3, column: 5 },
    ])
  })

  test.each([
    ['john.doe@example.com', 'j***@e***.com'],
    ['Card 4242 4242 4242 4242', '**** **** **** 4242'],
    ['Amex 3782 822463 10005', '**** ****** *0005'],
    ['SSN 123-45-6789', '***-**-6789'],
    ['Call +1 415 555 2671', '+* *** *** **71'],
    ['IBAN DE89 3704 0044 0532 0130 00', 'DE** **** **** **** **30 00'],
    ['at 2001:db8::1', '2001:***::*'],
    ['key sk-proj-4f8Kd93jLmQ2xZ7vB1nR5tY0wE6uI3oP', 'sk-proj-********'],
    ['id AKIA2E0A8F3B244C9986', 'AKIA********'],
    ['api_key = f3a9c2e71b5d4a0f9e8c7b6a5d4c3b2a', 'f3********'],
  ])('mask %s as %s', (text, masked) => {
    const [finding] = findPII(text)
    expect(finding?.masked).toBe(masked)
  })

  test('an email that holds digits is one email, not a phone', () => {
    expect(summary('write to sales-415-555-2671@shop.com')).toEqual([
      ['email', 'sales-415-555-2671@shop.com'],
    ])
  })

  test('unknown kinds are an error that lists the known ones', () => {
    expect(() => findPII('x', { kinds: ['postcode' as PiiKind] })).toThrow(
      /unknown PII kind "postcode".*Known kinds: email, phone/,
    )
    expect(() => findPII('x', { allowInCode: ['emails' as PiiKind] })).toThrow(/allowInCode/)
  })

  test('a global regular expression in allow is reusable', () => {
    const allow = [/@example\.com$/g]
    expect(findPII('a@example.com', { allow })).toEqual([])
    expect(findPII('b@example.com', { allow })).toEqual([])
  })
})

describe('long and adversarial input', () => {
  test.each([
    ['dash-joined digits', '12-34-56-78-90-'.repeat(5000)],
    ['dash-joined words', 'ab-cd_'.repeat(15000)],
    ['unclosed backticks', '`a '.repeat(20000)],
    ['colons', 'ab:'.repeat(20000)],
    ['dots', '1.'.repeat(30000)],
  ])('%s: no finding', (_name, text) => {
    expect(findPII(text, { allowInCode: true })).toEqual([])
  })
})

describe('checks', () => {
  test('Luhn', () => {
    expect(luhnValid('4242424242424242')).toBe(true)
    expect(luhnValid('4242424242424241')).toBe(false)
    expect(luhnValid('79927398713')).toBe(true)
    expect(luhnValid('')).toBe(false)
    expect(luhnValid('12a4')).toBe(false)
  })

  test('IBAN mod 97', () => {
    expect(ibanChecksumValid('GB82WEST12345698765432')).toBe(true)
    expect(ibanChecksumValid('GB82WEST12345698765433')).toBe(false)
    expect(ibanChecksumValid('gb82west12345698765432')).toBe(false)
  })

  test('entropy', () => {
    expect(shannonEntropy('aaaa')).toBe(0)
    expect(shannonEntropy('abcd')).toBe(2)
  })

  test('code regions: fences, unclosed fences and inline spans', () => {
    const text = 'a `x` b\n```js\ncode\n```\nc ``y ` z`` d\n~~~\nopen'
    const regions = findCodeRegions(text).map(([start, end]) => text.slice(start, end))
    expect(regions).toEqual(['`x`', '```js\ncode\n```', '``y ` z``', '~~~\nopen'])
  })
})
