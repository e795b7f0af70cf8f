/**
 * The fault scenarios of the reliability suite: what the network or the
 * service does, the inputs of the step, and what must come of it. Shared by
 * `__tests__/e2e/faults.test.ts` and `scripts/reliability.ts`, which both run
 * each scenario with `playScenario` and judge it with `problemsWith`, so the
 * test and the published figures can never disagree.
 *
 * Every scenario runs the bundled action like the runner, with debug logging
 * on, on a pull request (so a comment is written), against its own emulator,
 * GitHub stand-in and "other host": scenarios share nothing and may run at
 * the same time.
 */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'

import { githubTexts, startGitHubServer } from './github-server.js'
import {
  startEmulator,
  type Emulator,
  type EmulatorImage,
  type FaultRule,
  type RecordedRequest
} from './hss-emulator.js'
import { startProxy } from './proxy.js'
import { selfSignedCertificate } from './tls.js'
import { runAction, type RunResult } from './run-action.js'

/**
 * Temporary credentials, so that the security token is sent and scanned for.
 * The secret key, the security token and the IAM token hold '/', '+' and
 * '=', which encodeURIComponent changes, so their URL-encoded forms differ
 * from the raw ones and are scanned for in their own right.
 */
export const ACCESS_KEY = 'AKRELIABILITY0000001'
export const SECRET_KEY = 'reliability/secret+key=7f3a9c2e5b1d4806'
export const SECURITY_TOKEN =
  'reliability-security-token+gQ2xZWN1cml0eS10b2tlbg/temporary=='
export const IAM_TOKEN = 'MIIreliability+iam/token=0f1e2d3c4b5a69788796'
export const GITHUB_TOKEN = 'ghs_reliabilityGitHubToken000000001'

/** Scanned for in every run, used or not. */
export const SECRETS: Record<string, string> = {
  'access key': ACCESS_KEY,
  'secret key': SECRET_KEY,
  'security token': SECURITY_TOKEN,
  'IAM token': IAM_TOKEN,
  'GitHub token': GITHUB_TOKEN
}

export const OWNER = 'octo-org'
export const REPO = 'octo-repo'
export const PR = 7

/**
 * Starting node, loading the bundle and writing the reports, generously: the
 * scenarios run side by side on a runner of two cores, where a cold start
 * alone has taken over 5 s. A bound proves that the step did not hang or wait
 * longer than it was told; the lower bounds prove that it waited at all.
 */
export const SLACK_MS = 12_000
/**
 * For the step's own timeout, measured from the action's first output (see
 * RunResult.activeMs): what it may take beyond its timeout to stop, write
 * the report and exit. Tight enough that a deadline off by half fails.
 */
export const STEP_SLACK_MS = 2500
/** The request-timeout most scenarios use, so that hangs end quickly. */
export const REQUEST_TIMEOUT_MS = 1000
/**
 * The client's backoff before retry n (0-based), at most: 0.5 s · 2^n for
 * failures and 2 s · 2^n for 429, plus up to half again for jitter.
 */
export function maxBackoffMs(n: number, throttled = false): number {
  return (throttled ? 2000 : 500) * 2 ** n * 1.5
}

export const LARGE_BODY_BYTES = 10_000_000

export const IMAGE: EmulatorImage = {
  id: '111',
  totalFilesNum: 12873,
  totalFilesSize: 1_270_000_000
}

export interface ScenarioContext {
  hss: Emulator
  /** Another host on loopback: nothing may ever reach it. */
  otherHostUrl: string
}

