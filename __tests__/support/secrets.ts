import { expect } from '@jest/globals'

import type { Emulator } from './hss-emulator.js'
import { secretForms } from './leaks.js'
import { runAction, type RunOptions, type RunResult } from './run-action.js'

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

/**
 * Runs the bundled action with debug logging on (ACTIONS_STEP_DEBUG=true)
 * unless `options.debug` says otherwise, and fails the test when any form of
 * any of `secrets` shows in what the user could see: stdout, stderr, the
 * summary and the outputs, plus the texts of `options.alsoScan`. runAction
 * itself scans for the credentials the run was given; `secrets` adds the
 * suite's others (e.g. a security token the run did not use).
 */
export async function runScanned(
  options: RunOptions,
  secrets: string[]
): Promise<RunResult> {
  const run = await runAction({ debug: true, ...options })
  expectNoSecrets(run.everything, secrets)
  for (const text of Object.values(options.alsoScan?.() ?? {})) {
    expectNoSecrets(text, secrets)
  }
  return run
}

/**
 * One step against the emulator `hss`, signed with its first credential,
 * its region and project given, `inputs` on top; scanned as runScanned does.
 */
export function runAgainst(
  hss: Emulator,
  inputs: Record<string, string>,
  secrets: string[]
): Promise<RunResult> {
  const [credential] = hss.credentials
  return runScanned(
    {
      inputs: {
        region: hss.region,
        'project-id': hss.projectId,
        'access-key': credential?.accessKey ?? '',
        'secret-key': credential?.secretKey ?? '',
        endpoint: hss.url,
        ...inputs
      }
    },
    secrets
  )
}
