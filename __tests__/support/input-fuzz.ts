/**
 * Generated input sets for the property tests: every input of action.yml,
 * each either left at a working value or replaced by something plausible,
 * malformed or hostile. Shared by `__tests__/unit/inputs.property.test.ts`,
 * `__tests__/e2e/hostile.test.ts` and `scripts/reliability.ts`.
 */
import fc from 'fast-check'

import {
  ACCESS_KEY,
  baseInputs,
  GITHUB_TOKEN,
  IAM_TOKEN,
  IMAGE,
  pullRequestEvent,
  SECRET_KEY,
  SECRETS,
  SECURITY_TOKEN,
  startScenarioEmulator,
  unhandledErrors
} from './fault-scenarios.js'
import { startGitHubServer } from './github-server.js'
import type { Emulator } from './hss-emulator.js'
import type { Leak } from './leaks.js'
import {
  inputEnv,
  readActionYml,
  runAction,
  type RunResult
} from './run-action.js'

export const INPUT_NAMES: string[] = Object.keys(readActionYml().inputs)

/** Strings that have broken parsers before, or might. */
const NASTY = [
  '',
  ' ',
  '\n',
  '\t \r\n',
  '0',
  '-0',
  '-1',
  '00',
  '1e3',
  '0x10',
  'NaN',
  'Infinity',
  '9007199254740993',
  '999999999999999999999999999999',
  '1.',
  '.5',
  '1,000',
  '1,,000',
  '１２３',
  '٣',
  '10 GB',
  '10GiB',
  '1.5kB',
  '0.0001B',
  '5%',
  '-5%',
  '100%',
  '1e400%',
  '%',
  '1h1h',
  '1m1h',
  '25h',
  '500 ms',
  'true',
  'TRUE',
  'yes',
  'null',
  'undefined',
  '[]',
  '{}',
  '__proto__',
  'constructor',
  'toString',
  '${{ secrets.X }}',
  '<script>alert(1)</script>',
  '|',
  '`',
  ']]>',
  '-->',
  'a\nb',
  'a,b',
  ',,,',
  '\n\n,',
  '..',
  '.',
  '/',
  '\\',
  '%00',
  '%2F',
  '\u0000',
  '\u202e',
  '\uFEFF',
  '🚀',
  'x'.repeat(300),
  'x'.repeat(5000)
]

/** Anything at all, NUL excepted: the runner cannot pass one in a variable. */
export const anyText: fc.Arbitrary<string> = fc
  .oneof(
    { arbitrary: fc.constantFrom(...NASTY), weight: 3 },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          fc.array(fc.constantFrom(...NASTY), { maxLength: 4 }),
          fc.constantFrom('', ',', '\n', ' ')
        )
        .map(([parts, separator]) => parts.join(separator)),
      weight: 1
    }
  )
  .map((text) => text.replace(/\0/g, ''))

/** Plausible values per input: right, nearly right, or wrong in a usual way. */
function plausible(name: string): string[] {
  switch (name) {
    case 'image-id':
    case 'baseline-image-id':
      return ['111', '111, 222', '111\n111\n', 'sha256:0b08c2b4', 'nope']
    case 'image-type':
      return ['cicd', 'private_image', 'CICD', 'docker']
    case 'namespace':
    case 'image-name':
    case 'tag-name':
      return ['', 'scc_hss_container', 'proxy-agent', '24.5.0-x86_64']
    case 'enterprise-project-id':
      return ['', '0', 'all_granted_eps', 'a b']
    case 'region':
      return ['cn-north-4', 'eu-west-101', 'xx-nowhere-9', 'CN-NORTH-4']
    case 'project-id':
      return ['', '0123456789abcdef0123456789abcdef', 'a b']
    case 'request-timeout':
    case 'timeout':
    case 'wait-for-scan':
      return ['0', '500ms', '1s', '1m30s', '24h', '25h', 'soon']
    case 'max-retries':
    case 'concurrency':
      return ['0', '1', '3', '10', '11', '64', '65', '-1']
    case 'summary':
    case 'fail-on-threshold':
      return ['true', 'false', 'yes', 'off', 'maybe']
    case 'max-size':
    case 'warn-size':
      return ['', '1GB', '1.5GB', '500MiB', '12XB', '1.5', '0']
    case 'max-files':
    case 'warn-files':
      return ['', '20000', '20,000', '2.5', '-1']
    case 'max-size-increase':
    case 'warn-size-increase':
    case 'max-files-increase':
    case 'warn-files-increase':
      return ['', '5%', '2.5%', '20MB', '100', '-5%', '%']
    case 'comment':
      return ['auto', 'never', 'always', 'sometimes']
    case 'comment-when':
      return ['always', 'warn', 'fail', 'pass']
    case 'pr-number':
      return ['', '7', '0', '07', '12345678901']
    case 'endpoint':
    case 'iam-endpoint':
      return [
        '',
        'http://127.0.0.1:1',
        'http://hss.example.com',
        'https://user:pw@hss.example.com',
        'hss'
      ]
    default:
      return ['']
  }
}