export interface FaultScenario {
  /** The behaviour, as a test name. */
  name: string
  /** On top of the base inputs (image 111, temporary keys, 1 s request-timeout, 1 retry). */
  inputs?: Record<string, string>
  /** 'token' authenticates with the IAM token instead of the keys. */
  auth?: 'keys' | 'token'
  /** No project-id: the step asks IAM for it first. */
  lookUpProject?: boolean
  /** The emulator's images; image 111 when absent. */
  images?: EmulatorImage[]
  faults?: (context: ScenarioContext) => FaultRule[]
  /** The endpoint is an https server whose certificate is self-signed. */
  untrustedTls?: boolean
  /** Extra environment of the step. */
  env?: Record<string, string>
  /** HTTPS_PROXY points at a loopback proxy, which must see the CONNECT. */
  throughProxy?: boolean
  expect: {
    exitCode: 0 | 1
    /** Requests the emulator received: exactly, or within a range. */
    requests: number | { min: number; max: number }
    /** The step's failure line (its last error annotation). */
    error?: RegExp
    /** Bounds on the run's duration, derived from its inputs. */
    maxMs: number
    minMs?: number
    /** A bound on the action's own time (RunResult.activeMs). */
    activeMaxMs?: number
    /** The other host received nothing (redirects, TLS). */
    otherHostUntouched?: boolean
    /** The 10 MB body was cut short rather than read whole. */
    bodyCut?: boolean
    /**
     * False when the step fails before any image is measured (no project
     * id): there is then no verdict to summarise or comment on.
     */
    reported?: boolean
  }
}

