/**
 * `npm run reliability`: the figures of the README's "Reliability" section.
 *
 * Runs, against the loopback HSS emulator and GitHub stand-in, the bundled
 * action (dist/, so `npm run build` after changing src/) through every fault
 * scenario and every hostile input of the test suite (the same definitions,
 * from __tests__/support/), then generated input sets: in this process
 * through readSettings, and through the bundled action. Every run is scanned
 * for the credentials it was given, in every encoding, wherever a user could
 * see them. Prints a Markdown table; exits 1 if a secret was found, an error
 * went unhandled or a scenario did not hold.
 *
 *   npm run reliability -- [--seed N] [--runs N] [--property-runs N]
 */

import { InputError } from '../src/errors.js'
import { readSettings } from '../src/inputs.js'
import fc from 'fast-check'

import {
  FAULT_SCENARIOS,
  playScenario,
  problemsWith,
  unhandledErrors
} from '../__tests__/support/fault-scenarios.js'
import { HOSTILE_SCENARIOS } from '../__tests__/support/hostile-cases.js'
import {
  fallbackEnvs,
  fuzzThroughAction,
  INPUT_ERROR,
  readSettingsSets,
  setInputs
} from '../__tests__/support/input-fuzz.js'
import { staleBundleWarning } from './stale-bundle.js'

interface Options {
  seed: number
  runs: number
  propertyRuns: number
}

function readOptions(argv: string[]): Options {
  const value = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`)
    const text = at === -1 ? undefined : argv[at + 1]
    const n = Number(text ?? fallback)
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new Error(`--${name} expects a whole number, not ${text}`)
    }
    return n
  }
  return {
    seed: value('seed', Date.now() % 2 ** 31),
    runs: value('runs', 100),
    propertyRuns: value('property-runs', 5000)
  }
}

/** Maps with at most `limit` calls at once, keeping the order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>
): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++
        results[index] = await fn(items[index] as T)
      }
    })
  )
  return results
}

interface Failure {
  where: string
  problems: string[]
}

async function main(): Promise<number> {
  const options = readOptions(process.argv.slice(2))
  const started = Date.now()
  const stale = staleBundleWarning()
  if (stale) console.warn(`warning: ${stale}`)
  const failures: Failure[] = []
  let secrets = 0
  let unhandled = 0

  // Faults: the network and the service misbehaving.
  const faults = await mapLimit(FAULT_SCENARIOS, 8, async (scenario) => {
    const outcome = await playScenario(scenario)
    secrets += outcome.run.leaks.length
    unhandled += unhandledErrors(outcome.run).length
    return { name: scenario.name, problems: problemsWith(scenario, outcome) }
  })
  const faultsSurvived = faults.filter((f) => f.problems.length === 0).length
  for (const f of faults) {
    if (f.problems.length > 0) {
      failures.push({ where: `fault: ${f.name}`, problems: f.problems })
    }
  }

  // Hostile input: ids, names and tags, endpoints, credentials.
  const hostile = await mapLimit(HOSTILE_SCENARIOS, 8, async (scenario) => {
    const { run, problems } = await scenario.play()
    secrets += run.leaks.length
    unhandled += unhandledErrors(run).length
    return { name: scenario.name, problems }
  })
  const hostileHandled = hostile.filter((h) => h.problems.length === 0).length
  for (const h of hostile) {
    if (h.problems.length > 0) {
      failures.push({ where: `hostile: ${h.name}`, problems: h.problems })
    }
  }

  // Generated input sets, in this process: Settings or one InputError line.
  const saved = { ...process.env }
  const sets = fc.sample(fc.tuple(readSettingsSets, fallbackEnvs), {
    seed: options.seed,
    numRuns: options.propertyRuns
  })
  let accepted = 0
  let refused = 0
  for (const [inputs, env] of sets) {
    setInputs(inputs)
    try {
      readSettings(env)
      accepted++
    } catch (error) {
      const oneLine =
        error instanceof InputError &&
        !/[\r\n]/.test(error.message) &&
        INPUT_ERROR.exec(error.message)?.[1] === error.input
      if (oneLine) {
        refused++
      } else {
        unhandled++
        failures.push({
          where: `readSettings(${JSON.stringify(inputs)})`,
          problems: [String(error)]
        })
      }
    }
  }
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_')) delete process.env[name]
  }
  Object.assign(process.env, saved)

  // Generated input sets, through the bundled action.
  const fuzzed = await fuzzThroughAction({
    seed: options.seed,
    numRuns: options.runs,
    concurrency: 6
  })
  for (const run of fuzzed) {
    secrets += run.leaks.length
    unhandled += run.unhandled.length
    if (run.problems.length > 0) {
      failures.push({
        where: `generated inputs ${JSON.stringify(run.inputs)}`,
        problems: run.problems
      })
    }
  }
  const fuzzPassed = fuzzed.filter((r) => r.exitCode === 0).length

  const seconds = ((Date.now() - started) / 1000).toFixed(0)
  const n = (x: number) => x.toLocaleString('en-US')
  const rows: Array<[string, string]> = [
    [
      'Scenarios run',
      `${n(FAULT_SCENARIOS.length + HOSTILE_SCENARIOS.length + fuzzed.length)} runs of the bundled action: ${FAULT_SCENARIOS.length} fault scenarios, ${HOSTILE_SCENARIOS.length} hostile-input scenarios, ${n(fuzzed.length)} generated input sets`
    ],
    [
      'Faults survived',
      `${faultsSurvived} of ${FAULT_SCENARIOS.length} (outcome, request count and time bound as specified)`
    ],
    [
      'Hostile inputs handled',
      `${hostileHandled} of ${HOSTILE_SCENARIOS.length} (queried exactly and rendered inert, or refused with one line)`
    ],
    [
      'Inputs tried',
      `${n(sets.length)} input sets through readSettings (${n(accepted)} accepted, ${n(refused)} refused with one line) and ${n(fuzzed.length)} through the bundled action (${n(fuzzPassed)} passed); fast-check seed ${options.seed}`
    ],
    ['Secrets found', String(secrets)],
    ['Unhandled errors', String(unhandled)]
  ]
  console.log('| Figure | Result |')
  console.log('| --- | --- |')
  for (const [figure, result] of rows) console.log(`| ${figure} | ${result} |`)
  console.log(
    `\nReproduce: npm run build && npm run reliability -- --seed ${options.seed} --runs ${options.runs} --property-runs ${options.propertyRuns} (${seconds} s here)`
  )

  if (failures.length > 0) {
    console.log(`\n${failures.length} failure(s):`)
    for (const failure of failures) {
      console.log(`- ${failure.where}`)
      for (const problem of failure.problems) console.log(`  - ${problem}`)
    }
  }
  return secrets > 0 || unhandled > 0 || failures.length > 0 ? 1 : 0
}

process.exitCode = await main()
