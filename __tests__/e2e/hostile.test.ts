/**
 * Hostile and malformed input through the bundled action: ids, namespaces
 * and tags built to break the Markdown, the HTML, the URL or the signature;
 * endpoints that would send credentials in clear or to the wrong place; and
 * generated input sets. The summary and the comment are rendered to HTML
 * and inspected (see ../support/inert.ts). The cases live in
 * ../support/hostile-cases.ts and ../support/input-fuzz.ts, shared with
 * `npm run reliability`.
 */
import { describe, expect, it } from '@jest/globals'

import { HOSTILE_SCENARIOS } from '../support/hostile-cases.js'
import { fuzzThroughAction } from '../support/input-fuzz.js'

describe('hostile input', () => {
  it.concurrent.each(HOSTILE_SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const { problems } = await scenario.play()

      expect(problems).toEqual([])
    },
    30_000
  )
})

describe('generated input sets', () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31)
  const numRuns = Number(process.env.FUZZ_RUNS ?? 25)

  it(`end in success or one line naming the input, never a stack trace (seed ${seed}, ${numRuns} sets)`, async () => {
    const runs = await fuzzThroughAction({ seed, numRuns })

    const failures = runs
      .filter((run) => run.problems.length > 0)
      .map((run) => ({ inputs: run.inputs, problems: run.problems }))
    expect(failures).toEqual([])
    expect(runs).toHaveLength(numRuns)
  }, 120_000)
})