const html502 = `<!DOCTYPE html>
<html>
<head><title>502 Bad Gateway</title><script>alert(document.cookie)</script></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

const once = (fault: FaultRule['fault']): FaultRule[] => [{ fault, times: 1 }]
const always = (fault: FaultRule['fault']): FaultRule[] => [
  { fault, times: Infinity }
]
const withFigures = (figures: Partial<EmulatorImage>): EmulatorImage[] => [
  { ...IMAGE, ...figures }
]

// One retry by default: the first attempt, its backoff, the second attempt.
const RETRY_ONCE_MS = 2 * REQUEST_TIMEOUT_MS + maxBackoffMs(0) + SLACK_MS

export const FAULT_SCENARIOS: FaultScenario[] = [
  // ---- throttling ----------------------------------------------------------
  {
    name: 'waits as a 429 with Retry-After says, then succeeds',
    faults: () =>
      once({ type: 'status', status: 429, headers: { 'Retry-After': '1' } }),
    expect: { exitCode: 0, requests: 2, minMs: 1000, maxMs: 1000 + SLACK_MS }
  },
  {
    name: 'backs off 2 s or more after a 429 without Retry-After, then succeeds',
    faults: () => once({ type: 'status', status: 429 }),
    expect: {
      exitCode: 0,
      requests: 2,
      minMs: 2000,
      maxMs: maxBackoffMs(0, true) + SLACK_MS
    }
  },
  {
    name: 'gives up on a 429 for ever after max-retries, with the throttling hint',
    faults: () => always({ type: 'status', status: 429 }),
    expect: {
      exitCode: 1,
      requests: 2,
      error:
        /HSS answered 429 .*APIGW\.0308.*throttled.*The request was sent 2 times\.\)$/,
      minMs: 2000,
      maxMs: maxBackoffMs(0, true) + SLACK_MS
    }
  },
  // ---- server errors ---------------------------------------------------------
  ...[500, 502, 503, 504].map((status): FaultScenario => ({
    name: `retries a ${status}, then succeeds`,
    faults: () => once({ type: 'status', status }),
    expect: { exitCode: 0, requests: 2, maxMs: RETRY_ONCE_MS }
  })),
  {
    name: 'gives up on a 503 for ever after max-retries 2, with the request id',
    inputs: { 'max-retries': '2' },
    faults: () => always({ type: 'status', status: 503 }),
    expect: {
      exitCode: 1,
      requests: 3,
      error:
        /HSS answered 503 .*APIGW\.0202.*request id [0-9a-f]{32}.*internal error.*The request was sent 3 times\.\)$/,
      maxMs: maxBackoffMs(0) + maxBackoffMs(1) + SLACK_MS
    }
  },
  // ---- the network -------------------------------------------------------------
  {
    name: 'retries a reset connection, then succeeds',
    faults: () => once({ type: 'reset' }),
    expect: { exitCode: 0, requests: 2, maxMs: RETRY_ONCE_MS }
  },
  {
    name: 'gives up on connections reset for ever',
    faults: () => always({ type: 'reset' }),
    expect: {
      exitCode: 1,
      requests: 2,
      error: /HSS request failed .*ECONNRESET.*Hint: check the endpoint/,
      maxMs: RETRY_ONCE_MS
    }
  },
  {
    name: 'times out a server that never answers, retries, then gives up',
    faults: () => always({ type: 'hang' }),
    expect: {
      exitCode: 1,
      requests: 2,
      error: /HSS did not answer within request-timeout \(1000 ms\)/,
      minMs: 2 * REQUEST_TIMEOUT_MS,
      maxMs: RETRY_ONCE_MS
    }
  },
  {
    name: 'times out a server that never answers once, then succeeds',
    faults: () => once({ type: 'hang' }),
    expect: {
      exitCode: 0,
      requests: 2,
      minMs: REQUEST_TIMEOUT_MS,
      maxMs: RETRY_ONCE_MS
    }
  },
  {
    name: 'times out a body that stalls half-way',
    faults: () =>
      always({ type: 'stall', partialBody: '{"total_files_num": 12873, "to' }),
    expect: {
      exitCode: 1,
      requests: 2,
      error: /HSS did not answer within request-timeout \(1000 ms\)/,
      minMs: 2 * REQUEST_TIMEOUT_MS,
      maxMs: RETRY_ONCE_MS
    }
  },
  {
    name: 'retries after a body stalled half-way, then succeeds',
    faults: () =>
      once({ type: 'stall', partialBody: '{"total_files_num": 12873, "to' }),
    expect: {
      exitCode: 0,
      requests: 2,
      minMs: REQUEST_TIMEOUT_MS,
      maxMs: RETRY_ONCE_MS
    }
  },
  // ---- bodies that are not the statistics -------------------------------------
  {
    name: "quotes a proxy's HTML error page on one line, cut, after retrying it",
    faults: () => always({ type: 'raw', status: 502, body: html502 }),
    expect: {
      exitCode: 1,
      requests: 2,
      error:
        /HSS answered 502 .*"<!DOCTYPE html> <html> <head><title>502 Bad Gateway/,
      maxMs: RETRY_ONCE_MS
    }
  },
  {
    name: 'refuses an HTML page answered with 200, once',
    faults: () => always({ type: 'raw', status: 200, body: html502 }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /HSS answered 200 with a body that is not JSON/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'refuses invalid JSON, once',
    faults: () =>
      always({ type: 'raw', body: '{"total_files_num": 12873, "total_files' }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /not JSON .*"\{\\"total_files_num\\": 12873/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'refuses an empty body, once',
    faults: () => always({ type: 'raw', body: '' }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /not JSON .*\(empty body\)/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'refuses a JSON body that is not an object',
    faults: () => always({ type: 'raw', body: '[12873, 1270000000]' }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /without usable figures.*the body is not a JSON object/,
      maxMs: SLACK_MS
    }
  },
  // ---- figures that are not figures --------------------------------------------
  ...(
    [
      [
        'a missing file count',
        { omit: ['total_files_num'] },
        /total_files_num is missing/
      ],
      [
        'a missing size',
        { omit: ['total_files_size'] },
        /total_files_size is missing/
      ],
      [
        'a negative file count',
        { totalFilesNum: -1 },
        /total_files_num is -1, a negative figure; .*32-bit integer/
      ],
      [
        'a fractional size',
        { totalFilesSize: 1.5 },
        /total_files_size is 1\.5, not a whole number/
      ],
      [
        'a size given as a string',
        { totalFilesSize: '1270000000' },
        /total_files_size is "1270000000", not a number/
      ],
      [
        'a size above 2^53',
        { totalFilesSize: 2n ** 53n + 1n },
        /total_files_size is 9007199254740993, above 9007199254740991 \(2\^53 - 1\), too large to be read exactly.*Body: .*9007199254740993/
      ]
    ] as Array<[string, Partial<EmulatorImage>, RegExp]>
  ).map(([what, figures, error]): FaultScenario => ({
    name: `fails on ${what}, never reading it as a number`,
    images: withFigures(figures),
    expect: { exitCode: 1, requests: 1, error, maxMs: SLACK_MS }
  })),
  {
    name: 'fails on a null file count, never reading it as 0',
    faults: () =>
      always({
        type: 'raw',
        body: '{"total_files_num": null, "total_files_size": 1270000000}'
      }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /total_files_num is missing/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'refuses a 10 MB body without reading it all',
    faults: () => always({ type: 'large', bytes: LARGE_BODY_BYTES }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /HSS sent a response larger than 1048576 bytes/,
      maxMs: SLACK_MS,
      bodyCut: true
    }
  },
  // ---- redirects and TLS ---------------------------------------------------------
  ...[302, 307, 308].map((status): FaultScenario => ({
    name: `does not follow a ${status} to another host, so no credential reaches it`,
    faults: ({ otherHostUrl, hss }) =>
      always({
        type: 'redirect',
        status,
        location: `${otherHostUrl}/v5/${hss.projectId}/image/111/files-statistics?image_type=cicd`
      }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: new RegExp(
        `HSS answered ${status} redirecting to "http://localhost:\\d+/.*" \\(not followed\\)`
      ),
      maxMs: SLACK_MS,
      otherHostUntouched: true
    }
  })),
  {
    name: 'refuses an endpoint whose TLS certificate cannot be verified',
    untrustedTls: true,
    expect: {
      exitCode: 1,
      requests: 0,
      error: /HSS request failed .*(self[- ]signed|certificate)/i,
      maxMs: SLACK_MS,
      otherHostUntouched: true
    }
  },
  {
    name: 'verifies TLS certificates even when the job sets NODE_TLS_REJECT_UNAUTHORIZED=0',
    untrustedTls: true,
    env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    expect: {
      exitCode: 1,
      requests: 0,
      error: /HSS request failed .*(self[- ]signed|certificate)/i,
      maxMs: SLACK_MS,
      otherHostUntouched: true
    }
  },
  {
    name: 'verifies TLS certificates through an HTTPS_PROXY tunnel too',
    untrustedTls: true,
    throughProxy: true,
    env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
    expect: {
      exitCode: 1,
      requests: 0,
      error: /HSS request failed .*(self[- ]signed|certificate)/i,
      maxMs: SLACK_MS,
      otherHostUntouched: true
    }
  },
  // ---- authentication: never retried ---------------------------------------------
  {
    name: 'sends a request refused with 401 exactly once',
    inputs: { 'max-retries': '5' },
    faults: () => always({ type: 'status', status: 401 }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /HSS answered 401 .*APIGW\.0301.*Not retried/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'sends a request refused with 403 exactly once',
    inputs: { 'max-retries': '5' },
    faults: () => always({ type: 'status', status: 403 }),
    expect: {
      exitCode: 1,
      requests: 1,
      error:
        /HSS answered 403 .*APIGW\.0302.*encoded_authorization_message, logged at debug level.*Not retried/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'sends a wrong signature at most 4 times for eight images, never enough to lock the key',
    inputs: {
      'image-id': 'a, b, c, d, e, f, g, h',
      'secret-key': 'a-wrong-secret-key-0000000000000000',
      concurrency: '8'
    },
    images: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((id) => ({ id })),
    expect: {
      exitCode: 1,
      requests: { min: 1, max: 4 },
      error: /HSS answered 401 .*verify aksk signature fail/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'sends an expired IAM token once per image in the first wave, then stops',
    auth: 'token',
    inputs: {
      'image-id': 'a, b, c, d, e, f',
      'auth-token': 'MIIexpired-token-000000000000',
      concurrency: '2'
    },
    images: ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id })),
    expect: {
      exitCode: 1,
      requests: { min: 1, max: 2 },
      error: /HSS answered 401 .*token expires/,
      maxMs: SLACK_MS
    }
  },
  {
    name: 'asks IAM for the project once when IAM refuses the keys',
    lookUpProject: true,
    inputs: { 'max-retries': '5' },
    faults: () => always({ type: 'status', status: 401, code: 'APIGW.0301' }),
    expect: {
      exitCode: 1,
      requests: 1,
      error: /IAM answered 401 .*Not retried/,
      maxMs: SLACK_MS
    }
  },
  // ---- the step's own timeout --------------------------------------------------
  // Measuring stops a fifth of the timeout early (at most 15 s), which is
  // kept for writing the report and the comment.
  {
    name: "stops a hang at the step's timeout, long before request-timeout",
    inputs: { 'request-timeout': '10s', timeout: '2s' },
    faults: () => always({ type: 'hang' }),
    expect: {
      exitCode: 1,
      requests: 1,
      error:
        /Stopped while reading the file statistics of image 111: the step's timeout \(2s\) ran out, less 400ms kept for the report; raise the timeout input/,
      minMs: 1600,
      maxMs: 2000 + SLACK_MS,
      activeMaxMs: 2000 + STEP_SLACK_MS
    }
  },
  {
    name: "stops retrying a throttled request at the step's timeout, naming the 429",
    inputs: { 'max-retries': '10', timeout: '3s' },
    faults: () =>
      always({
        type: 'status',
        status: 429,
        headers: { 'Retry-After': '3600' }
      }),
    expect: {
      exitCode: 1,
      requests: 1,
      error:
        /the step's timeout \(3s\) ran out.*The last attempt had failed: HSS answered 429/,
      minMs: 2400,
      maxMs: 3000 + SLACK_MS,
      activeMaxMs: 3000 + STEP_SLACK_MS
    }
  },
  {
    name: "stops waiting for a scan that never ends at the step's timeout",
    inputs: { 'wait-for-scan': '2900ms', timeout: '3s' },
    images: [{ ...IMAGE, scan: [{ status: 'scanning' }] }],
    expect: {
      exitCode: 1,
      // Polls at 0 s and 2 s; the third would be at 5 s.
      requests: { min: 1, max: 2 },
      error:
        /Stopped while waiting for the scan of image 111 \(last status scanning\): the step's timeout \(3s\) ran out/,
      minMs: 2400,
      maxMs: 3000 + SLACK_MS,
      activeMaxMs: 3000 + STEP_SLACK_MS
    }
  }
]

// ---- playing a scenario -----------------------------------------------------

export interface Outcome {
  run: RunResult
  /** What the emulator received (for a TLS scenario: the TLS server). */
  requests: RecordedRequest[]
  /** Requests and connections the other host saw. */
  otherHostHits: number
  /** Bodies of the comments on the pull request after the run. */
  comments: string[]
  /** What the HTTPS_PROXY saw, e.g. 'CONNECT localhost:43387'. */
  proxied: string[]
}

interface OtherHost {
  url: string
  hits: () => number
  close: () => Promise<void>
}

/**
 * A server on loopback that counts every connection: a redirect target, or
 * with TLS the endpoint whose certificate must be refused.
 */
async function startOtherHost(tls?: {
  key: string
  cert: string
}): Promise<OtherHost> {
  let hits = 0
  const sockets = new Set<Socket>()
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    hits++
    res.writeHead(200, { 'Content-Type': 'application/json' })
    res.end('{"total_files_num":1,"total_files_size":1}')
  }
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, handler)
    : http.createServer(handler)
  // Only requests count: with a refused certificate the TLS handshake fails
  // before a request, and so before any header could carry a credential.
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  server.on('tlsClientError', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `${tls ? 'https' : 'http'}://localhost:${port}`,
    hits: () => hits,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/** The inputs every scenario starts from. */
