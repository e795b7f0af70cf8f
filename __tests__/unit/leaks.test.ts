/**
 * The leak scanner itself (../support/leaks.ts and ../support/secrets.ts):
 * a scan that cannot fail proves nothing, so each form it claims to find is
 * fed to it here, and clean texts must come back clean.
 */
import { describe, expect, it } from '@jest/globals'

import {
  encodedForms,
  findLeaks,
  MIN_SCANNED_LENGTH,
  stableBase64
} from '../support/leaks.js'
import { expectNoSecrets } from '../support/secrets.js'

/** Characters encodeURIComponent changes, so its form differs from the raw one. */
// Its base64 holds '+' or '/' at every offset, so base64url differs too.
const SECRET = 'sk/e2e+query=secret-0123456789~~~f'
const b64 = (text: string) => Buffer.from(text).toString('base64')
const b64url = (text: string) => Buffer.from(text).toString('base64url')

function formsFound(text: string, secret = SECRET): string[] {
  return findLeaks({ text }, { key: secret }).map((leak) => leak.form)
}

function failsExpectNoSecrets(text: string, secret = SECRET): boolean {
  try {
    expectNoSecrets(text, [secret])
    return false
  } catch {
    return true
  }
}

describe('the forms of a secret', () => {
  it('URL-encodes to something other than the raw secret', () => {
    expect(encodeURIComponent(SECRET)).not.toBe(SECRET)
  })

  it('is a secret whose base64 and base64url differ at every offset, and does not end on a 3-byte boundary', () => {
    for (const offset of [0, 1, 2]) {
      expect(stableBase64(SECRET, offset, 'base64')).not.toBe(
        stableBase64(SECRET, offset, 'base64url')
      )
    }
    expect(SECRET.length % 3).not.toBe(0)
  })

  it.each([0, 1, 2])(
    'takes at offset %i a base64 fragment found in any text that encodes the secret there',
    (offset) => {
      for (const encode of [b64, b64url]) {
        const encoding = encode === b64 ? 'base64' : 'base64url'
        const fragment = stableBase64(SECRET, offset, encoding)
        expect(fragment.length).toBeGreaterThanOrEqual(MIN_SCANNED_LENGTH)
        // Prefixes of `offset` bytes modulo 3, any suffix.
        for (const prefix of [0, 3, 6].map((n) =>
          'q:'.repeat(9).slice(0, n + offset)
        )) {
          for (const suffix of ['', 'x', 'yz', '@host\n']) {
            expect(encode(prefix + SECRET + suffix)).toContain(fragment)
          }
        }
      }
    }
  )

  it('leaves out base64 fragments shorter than the minimum', () => {
    const base64 = (secret: string) =>
      encodedForms(secret)
        .filter((f) => f.form === 'base64' || f.form === 'base64url')
        .map((f) => f.text)
    const lengths = base64('abcdefgh').map((text) => text.length)
    expect(lengths.length).toBeGreaterThanOrEqual(3)
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(MIN_SCANNED_LENGTH)
    // A short secret keeps only its whole encoding, as expectNoSecrets did.
    expect(base64('abc')).toEqual([b64('abc')])
  })
})

