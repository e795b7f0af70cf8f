import { expect } from '@jest/globals'

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

/** Fails the test when any form of any secret appears in `text`. */
export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of secretForms(secret)) {
      expect(text.includes(form) ? form : undefined).toBeUndefined()
    }
  }
}