export function baseInputs(
  hss: Emulator,
  scenario: Pick<FaultScenario, 'auth' | 'lookUpProject'> = {}
): Record<string, string> {
  const inputs: Record<string, string> = {
    'image-id': IMAGE.id,
    region: hss.region,
    endpoint: hss.url,
    'iam-endpoint': hss.url,
    'request-timeout': `${REQUEST_TIMEOUT_MS}ms`,
    'max-retries': '1',
    timeout: '30s'
  }
  if (!scenario.lookUpProject) inputs['project-id'] = hss.projectId
  if (scenario.auth === 'token') {
    inputs['auth-token'] = IAM_TOKEN
  } else {
    inputs['access-key'] = ACCESS_KEY
    inputs['secret-key'] = SECRET_KEY
    inputs['security-token'] = SECURITY_TOKEN
  }
  return inputs
}

export function pullRequestEvent(number = PR): {
  name: string
  payload: unknown
} {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: {
        number,
        head: { sha: '6dcb09b5b57875f334f61aebed695e2e4193db5e' }
      }
    }
  }
}

/** An emulator that knows the temporary keys and the IAM token above. */
export function startScenarioEmulator(
  images: EmulatorImage[] = [IMAGE]
): Promise<Emulator> {
  return startEmulator({
    credentials: [
      {
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        securityToken: SECURITY_TOKEN
      }
    ],
    tokens: [IAM_TOKEN],
    images
  })
}