describe('findLeaks', () => {
  it('finds the raw secret', () => {
    expect(formsFound(`key is ${SECRET}.`)).toEqual(['raw'])
  })

  it('finds the URL-encoded secret, with upper- and lower-case escapes', () => {
    const encoded = encodeURIComponent(SECRET)
    expect(encoded).toContain('%2F')
    expect(formsFound(`https://x.test/?sk=${encoded}&a=1`)).toEqual([
      'url-encoded'
    ])
    expect(formsFound(`?sk=${encoded.toLowerCase()}`)).toEqual(['url-encoded'])
  })

  /** Where base64 and base64url agree (no '+' or '/'), either label may be given. */
  const BASE64_FORMS = ['base64', 'base64url']

  it.each([
    ['the secret alone', SECRET],
    ["'user:' + secret (offset 2)", `user:${SECRET}`],
    ["'u:' + secret (offset 2)", `u:${SECRET}`],
    ["'a' + secret (offset 1)", `a${SECRET}`],
    ["'ab:' + secret (offset 0)", `ab:${SECRET}`],
    ["'me:' + secret + '@host' (offset 0, unaligned end)", `me:${SECRET}@host`],
    ["'admin:' + secret + newline", `admin:${SECRET}\n`],
    ['secret + newline', `${SECRET}\n`]
  ])('finds base64 and base64url of %s', (_name, plain) => {
    for (const text of [
      `Authorization: Basic ${b64(plain)}`,
      `token=${b64url(plain)};`
    ]) {
      const found = formsFound(text)
      expect(found.length).toBeGreaterThan(0)
      expect(found.filter((f) => !BASE64_FORMS.includes(f))).toEqual([])
      expect(failsExpectNoSecrets(text)).toBe(true)
    }
  })

  it.each([
    ["'user:' + secret", `user:${SECRET}`],
    ["'a' + secret", `a${SECRET}`],
    ["'me:' + secret + '@host'", `me:${SECRET}@host`]
  ])(
    'finds base64 of %s, which the plain base64 of the secret does not match',
    (_name, plain) => {
      const text = b64(plain)
      // What the scan looked for before it knew of offsets and endings.
      expect(text).not.toContain(b64(SECRET))
      expect(text).not.toContain(b64url(SECRET))
      expect(formsFound(text)).toEqual(['base64'])
    }
  )

  it('finds base64 of a short secret at every offset, from the minimum length on', () => {
    const short = 'p4ss/w+d'
    expect(short).toHaveLength(MIN_SCANNED_LENGTH)
    for (const prefix of ['', 'u', 'us', 'usr:', 'user:']) {
      for (const encode of [b64, b64url]) {
        const found = formsFound(`${encode(prefix + short)}\n`, short)
        expect(found.length).toBeGreaterThan(0)
        expect(found.filter((f) => !BASE64_FORMS.includes(f))).toEqual([])
      }
    }
  })

  it('finds nothing in a clean text, or in the base64 of other secrets', () => {
    const clean = [
      'HSS image size gate: pass',
      'Authorization: SDK-HMAC-SHA256 Access=AK0000, Signature=00ff',
      b64(`user:${SECRET.replace('secret', 'Secret')}`),
      b64url('sk/e2e+query=other-0123456789~~~f'),
      encodeURIComponent('sk/e2e+query=secret'),
      SECRET.slice(0, -1)
    ].join('\n')
    expect(findLeaks({ clean }, { key: SECRET })).toEqual([])
    expect(failsExpectNoSecrets(clean)).toBe(false)
  })

  it('skips secrets shorter than the minimum, which would match ordinary words', () => {
    expect(findLeaks({ text: 'auth-token tok' }, { key: 'tok' })).toEqual([])
  })

  it('names the secret, the form and the place, one leak per form and place', () => {
    expect(
      findLeaks(
        {
          stdout: `${b64(`a${SECRET}`)} ${b64(`ab${SECRET}`)} ${b64(SECRET)}`,
          'comment 1': encodeURIComponent(SECRET)
        },
        { 'secret-key': SECRET }
      )
    ).toEqual([
      { secret: 'secret-key', form: 'base64', where: 'stdout' },
      { secret: 'secret-key', form: 'url-encoded', where: 'comment 1' }
    ])
  })
})

describe('expectNoSecrets', () => {
  it.each([
    ['raw', SECRET],
    ['URL-encoded', encodeURIComponent(SECRET)],
    ['base64 of user:secret', b64(`user:${SECRET}`)],
    ['base64url of x + secret', b64url(`x${SECRET}`)],
    ['base64 of secret + newline', b64(`${SECRET}\n`)]
  ])('fails on the %s form', (_name, text) => {
    expect(failsExpectNoSecrets(`before ${text} after`)).toBe(true)
  })

  it('passes a clean text', () => {
    expect(failsExpectNoSecrets('nothing to see: ***')).toBe(false)
  })
})
