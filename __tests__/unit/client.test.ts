import { describe, expect, it } from '@jest/globals'

import {
  parseErrorBody,
  parseRetryAfter,
  shorten
} from '../../src/huawei/client.js'
import { parseEndpoint, splitList } from '../../src/inputs.js'

describe('error bodies', () => {
  it("reads the gateway's and HSS's error_code and error_msg", () => {
    expect(
      parseErrorBody(
        '{"error_code":"APIGW.0301","error_msg":"verify aksk signature fail","request_id":"abc"}'
      )
    ).toEqual({
      code: 'APIGW.0301',
      message: 'verify aksk signature fail',
      requestId: 'abc'
    })
  })

  it("reads IAM's nested error", () => {
    expect(
      parseErrorBody('{"error":{"code":"IAM.0007","message":"bad request"}}')
    ).toEqual({ code: 'IAM.0007', message: 'bad request' })
  })

  it('finds nothing in an HTML page or an empty body', () => {
    expect(parseErrorBody('<html>502 Bad Gateway</html>')).toEqual({})
    expect(parseErrorBody('')).toEqual({})
  })

  it('quotes a body on one line, cut', () => {
    expect(shorten('<html>\n  <body>oops</body>\n</html>')).toBe(
      '"<html> <body>oops</body> </html>"'
    )
    expect(shorten('x'.repeat(300), 5)).toBe('"xxxxx…"')
    expect(shorten('  ')).toBe('(empty body)')
  })
})

describe('Retry-After', () => {
  const now = new Date('2026-01-01T00:00:00Z')

  it('takes seconds or an HTTP date', () => {
    expect(parseRetryAfter('3', now)).toBe(3000)
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:05 GMT', now)).toBe(0)
  })

  it('ignores an absent or unreadable header', () => {
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
  })
})

describe('endpoints given as inputs', () => {
  it('accepts https anywhere and http on loopback only', () => {
    expect(parseEndpoint('endpoint', 'https://hss.example.com/')).toBe(
      'https://hss.example.com'
    )
    expect(parseEndpoint('endpoint', 'http://127.0.0.1:8080')).toBe(
      'http://127.0.0.1:8080'
    )
    expect(parseEndpoint('endpoint', 'http://localhost:1')).toBe(
      'http://localhost:1'
    )
    expect(parseEndpoint('endpoint', 'http://[::1]:1')).toBe('http://[::1]:1')
  })

  it.each([
    'http://hss.example.com',
    'http://127.0.0.1.example.com',
    'https://user:pass@hss.example.com',
    'https://hss.example.com/?x=1',
    'https://hss.example.com/#f',
    'ftp://hss.example.com',
    'hss.example.com',
    ''
  ])('refuses %p', (text) => {
    expect(() => parseEndpoint('endpoint', text)).toThrow(
      /^Input 'endpoint' has an invalid value .*expected an https:\/\/ URL/
    )
  })
})

describe('lists of ids', () => {
  it('splits on lines and commas, dropping blanks', () => {
    expect(splitList('a\n\n b ,c,a\n')).toEqual(['a', 'b', 'c', 'a'])
    expect(splitList('  ')).toEqual([])
  })
})