/** Runs one scenario on servers of its own and collects what it did. */
export async function playScenario(scenario: FaultScenario): Promise<Outcome> {
  const hss = await startScenarioEmulator(scenario.images)
  const github = await startGitHubServer({ token: GITHUB_TOKEN })
  const other = await startOtherHost(
    scenario.untrustedTls ? selfSignedCertificate() : undefined
  )
  const proxy = scenario.throughProxy ? await startProxy() : undefined
  try {
    for (const rule of scenario.faults?.({ hss, otherHostUrl: other.url }) ??
      []) {
      hss.inject(rule)
    }
    const inputs = { ...baseInputs(hss, scenario), ...scenario.inputs }
    if (scenario.untrustedTls) {
      inputs.endpoint = other.url
      inputs['iam-endpoint'] = other.url
    }
    const comments = () =>
      github.comments(OWNER, REPO, PR).map((comment) => comment.body)
    const run = await runAction({
      inputs,
      env: {
        ...scenario.env,
        ...(proxy ? { HTTPS_PROXY: proxy.url, https_proxy: proxy.url } : {})
      },
      event: pullRequestEvent(),
      githubApiUrl: github.url,
      githubToken: GITHUB_TOKEN,
      debug: true,
      secrets: SECRETS,
      allowLeaks: true,
      alsoScan: () => githubTexts(github)
    })
    return {
      run,
      requests: [...hss.requests],
      otherHostHits: other.hits(),
      comments: comments(),
      proxied: proxy?.seen.map((s) => `${s.method} ${s.target}`) ?? []
    }
  } finally {
    await Promise.all([
      hss.close(),
      github.close(),
      other.close(),
      proxy?.close()
    ])
  }
}

