/**
 * What the network and the service throw at the step, through the bundled
 * action against the emulator: each scenario asserts the outcome, the number
 * of requests the emulator received, the time bound, the summary and the
 * comment, that no credential shows anywhere, and that nothing went
 * unhandled. The scenarios live in ../support/fault-scenarios.ts, shared with
 * `npm run reliability`.
 */
import { describe, expect, it } from '@jest/globals'

import {
  FAULT_SCENARIOS,
  playScenario,
  problemsWith
} from '../support/fault-scenarios.js'

describe('faults', () => {
  // Each scenario has servers of its own, so they run side by side.
  it.concurrent.each(FAULT_SCENARIOS.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, scenario) => {
      const outcome = await playScenario(scenario)

      expect(problemsWith(scenario, outcome)).toEqual([])
    },
    30_000
  )
})