/**
 * A whole input set: `base` with up to `mutations` inputs replaced by
 * plausible or arbitrary values. `fixed` inputs are never replaced (the
 * end-to-end runs keep endpoints on loopback); `choices` overrides the
 * plausible values of an input.
 */
export function inputSets(
  base: Record<string, string>,
  options: {
    mutations?: number
    fixed?: string[]
    choices?: Record<string, string[]>
  } = {}
): fc.Arbitrary<Record<string, string>> {
  const names = INPUT_NAMES.filter((n) => !options.fixed?.includes(n))
  const valueFor = (name: string): fc.Arbitrary<string> => {
    const choices = options.choices?.[name]
    return choices
      ? fc.constantFrom(...choices)
      : fc.oneof(fc.constantFrom(...plausible(name)), anyText)
  }
  return fc
    .uniqueArray(fc.constantFrom(...names), {
      minLength: 0,
      maxLength: options.mutations ?? 4
    })
    .chain((chosen) =>
      fc.tuple(...chosen.map((name) => valueFor(name))).map((values) => {
        const inputs = { ...base }
        chosen.forEach((name, i) => (inputs[name] = values[i] ?? ''))
        return inputs
      })
    )
}

/** In-process input sets start here: loopback endpoints, the known keys. */
export const READ_SETTINGS_BASE: Record<string, string> = {
  'image-id': '111',
  region: 'cn-north-4',
  'project-id': '0123456789abcdef0123456789abcdef',
  'access-key': ACCESS_KEY,
  'secret-key': SECRET_KEY,
  endpoint: 'http://127.0.0.1:8080',
  'iam-endpoint': 'http://127.0.0.1:8080'
}

/**
 * Whole input sets for readSettings, any input replaced by anything (nothing
 * is sent anywhere), the credentials drawn from the known secrets so that a
 * message quoting one can be recognised.
 */
export const readSettingsSets: fc.Arbitrary<Record<string, string>> = inputSets(
  READ_SETTINGS_BASE,
  { mutations: 6 }
).chain((inputs) =>
  fc
    .record(
      {
        'security-token': fc.constantFrom('', SECURITY_TOKEN),
        'auth-token': fc.constantFrom('', IAM_TOKEN),
        'github-token': fc.constantFrom('', GITHUB_TOKEN)
      },
      { requiredKeys: [] }
    )
    .map((secrets) => ({ ...secrets, ...inputs }))
)

/** Environment fallbacks, as huaweicloud/auth-action or the SDKs set them. */
export const fallbackEnvs: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    HUAWEI_CLOUD_REGION: fc.oneof(fc.constant('cn-north-4'), anyText),
    HUAWEI_CLOUD_PROJECT_ID: anyText,
    HUAWEI_CLOUD_ACCESS_KEY_ID: fc.oneof(fc.constant(ACCESS_KEY), anyText),
    HUAWEI_CLOUD_SECRET_ACCESS_KEY: fc.oneof(fc.constant(SECRET_KEY), anyText),
    HUAWEICLOUD_SDK_SECURITY_TOKEN: fc.oneof(
      fc.constant(SECURITY_TOKEN),
      anyText
    ),
    HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4: anyText
  },
  { requiredKeys: [] }
)

/**
 * Sets the inputs in this process as the runner would: every declared one
 * as INPUT_*, action.yml's defaults applied, NUL dropped (the environment
 * cannot hold one).
 */
export function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputEnv(inputs, GITHUB_TOKEN))) {
    process.env[name] = value.replace(/\0/g, '')
  }
}

/** The one line an input error gives: `Input 'name' has an invalid value …`. */
export const INPUT_ERROR = /^Input '([^']+)' has an invalid value /

/**
 * What breaks the promise for a generated input set run through the bundled
 * action: exit 0 or 1; no stack trace or unhandled error; every error on one
 * line; and an input error is one error naming a declared input, with no
 * request sent anywhere.
 */
