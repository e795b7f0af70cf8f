/**
 * Values a user (or whoever controls a workflow's inputs) could hand the
 * step to break out of the Markdown, the HTML, the URL path, the query or
 * the signature. Shared by `__tests__/e2e/hostile.test.ts` and
 * `scripts/reliability.ts`.
 */
import {
  baseInputs,
  GITHUB_TOKEN,
  IMAGE,
  OWNER,
  pullRequestEvent,
  PR,
  REPO,
  SECRETS,
  startScenarioEmulator,
  unhandledErrors
} from './fault-scenarios.js'
import {
  githubTexts,
  startGitHubServer,
  type GitHubServer
} from './github-server.js'
import type { Emulator, EmulatorImage } from './hss-emulator.js'
import { inertProblems } from './inert.js'
import { runAction, type RunResult } from './run-action.js'

/**
 * CI/CD image ids that the step accepts (no '/', '\', control characters or
 * commas, which split the list), each of which must be queried under its own
 * exact name and shown as plain text.
 */
export const HOSTILE_IDS: string[] = [
  'a|b|c',
  '`$(id)` ``rm -rf``',
  '<script>alert(1)',
  '<img src=x onerror=alert(1)>',
  'x]]><!-- -->',
  '**bold** _it_ [l](javascript:alert(1)) ![i](x)',
  '@octocat #1 www.example.com x@evil.example mailto:x@evil.example',
  '%2e%2e %2F %00 ?q=1#frag&x=y +plus',
  '镜像 ünïcode 🚀 \u202etxt.exe',
  '$Huge{x}$ :tada: ~~s~~ &amp; &#124;',
  `${'L'.repeat(240)}<b>|\`]]>`
]

/**
 * A registry image whose id, namespace, name and tag are all hostile; the
 * query must carry them exactly and the summary must show them as text.
 */
export const HOSTILE_REGISTRY_IMAGE: Required<
  Pick<EmulatorImage, 'id' | 'namespace' | 'imageName' | 'tagName'>
> = {
  id: 'sha256:<svg onload=alert(1)>',
  namespace: 'ns|<script>alert(1)</script>',
  imageName: '`img`]]>**x**/@team www.example.com',
  tagName: `v1+build &amp; <b>b</b> #2 https://evil.example/?q=1&x=%20 ${'T'.repeat(180)}`
}

export interface RejectedInput {
  /** What is wrong, for the test name. */
  what: string
  inputs: Record<string, string>
  /** The input the one error line must name. */
  input: string
  /** Text that must not appear anywhere (a password in a URL). */
  secret?: string
}

/**
 * Inputs the step must refuse before any request, with one line naming the
 * input. Endpoints: plain http to anything but loopback, user info, and
 * strings that are not URLs.
 */
export const REJECTED_INPUTS: RejectedInput[] = [
  ...[
    'http://hss.example.com',
    'http://127.0.0.1.nip.io',
    'http://localhost.example.com',
    'http://[::ffff:7f00:1]',
    'http://10.0.0.1:8080',
    'hss.cn-north-4.myhuaweicloud.com',
    '//hss.example.com',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'https://',
    'https://hss.example.com/?region=x',
    'https://hss.example.com/#x'
  ].flatMap((url): RejectedInput[] => [
    { what: `endpoint ${url}`, inputs: { endpoint: url }, input: 'endpoint' },
    {
      what: `iam-endpoint ${url}`,
      inputs: { 'iam-endpoint': url },
      input: 'iam-endpoint'
    }
  ]),
  {
    what: 'a user name and password in the endpoint',
    inputs: { endpoint: 'https://ci-user:Hunter2Password@hss.example.com' },
    input: 'endpoint',
    secret: 'Hunter2Password'
  },
  {
    what: 'a user name and password in the iam-endpoint',
    inputs: { 'iam-endpoint': 'http://admin:Sup3rSecretPw@127.0.0.1:1' },
    input: 'iam-endpoint',
    secret: 'Sup3rSecretPw'
  },
  {
    what: 'an image id that is a dot segment',
    inputs: { 'image-id': '..' },
    input: 'image-id'
  },
  {
    what: 'an image id with a slash',
    inputs: { 'image-id': '<script>alert(1)</script>' },
    input: 'image-id'
  },
  {
    what: 'an image id of 257 characters',
    inputs: { 'image-id': 'x'.repeat(257) },
    input: 'image-id'
  },
  {
    what: 'a baseline id with a backslash',
    inputs: { 'baseline-image-id': '..\\..\\x' },
    input: 'baseline-image-id'
  },
  {
    what: 'a namespace with a line break',
    inputs: {
      'image-type': 'private_image',
      namespace: 'ns\n<script>alert(1)</script>',
      'image-name': 'app',
      'tag-name': 'v1'
    },
    input: 'namespace'
  },
  {
    what: 'a tag of 10,000 characters',
    inputs: {
      'image-type': 'private_image',
      namespace: 'ns',
      'image-name': 'app',
      'tag-name': 'v'.repeat(10_000)
    },
    input: 'tag-name'
  },
  {
    what: 'an access key with a line break in it',
    inputs: { 'access-key': 'AKFIRSTLINE\nX-Injected: 1' },
    input: 'access-key',
    secret: 'AKFIRSTLINE'
  }
]

