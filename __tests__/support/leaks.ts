/**
 * Finding credentials where a user could see them. Free of Jest, so that
 * `scripts/reliability.ts` counts leaks with the same rules the tests apply.
 */

export type LeakForm = 'raw' | 'url-encoded' | 'base64' | 'base64url'

/** One text to look for, and what it stands for. */
export interface SecretForm {
  form: LeakForm
  text: string
  /**
   * For base64 forms: how many bytes (0, 1 or 2) preceded the secret in the
   * encoded string, modulo 3. Each shift gives a different encoding.
   */
  offset?: number
}

/**
 * Shorter values are left out of the automatic scans: a test that passes
 * 'tok' as a token would otherwise "find" it in the word "auth-token".
 * Base64 fragments shorter than this are not searched either.
 */
export const MIN_SCANNED_LENGTH = 8

/**
 * The part of the base64 (or base64url) encoding of `secret` that is the same
 * whatever surrounds it, when the secret starts `offset` bytes (0, 1 or 2,
 * modulo 3) into the encoded string: offset 2 for the password in
 * base64('user:' + password), as in a Basic Authorization header, and 0 for
 * a secret encoded alone or after 'me:'.
 *
 * Base64 turns 3 bytes into 4 characters. The characters that mix bits of
 * the bytes before the secret (the first ceil(8·offset/6)) or after it (the
 * last one, when the secret does not end on a 3-byte boundary) change with
 * the surroundings and are dropped, as is the padding.
 */
export function stableBase64(
  secret: string,
  offset: number,
  encoding: 'base64' | 'base64url' = 'base64'
): string {
  const bytes = Buffer.concat([Buffer.alloc(offset, 0x78), Buffer.from(secret)])
  let text = bytes.toString(encoding).replace(/=+$/, '')
  if (bytes.length % 3 !== 0) text = text.slice(0, -1)
  return text.slice(Math.ceil((8 * offset) / 6))
}

/**
 * The forms in which a secret could leak: raw, URL-encoded (with upper- and
 * lower-case escapes), and base64 and base64url at each of the three byte
 * offsets. Base64 fragments shorter than MIN_SCANNED_LENGTH are left out;
 * for such a short secret the plain base64 of the whole secret stands in.
 * Where base64 and base64url agree (no '+' or '/'), one form is kept, named
 * base64.
 */
export function encodedForms(secret: string): SecretForm[] {
  const url = encodeURIComponent(secret)
  const forms: SecretForm[] = [
    { form: 'raw', text: secret },
    { form: 'url-encoded', text: url },
    {
      form: 'url-encoded',
      text: url.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())
    }
  ]
  for (const encoding of ['base64', 'base64url'] as const) {
    for (const offset of [0, 1, 2]) {
      const text = stableBase64(secret, offset, encoding)
      if (text.length >= MIN_SCANNED_LENGTH) {
        forms.push({ form: encoding, text, offset })
      } else if (offset === 0) {
        const whole = Buffer.from(secret).toString(encoding)
        forms.push({ form: encoding, text: whole, offset })
      }
    }
  }
  const seen = new Set<string>()
  return forms.filter(({ text }) => {
    if (text === '' || seen.has(text)) return false
    seen.add(text)
    return true
  })
}

/** The texts of `encodedForms`, without duplicates. */
export function secretForms(secret: string): string[] {
  return encodedForms(secret).map((form) => form.text)
}

export interface Leak {
  /** What the secret is, e.g. 'secret-key' or 'HUAWEI_CLOUD_SECRET_ACCESS_KEY'. */
  secret: string
  form: LeakForm
  /** Where it was found, e.g. 'stdout' or 'comment 1'. */
  where: string
}

/** Every form of every named secret found in every named text. */
export function findLeaks(
  texts: Record<string, string>,
  secrets: Record<string, string>
): Leak[] {
  const leaks: Leak[] = []
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SCANNED_LENGTH) continue
    const forms = encodedForms(value)
    for (const [where, text] of Object.entries(texts)) {
      // One leak per form and place: three shifts of base64 are one form.
      const found = new Set<LeakForm>()
      for (const { form, text: encoded } of forms) {
        if (!found.has(form) && text.includes(encoded)) {
          found.add(form)
          leaks.push({ secret: name, form, where })
        }
      }
    }
  }
  return leaks
}