// ---- judging a run ----------------------------------------------------------

/** The step's failure line: the last error annotation (setFailed's). */
export function failureLine(run: RunResult): string | undefined {
  return run.annotations.filter((a) => a.level === 'error').at(-1)?.message
}

/**
 * Signs of an error nobody handled: Node's report of an unhandled rejection
 * or exception, or a stack trace, in stderr or in stdout.
 */
export function unhandledErrors(run: RunResult): string[] {
  const found: string[] = []
  for (const [where, text] of [
    ['stderr', run.stderr],
    ['stdout', run.stdout]
  ] as const) {
    for (const line of text.split('\n')) {
      if (
        /Unhandled|UnhandledPromiseRejection|uncaughtException/.test(line) ||
        /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)$/.test(line)
      ) {
        found.push(`${where}: ${line.trim()}`)
      }
    }
  }
  // Anything else on stderr is suspect too, except Node's own process
  // warnings (such as the one NODE_TLS_REJECT_UNAUTHORIZED=0 prints).
  const other = run.stderr
    .split('\n')
    .filter(
      (line) =>
        line.trim() !== '' &&
        !/^\(node:\d+\) (\[\w+\] )?Warning: /.test(line) &&
        !/^\(Use `node --trace-warnings/.test(line)
    )
  if (other.length > 0) found.push(`stderr: ${other[0]}`)
  return [...new Set(found)]
}

/** What went against the scenario's expectations; empty when it held. */
export function problemsWith(
  scenario: FaultScenario,
  outcome: Outcome
): string[] {
  const { run, requests } = outcome
  const want = scenario.expect
  const problems: string[] = []

  if (run.exitCode !== want.exitCode) {
    problems.push(`exit code ${run.exitCode}, expected ${want.exitCode}`)
  }
  const { min, max } =
    typeof want.requests === 'number'
      ? { min: want.requests, max: want.requests }
      : want.requests
  if (requests.length < min || requests.length > max) {
    problems.push(
      `the emulator received ${requests.length} request(s), expected ${min === max ? min : `${min} to ${max}`}`
    )
  }
  if (run.durationMs > want.maxMs) {
    problems.push(
      `took ${run.durationMs} ms, above its bound of ${want.maxMs} ms`
    )
  }
  if (want.activeMaxMs !== undefined && run.activeMs > want.activeMaxMs) {
    problems.push(
      `ran ${run.activeMs} ms from its first output, above its bound of ${want.activeMaxMs} ms`
    )
  }
  if (want.minMs !== undefined && run.durationMs < want.minMs) {
    problems.push(
      `took ${run.durationMs} ms, less than the ${want.minMs} ms it had to wait`
    )
  }

  const failure = failureLine(run)
  if (want.exitCode === 0) {
    if (failure !== undefined) problems.push(`failed: ${failure}`)
    if (run.outputs['total-files-num'] !== String(IMAGE.totalFilesNum)) {
      problems.push(
        `total-files-num is ${JSON.stringify(run.outputs['total-files-num'])}`
      )
    }
    if (run.outputs['total-files-size'] !== String(IMAGE.totalFilesSize)) {
      problems.push(
        `total-files-size is ${JSON.stringify(run.outputs['total-files-size'])}`
      )
    }
  } else if (failure === undefined) {
    problems.push('failed without an error annotation')
  } else {
    if (want.error && !want.error.test(failure)) {
      problems.push(
        `the failure line ${JSON.stringify(failure)} does not match ${want.error}`
      )
    }
    if (/[\r\n]/.test(failure))
      problems.push('the failure line spans several lines')
    if (want.reported !== false && run.outputs.status !== 'fail') {
      problems.push(
        `the status output is ${JSON.stringify(run.outputs.status)}, not fail`
      )
    }
  }

  // Everything a user sees reports the outcome: the summary and the comment.
  const reports = want.reported === false ? 0 : 1
  if (reports === 1 && !run.summary.includes('HSS image size gate')) {
    problems.push('no job summary')
  }
  if (outcome.comments.length !== reports) {
    problems.push(
      `${outcome.comments.length} comment(s) on the pull request, expected ${reports}`
    )
  }

  if (
    scenario.throughProxy &&
    !outcome.proxied.some((seen) => seen.startsWith('CONNECT '))
  ) {
    problems.push(
      `the proxy saw ${JSON.stringify(outcome.proxied)}, no CONNECT`
    )
  }
  if (want.otherHostUntouched && outcome.otherHostHits > 0) {
    problems.push(`the other host was reached ${outcome.otherHostHits} time(s)`)
  }
  if (want.bodyCut) {
    // What the server could hand to the socket, not what the client read:
    // loopback's socket buffers take megabytes more than the 1 MiB the
    // client reads, and more the slower it drains them, so only a body sent
    // whole is a sure sign that it was read whole.
    const sent = requests[0]?.bodyBytesSent
    if (sent === undefined || sent >= LARGE_BODY_BYTES) {
      problems.push(
        `the ${LARGE_BODY_BYTES}-byte body was sent whole (${sent} bytes)`
      )
    }
  }
  for (const leak of run.leaks) {
    problems.push(`the ${leak.secret} leaked (${leak.form}) in ${leak.where}`)
  }
  for (const line of unhandledErrors(run)) problems.push(`unhandled: ${line}`)
  return problems
}