// ---- playing them -------------------------------------------------------------

export interface HostileScenario {
  name: string
  play(): Promise<{ run: RunResult; problems: string[] }>
}

interface Servers {
  hss: Emulator
  github: GitHubServer
  /** Runs the bundled action on a pull request against these servers. */
  run(
    inputs: Record<string, string>,
    secrets?: Record<string, string>
  ): Promise<RunResult>
  /** The comment bodies on the pull request. */
  comments(): string[]
}

async function withServers<T>(
  images: EmulatorImage[],
  use: (servers: Servers) => Promise<T>,
  prepare: (hss: Emulator) => void = () => undefined
): Promise<T> {
  const hss = await startScenarioEmulator(images)
  const github = await startGitHubServer({ token: GITHUB_TOKEN })
  prepare(hss)
  const comments = () =>
    github.comments(OWNER, REPO, PR).map((comment) => comment.body)
  try {
    return await use({
      hss,
      github,
      comments,
      run: (inputs, secrets = {}) =>
        runAction({
          inputs: { ...baseInputs(hss), ...inputs },
          event: pullRequestEvent(),
          githubApiUrl: github.url,
          githubToken: GITHUB_TOKEN,
          debug: true,
          secrets: { ...SECRETS, ...secrets },
          allowLeaks: true,
          alsoScan: () => githubTexts(github)
        })
    })
  } finally {
    await Promise.all([hss.close(), github.close()])
  }
}

/** Exit code, leaks, unhandled errors and one-line errors: for every run. */
function basicProblems(run: RunResult, exitCode: number): string[] {
  const problems: string[] = []
  if (run.exitCode !== exitCode) {
    problems.push(`exit code ${run.exitCode}, expected ${exitCode}`)
  }
  for (const error of run.annotations.filter((a) => a.level === 'error')) {
    if (/[\r\n]/.test(error.message)) {
      problems.push(`an error spans several lines: ${error.message}`)
    }
  }
  for (const leak of run.leaks) {
    problems.push(`the ${leak.secret} leaked (${leak.form}) in ${leak.where}`)
  }
  for (const line of unhandledErrors(run)) problems.push(`unhandled: ${line}`)
  return problems
}

/** The summary and the one comment render every value as plain text. */
function renderingProblems(
  run: RunResult,
  comments: string[],
  shown: string[]
): string[] {
  const problems = inertProblems(run.summary, shown).map((p) => `summary: ${p}`)
  if (comments.length !== 1) {
    problems.push(`${comments.length} comment(s), expected 1`)
  }
  for (const body of comments) {
    problems.push(...inertProblems(body, shown).map((p) => `comment: ${p}`))
  }
  return problems
}

const FIGURES = { totalFilesNum: 1234, totalFilesSize: 5678 }

function sameEntries(a: object, b: object): boolean {
  const sorted = (o: object) => JSON.stringify(Object.entries(o).sort())
  return sorted(a) === sorted(b)
}

