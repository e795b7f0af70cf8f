import { expect } from '@jest/globals'

import { secretForms } from './leaks.js'

export { secretForms }

/**
 * Fails the test when any form of any secret appears in `text`: raw,
 * URL-encoded, or base64 / base64url at any byte offset (see
 * `encodedForms` in ./leaks.ts). The failure names the form found.
 */
export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    if (!secret) continue
    for (const form of secretForms(secret)) {
      expect(text.includes(form) ? form : undefined).toBeUndefined()
    }
  }
}