export function problemsWithFuzzRun(
  run: RunResult,
  requestsSent: number
): string[] {
  const problems: string[] = []
  if (run.exitCode !== 0 && run.exitCode !== 1) {
    problems.push(`exit code ${run.exitCode}`)
  }
  problems.push(...unhandledErrors(run).map((line) => `unhandled: ${line}`))
  const errors = run.annotations.filter((a) => a.level === 'error')
  for (const error of errors) {
    if (/[\r\n]/.test(error.message)) {
      problems.push(
        `an error spans several lines: ${JSON.stringify(error.message)}`
      )
    }
  }
  const inputError = errors
    .map((e) => INPUT_ERROR.exec(e.message))
    .find((m) => m !== null)
  if (inputError) {
    if (errors.length !== 1) {
      problems.push(
        `an input error came with ${errors.length - 1} other error(s)`
      )
    }
    if (!INPUT_NAMES.includes(inputError[1] ?? '')) {
      problems.push(`the error names '${inputError[1]}', which is not an input`)
    }
    if (requestsSent > 0) {
      problems.push(
        `${requestsSent} request(s) were sent despite the input error`
      )
    }
    if (run.exitCode !== 1)
      problems.push('an input error did not fail the step')
  } else if (run.exitCode === 1 && errors.length === 0) {
    problems.push('failed without an error annotation')
  }
  for (const leak of run.leaks) {
    problems.push(`the ${leak.secret} leaked (${leak.form}) in ${leak.where}`)
  }
  return problems
}

export interface FuzzRun {
  inputs: Record<string, string>
  exitCode: number | null
  problems: string[]
  leaks: Leak[]
  unhandled: string[]
}

/** Endpoints the generated sets may use: the emulator, or refused forms. */
function loopbackOrRefused(url: string): string[] {
  return [
    url,
    url,
    url,
    'http://hss.example.com',
    'https://user:pw@hss.example.com',
    'hss',
    'javascript:alert(1)'
  ]
}

/**
 * Runs `numRuns` input sets generated from `seed` through the bundled action,
 * `concurrency` at a time, each worker on servers of its own. The endpoints
 * stay on loopback (or are refused): a generated set never reaches a real
 * host.
 */
export async function fuzzThroughAction(options: {
  seed: number
  numRuns: number
  concurrency?: number
}): Promise<FuzzRun[]> {
  const workers = Math.max(
    1,
    Math.min(options.concurrency ?? 4, options.numRuns)
  )
  const images = [
    IMAGE,
    { id: '222', totalFilesNum: 2, totalFilesSize: 2000 },
    { id: 'sha256:0b08c2b4', imageType: 'private_image' },
    { id: '111', imageType: 'private_image' }
  ]
  // One list of sets for the seed, whatever the concurrency.
  // Never blank: a blank endpoint means the region's real one.
  const sets = fc.sample(
    inputSets(baseInputs(PLACEHOLDER), {
      mutations: 4,
      choices: {
        endpoint: loopbackOrRefused(PLACEHOLDER.url),
        'iam-endpoint': loopbackOrRefused(PLACEHOLDER.url)
      }
    }),
    { seed: options.seed, numRuns: options.numRuns }
  )

  const results: FuzzRun[] = new Array(sets.length)
  let next = 0
  await Promise.all(
    Array.from({ length: workers }, async () => {
      const hss = await startScenarioEmulator(images)
      const github = await startGitHubServer({ token: GITHUB_TOKEN })
      try {
        while (next < sets.length) {
          const index = next++
          const generated = sets[index] ?? {}
          // The placeholder stands for whichever emulator runs the set.
          const inputs = Object.fromEntries(
            Object.entries(generated).map(([name, value]) => [
              name,
              value.split(PLACEHOLDER.url).join(hss.url)
            ])
          )
          hss.reset()
          const before = github.requests.length
          const run = await runAction({
            inputs,
            event: pullRequestEvent(),
            githubApiUrl: github.url,
            githubToken: GITHUB_TOKEN,
            // Belt and braces: were a set ever to name a real https host,
            // the request would die at this closed loopback port.
            env: {
              HTTPS_PROXY: 'http://127.0.0.1:9',
              https_proxy: 'http://127.0.0.1:9'
            },
            debug: true,
            secrets: SECRETS,
            allowLeaks: true,
            alsoScan: () =>
              Object.fromEntries(
                github.requests
                  .slice(before)
                  .map((r, i) => [
                    `GitHub request ${i + 1}`,
                    JSON.stringify(r.body ?? '')
                  ])
              )
          })
          const sent = hss.requests.length + github.requests.length - before
          results[index] = {
            inputs: generated,
            exitCode: run.exitCode,
            problems: problemsWithFuzzRun(run, sent),
            leaks: run.leaks,
            unhandled: unhandledErrors(run)
          }
        }
      } finally {
        await Promise.all([hss.close(), github.close()])
      }
    })
  )
  return results
}

/** Stands in for the emulator's address while the sets are generated. */
const PLACEHOLDER = {
  url: 'http://127.0.0.1:65535',
  region: 'cn-north-4',
  projectId: '0123456789abcdef0123456789abcdef'
} as Emulator