export const HOSTILE_SCENARIOS: HostileScenario[] = [
  {
    name: 'queries hostile CI/CD ids under their exact names, signed, and shows them as plain text',
    play: () =>
      withServers(
        HOSTILE_IDS.map((id) => ({ id, ...FIGURES })),
        async ({ hss, run: gate, comments }) => {
          const run = await gate({
            'image-id': HOSTILE_IDS.join('\n'),
            'warn-size': '1kB',
            'comment-key': '--><script>alert(1)</script><!--'
          })
          const problems = basicProblems(run, 0)
          const queried = hss.requests.map((r) => r.path.split('/')[4] ?? '')
          if (
            JSON.stringify([...queried].sort()) !==
            JSON.stringify([...HOSTILE_IDS].sort())
          ) {
            problems.push(`queried ${JSON.stringify(queried)}`)
          }
          for (const request of hss.requests) {
            if (request.status !== 200) {
              problems.push(`${request.rawUrl} was answered ${request.status}`)
            }
          }
          problems.push(...renderingProblems(run, comments(), HOSTILE_IDS))
          return { run, problems }
        }
      )
  },
  {
    name: 'sends a hostile namespace, name and tag exactly as given, signed, and shows them as plain text',
    play: () =>
      withServers(
        [{ ...HOSTILE_REGISTRY_IMAGE, imageType: 'private_image', ...FIGURES }],
        async ({ hss, run: gate, comments }) => {
          const image = HOSTILE_REGISTRY_IMAGE
          const run = await gate({
            'image-id': image.id,
            'image-type': 'private_image',
            namespace: image.namespace,
            'image-name': image.imageName,
            'tag-name': image.tagName,
            'max-files': '1,000'
          })
          const problems = basicProblems(run, 1)
          const [request] = hss.requests
          const expected = {
            image_type: 'private_image',
            namespace: image.namespace,
            image_name: image.imageName,
            tag_name: image.tagName
          }
          if (hss.requests.length !== 1 || request?.status !== 200) {
            problems.push(
              `requests: ${JSON.stringify(hss.requests.map((r) => r.status))}`
            )
          }
          if (!sameEntries(request?.query ?? {}, expected)) {
            problems.push(
              `the query arrived as ${JSON.stringify(request?.query)}`
            )
          }
          if (request?.path.split('/')[4] !== image.id) {
            problems.push(`the path arrived as ${request?.path}`)
          }
          problems.push(
            ...inertProblems(run.summary, [
              image.id,
              image.namespace,
              image.imageName,
              image.tagName
            ]).map((p) => `summary: ${p}`)
          )
          problems.push(
            ...renderingProblems(run, comments(), [image.id]).filter(
              (p) => !p.startsWith('summary')
            )
          )
          return { run, problems }
        }
      )
  },
  {
    name: 'shows a hostile error message from the service as plain text',
    play: () =>
      withServers(
        [IMAGE],
        async ({ run: gate, comments }) => {
          const run = await gate({})
          const problems = basicProblems(run, 1)
          problems.push(
            ...renderingProblems(run, comments(), [
              '<img src=x onerror=alert(1)>'
            ])
          )
          return { run, problems }
        },
        (hss) =>
          hss.inject({
            fault: {
              type: 'status',
              status: 400,
              code: 'HSS.0001',
              message:
                '<img src=x onerror=alert(1)> | @team www.evil.example ]]> `x`'
            },
            times: Infinity
          })
      )
  },
  ...REJECTED_INPUTS.map((rejected): HostileScenario => ({
    name: `refuses ${rejected.what} before any request, with one line naming ${rejected.input}`,
    play: () =>
      withServers([IMAGE], async ({ hss, github, run: gate }) => {
        const run = await gate(
          rejected.inputs,
          rejected.secret ? { 'password in the URL': rejected.secret } : {}
        )
        const problems = basicProblems(run, 1)
        const errors = run.annotations.filter((a) => a.level === 'error')
        if (errors.length !== 1) {
          problems.push(`${errors.length} error annotations, expected 1`)
        }
        const expected = `Input '${rejected.input}' has an invalid value `
        if (!errors[0]?.message.startsWith(expected)) {
          problems.push(`the error reads ${JSON.stringify(errors[0]?.message)}`)
        }
        const sent = hss.requests.length + github.requests.length
        if (sent > 0) problems.push(`${sent} request(s) were sent`)
        return { run, problems }
      })
  }))
]
