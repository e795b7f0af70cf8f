/**
 * Finding credentials where a user could see them. Free of Jest, so that
 * `scripts/reliability.ts` counts leaks with the same rules the tests apply.
 */

/** The forms in which a secret could leak: raw, URL-encoded and base64. */
export function secretForms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url')
    ])
  ]
}

export interface Leak {
  /** What the secret is, e.g. 'secret-key' or 'HUAWEI_CLOUD_SECRET_ACCESS_KEY'. */
  secret: string
  form: 'raw' | 'url-encoded' | 'base64' | 'base64url'
  /** Where it was found, e.g. 'stdout' or 'comment 1'. */
  where: string
}

/**
 * Shorter values are left out of the automatic scans: a test that passes
 * 'tok' as a token would otherwise "find" it in the word "auth-token".
 */
export const MIN_SCANNED_LENGTH = 8

/** Every form of every named secret found in every named text. */
export function findLeaks(
  texts: Record<string, string>,
  secrets: Record<string, string>
): Leak[] {
  const leaks: Leak[] = []
  for (const [name, value] of Object.entries(secrets)) {
    if (value.length < MIN_SCANNED_LENGTH) continue
    const forms: Array<[Leak['form'], string]> = [
      ['raw', value],
      ['url-encoded', encodeURIComponent(value)],
      ['base64', Buffer.from(value).toString('base64')],
      ['base64url', Buffer.from(value).toString('base64url')]
    ]
    for (const [where, text] of Object.entries(texts)) {
      const seen = new Set<string>()
      for (const [form, encoded] of forms) {
        if (seen.has(encoded)) continue
        seen.add(encoded)
        if (text.includes(encoded)) leaks.push({ secret: name, form, where })
      }
    }
  }
  return leaks
}
