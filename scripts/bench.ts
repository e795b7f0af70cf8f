/**
 * `npm run bench`: where the bundled action's time goes, start-up against
 * round trips, and how many requests it sends.
 *
 * Every run starts `node dist/index.js` the way GitHub's runner does: a clean
 * environment (nothing inherited from this process, so no tsx loader and no
 * proxy variables), inputs as INPUT_* with action.yml's defaults, fresh
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, a working directory outside
 * the repository. The servers are the loopback HSS emulator and GitHub
 * stand-in the end-to-end tests use.
 *
 * Runs are interleaved (A B C A B C ...) so a slow moment of the machine
 * spreads over every line instead of spoiling one. Wall time is taken in this
 * process from spawn to exit, with nothing wrapped around the child. Peak
 * memory is taken in separate runs under GNU time (`/usr/bin/time -f %M`),
 * which reads the child's rusage after it exits: it changes nothing inside
 * the action, but it adds an exec (about 2 ms), which is why those runs are
 * not timed. The runs with injected latency and the wait-for-scan runs last
 * seconds, so they are timed and measured in one go.
 *
 * Settings (environment):
 *   BENCH_RUNS         repetitions of the short runs (default 15)
 *   BENCH_SLOW_RUNS    repetitions of the latency and wait-for-scan runs (3)
 *   BENCH_MEMORY_RUNS  runs under GNU time for the short runs' memory (3)
 *   BENCH_SCAN_MS      when the emulated scan finishes (6000)
 *   BENCH_SCAN_WORST   0 skips wait-for-scan's worst case (about 40 s)
 *   ACTION_NODE        the Node.js that runs the action and the floors, as
 *                      in the end-to-end tests (e.g. the runners' node24);
 *                      default the one running this script
 */
import { execFile, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { cpus, platform, release, tmpdir, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'

import {
  startGitHubServer,
  type GitHubRequest
} from '../__tests__/support/github-server.js'
import {
  startEmulator,
  type EmulatorImage,
  type RecordedRequest
} from '../__tests__/support/hss-emulator.js'
import {
  ACTION_ENTRY,
  DEFAULT_GITHUB_TOKEN,
  inputEnv,
  parseOutputFile,
  readActionYml,
  REPO_ROOT
} from '../__tests__/support/run-action.js'
import { staleBundleWarning } from './stale-bundle.js'

const RUNS = setting('BENCH_RUNS', 15)
const SLOW_RUNS = setting('BENCH_SLOW_RUNS', 3)
const MEMORY_RUNS = setting('BENCH_MEMORY_RUNS', 3)
const SCAN_MS = setting('BENCH_SCAN_MS', 6000)
/** 0 skips the worst case of wait-for-scan, which takes about 40 s. */
const SCAN_WORST = process.env.BENCH_SCAN_WORST !== '0'
/** The scan of the worst case ends after the first poll this long in. */
const SCAN_WORST_AFTER_MS = 25_000
const LATENCY_MS = 200
const IMAGE_COUNTS = [1, 10, 20, 50]
const DEFAULT_CONCURRENCY = Number(
  readActionYml().inputs.concurrency?.default ?? '4'
)
const NODE = process.env.ACTION_NODE || process.execPath
const GNU_TIME = '/usr/bin/time'
const KILL_AFTER_MS = 120_000
const FLOOR_TOKEN = 'bench-floor-token'
const MIB = 1024 * 1024

// ---- the machinery: servers, scratch directory, one run ---------------------

interface Launch {
  args: string[]
  env: Record<string, string>
  /** Default 0. */
  exitCode?: number
}

interface Sample {
  ms: number
  /** Peak resident set in bytes, from GNU time; undefined when not taken. */
  rss?: number
  hss: RecordedRequest[]
  github: GitHubRequest[]
  outputs: Record<string, string>
  /** Whatever the scenario's watch noted, e.g. when it ended the scan. */
  mark?: number
}

interface Scenario {
  label: string
  /** Seconds long: fewer repetitions, timed and measured in the same runs. */
  slow: boolean
  /** Added by the emulator before every answer during this run. */
  latencyMs: number
  launch(work: string): Launch
  /** Throws when the run did not do what it is there to measure. */
  verify?(sample: Sample, stdout: string): void
  /**
   * Runs beside the child, from spawn to exit; what the returned function
   * gives back is kept as the sample's `mark`.
   */
  watch?(): () => number | undefined
  timed: Sample[]
  measured: Sample[]
}

const scratch = mkdtempSync(join(tmpdir(), 'hss-bench-'))
const nodeVersion = (
  await promisify(execFile)(NODE, ['--version'])
).stdout.trim()
const gnuTime = await hasGnuTime()

const images: EmulatorImage[] = Array.from(
  { length: Math.max(...IMAGE_COUNTS) },
  (_, i) => ({
    id: `bench-${i}`,
    totalFilesNum: 10_000 + i,
    totalFilesSize: 500_000_000 + i
  })
)
const scanImage: EmulatorImage = {
  id: 'bench-scan',
  totalFilesNum: 10_000,
  totalFilesSize: 500_000_000,
  scan: [{ status: 'scanning', forMs: SCAN_MS }, { status: 'success' }]
}
const hss = await startEmulator({
  tokens: [FLOOR_TOKEN],
  images: [...images, scanImage]
})
const github = await startGitHubServer({ token: DEFAULT_GITHUB_TOKEN })
const [credential] = hss.credentials
const floorUrl = `${hss.url}/v5/${hss.projectId}/image/${images[0]?.id}/files-statistics?image_type=cicd`

/** The environment the runner gives a step; `inputs` are INPUT_* already. */
function runnerEnv(
  work: string,
  inputs: Record<string, string>,
  event: { name: string; payload?: unknown } = { name: 'push' }
): Record<string, string> {
  writeFileSync(join(work, 'github_output'), '')
  writeFileSync(join(work, 'step_summary'), '')
  writeFileSync(join(work, 'event.json'), JSON.stringify(event.payload ?? {}))
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: work,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: join(work, 'github_output'),
    GITHUB_STEP_SUMMARY: join(work, 'step_summary'),
    GITHUB_STATE: join(work, 'github_state'),
    GITHUB_ENV: join(work, 'github_env'),
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: join(work, 'event.json'),
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: github.url,
    GITHUB_WORKFLOW: 'image-size',
    GITHUB_JOB: 'gate',
    GITHUB_ACTION: 'size',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    ...inputs
  }
}

/** The action's inputs for `ids`, signed with the emulator's key. */
function actionInputs(
  ids: string[],
  extra: Record<string, string> = {}
): Record<string, string> {
  return inputEnv(
    {
      'image-id': ids.join('\n'),
      region: hss.region,
      'project-id': hss.projectId,
      'access-key': credential?.accessKey ?? '',
      'secret-key': credential?.secretKey ?? '',
      endpoint: hss.url,
      'iam-endpoint': hss.url,
      summary: 'false',
      ...extra
    },
    DEFAULT_GITHUB_TOKEN
  )
}

async function runOnce(
  scenario: Scenario,
  options: { memory: boolean; nodeFlags?: string[]; extraEnv?: object }
): Promise<Sample> {
  const work = mkdtempSync(join(scratch, 'run-'))
  try {
    const launch = scenario.launch(work)
    const env = { ...launch.env, ...options.extraEnv }
    const nodeArgs = [...(options.nodeFlags ?? []), ...launch.args]
    const rssFile = join(work, 'peak-rss')
    const [command, args] = options.memory
      ? [GNU_TIME, ['-f', '%M', '-o', rssFile, NODE, ...nodeArgs]]
      : [NODE, nodeArgs]
    const hssFrom = hss.requests.length
    const githubFrom = github.requests.length
    hss.setLatency(scenario.latencyMs)

    const started = performance.now()
    const child = spawn(command, args, {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let ended = started
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('exit', () => (ended = performance.now()))
    const stopWatching = scenario.watch?.()
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS)
    const exitCode = await new Promise<number | null>((done) =>
      child.on('close', (code) => done(code))
    )
    clearTimeout(killer)
    const mark = stopWatching?.()

    const expected = launch.exitCode ?? 0
    if (exitCode !== expected) {
      throw new Error(
        `${scenario.label}: exit code ${exitCode}, expected ${expected}\n` +
          `--- stdout\n${stdout.slice(-2000)}\n--- stderr\n${stderr.slice(-2000)}`
      )
    }
    const sample: Sample = {
      ms: ended - started,
      rss: options.memory ? readPeakRss(rssFile) : undefined,
      hss: hss.requests.slice(hssFrom),
      github: github.requests.slice(githubFrom),
      outputs: parseOutputFile(
        readFileSync(join(work, 'github_output'), 'utf8')
      ),
      mark
    }
    scenario.verify?.(sample, stdout)
    return sample
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** GNU time writes "Command exited with non-zero status N" first, if so. */
function readPeakRss(file: string): number | undefined {
  const lines = readFileSync(file, 'utf8').trim().split('\n')
  const kib = Number(lines[lines.length - 1])
  return Number.isFinite(kib) ? kib * 1024 : undefined
}

async function hasGnuTime(): Promise<boolean> {
  if (!existsSync(GNU_TIME)) return false
  const probe = join(scratch, 'probe-rss')
  try {
    await promisify(execFile)(GNU_TIME, ['-f', '%M', '-o', probe, 'true'])
    return readPeakRss(probe) !== undefined
  } catch {
    return false
  }
}

// ---- the floors: the same GET without the action ---------------------------

const EMPTY_SCRIPT = join(scratch, 'empty.mjs')
const RAW_FLOOR = join(scratch, 'raw-floor.cjs')
const DEPENDENCY_FLOOR = join(scratch, 'floor', 'out', 'index.js')
const MODULE_HOOKS = join(scratch, 'module-log.mjs')

writeFileSync(EMPTY_SCRIPT, '')
// CommonJS on purpose: on Node 24 an ESM import of node:http builds a facade
// that calls its lazy getters and loads Node's internal undici (some 25 ms).
// The bundle requires built-ins through createRequire and never pays that,
// so an ESM floor would flatter every ratio to it.
writeFileSync(
  RAW_FLOOR,
  `const { get } = require('node:http')
const { appendFileSync } = require('node:fs')
get(
  process.env.INPUT_URL,
  { headers: { 'X-Auth-Token': '${FLOOR_TOKEN}', region: '${hss.region}' } },
  (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (chunk) => (body += chunk))
    res.on('end', () =>
      appendFileSync(process.env.GITHUB_OUTPUT, 'status=' + res.statusCode + '\\n')
    )
  }
)
`
)
// Records every module the ESM loader loads, for the one-off check that a
// run writing no comment never loads the comment chunk. Not used when timing.
writeFileSync(
  MODULE_HOOKS,
  `import { register } from 'node:module'
register(
  'data:text/javascript,' +
    encodeURIComponent(\`
      import { appendFileSync } from 'node:fs'
      export async function load(url, context, next) {
        appendFileSync(process.env.BENCH_MODULE_LOG, url + '\\\\n')
        return next(url, context)
      }\`)
)
`
)

/**
 * Bundles @actions/core and axios, as the action does, around one input, one
 * GET and one output, with the same ncc flags as `npm run build`. Built in
 * the scratch directory each time: nothing is cached in the repository.
 */
async function buildDependencyFloor(): Promise<void> {
  const dir = join(scratch, 'floor')
  mkdirSync(dir)
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'))
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        types: ['node']
      },
      files: ['floor.ts']
    })
  )
  writeFileSync(
    join(dir, 'floor.ts'),
    `import * as core from '@actions/core'
import axios from 'axios'

const url = core.getInput('url', { required: true })
const response = await axios.get<string>(url, {
  headers: { 'X-Auth-Token': '${FLOOR_TOKEN}', region: '${hss.region}' },
  responseType: 'text'
})
core.setOutput('status', String(response.status))
`
  )
  await promisify(execFile)(
    join(REPO_ROOT, 'node_modules', '.bin', 'ncc'),
    [
      'build',
      join(dir, 'floor.ts'),
      '-o',
      join(dir, 'out'),
      '--minify',
      '--no-source-map-register',
      '-q'
    ],
    { cwd: dir }
  )
}

// ---- the scenarios -----------------------------------------------------------

function scenario(
  label: string,
  launch: Scenario['launch'],
  options: {
    slow?: boolean
    latencyMs?: number
    verify?: Scenario['verify']
    watch?: Scenario['watch']
  } = {}
): Scenario {
  return {
    label,
    slow: options.slow ?? false,
    latencyMs: options.latencyMs ?? 0,
    launch,
    verify: options.verify,
    watch: options.watch,
    timed: [],
    measured: []
  }
}

const floorVerify: Scenario['verify'] = (sample) => {
  if (sample.outputs.status !== '200') {
    throw new Error(`floor: the GET answered ${sample.outputs.status}`)
  }
}
const passVerify: Scenario['verify'] = (sample) => {
  if (sample.outputs.status !== 'pass') {
    throw new Error(`action: status output is '${sample.outputs.status}'`)
  }
}

let pullRequest = 100

const nodeEmpty = scenario('node, empty script', (work) => ({
  args: [EMPTY_SCRIPT],
  env: runnerEnv(work, {})
}))
const rawFloor = scenario(
  'raw floor: node:http GET, one file written',
  (work) => ({
    args: [RAW_FLOOR],
    env: runnerEnv(work, { INPUT_URL: floorUrl })
  }),
  { verify: floorVerify }
)
const dependencyFloor = scenario(
  'dependency floor: @actions/core + axios, one GET, one output',
  (work) => ({
    args: [DEPENDENCY_FLOOR],
    env: runnerEnv(work, { INPUT_URL: floorUrl })
  }),
  { verify: floorVerify }
)
const startUp = scenario(
  'action start-up, no work (no image-id: fails on inputs)',
  (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, inputEnv({}, DEFAULT_GITHUB_TOKEN)),
    exitCode: 1
  })
)
const oneImage = scenario(
  'one image (no summary, no comment)',
  (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(1)))
  }),
  { verify: passVerify }
)
const withSummary = scenario(
  'one image with the job summary',
  (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(1), { summary: 'true' }))
  }),
  {
    verify: (sample, stdout) => {
      passVerify(sample, stdout)
      if (/summary could not be written/.test(stdout)) {
        throw new Error('action: the job summary was not written')
      }
    }
  }
)
const withComment = scenario(
  'one image with the pull request comment (new comment)',
  (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(1)), pullRequestEvent(++pullRequest))
  }),
  {
    verify: (sample, stdout) => {
      passVerify(sample, stdout)
      if (!sample.outputs['comment-url']) {
        throw new Error('action: no comment-url output')
      }
    }
  }
)
const throughIam = scenario(
  'one image, project id looked up through IAM',
  (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(1), { 'project-id': '' }))
  }),
  { verify: passVerify }
)

interface LatencyCase {
  count: number
  concurrency: number
  scenario: Scenario
}
const latencyCases: LatencyCase[] = IMAGE_COUNTS.flatMap((count) =>
  [DEFAULT_CONCURRENCY, 1].map((concurrency) => ({
    count,
    concurrency,
    scenario: scenario(
      `${count} image${count > 1 ? 's' : ''}, ${LATENCY_MS} ms latency, concurrency ${concurrency}${concurrency === DEFAULT_CONCURRENCY ? ' (default)' : ''}`,
      (work) => ({
        args: [ACTION_ENTRY],
        env: runnerEnv(
          work,
          actionInputs(ids(count), { concurrency: String(concurrency) })
        )
      }),
      { slow: true, latencyMs: LATENCY_MS, verify: passVerify }
    )
  }))
)

const waitForScan = scenario(
  `wait-for-scan, scan finishing ${SCAN_MS / 1000} s after the first poll`,
  (work) => {
    hss.setImage(scanImage) // restarts the emulated scan
    return {
      args: [ACTION_ENTRY],
      env: runnerEnv(
        work,
        actionInputs([scanImage.id], { 'wait-for-scan': '2m' })
      )
    }
  },
  { slow: true, verify: passVerify }
)

const fast = [
  nodeEmpty,
  rawFloor,
  dependencyFloor,
  startUp,
  oneImage,
  withSummary,
  withComment,
  throughIam
]
const slow = [...latencyCases.map((c) => c.scenario), waitForScan]

function ids(count: number): string[] {
  return images.slice(0, count).map((image) => image.id)
}

function pullRequestEvent(number: number) {
  return {
    name: 'pull_request',
    payload: {
      number,
      pull_request: {
        number,
        head: { sha: '0123456789abcdef0123456789abcdef01234567' }
      }
    }
  }
}

// ---- one-off checks: requests and modules that must not be there --------------

interface Check {
  what: string
  seen: string
  target: string
  met: boolean
}

async function oneOffChecks(): Promise<Check[]> {
  const checks: Check[] = []

  // IAM once per run, not per image.
  const iamTen = scenario('ten images through IAM', (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(10), { 'project-id': '' }))
  }))
  const iam = await runOnce(iamTen, { memory: false })
  const iamCount = iam.hss.filter((r) => r.service === 'iam').length
  const hssCount = iam.hss.filter((r) => r.service === 'hss').length
  checks.push({
    what: '10 images, project id through IAM',
    seen: `${iamCount} IAM + ${hssCount} HSS`,
    target: '1 IAM + 10 HSS',
    met: iamCount === 1 && hssCount === 10
  })

  // One list request per 100 comments, one write.
  const existing = 250
  const crowded = ++pullRequest
  github.seed(
    'octo-org',
    'octo-repo',
    crowded,
    Array.from({ length: existing }, (_, i) => `an unrelated comment ${i}`)
  )
  const crowdedRun = scenario('comment on a crowded pull request', (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(work, actionInputs(ids(1)), pullRequestEvent(crowded))
  }))
  const listed = countGitHub(
    (await runOnce(crowdedRun, { memory: false })).github
  )
  const pages = Math.ceil(existing / 100)
  checks.push({
    what: `comment on a pull request with ${existing} other comments`,
    seen: `${listed.lists} list + ${listed.writes} write`,
    target: `${pages} list + 1 write`,
    met: listed.lists === pages && listed.writes === 1
  })

  // The same comment again: found on the last page and edited, or left alone.
  const again = countGitHub(
    (await runOnce(crowdedRun, { memory: false })).github
  )
  checks.push({
    what: 'the same run again (comment exists, same body)',
    seen: `${again.lists} list + ${again.writes} write`,
    target: `${pages} list + at most 1 write`,
    met: again.lists === pages && again.writes <= 1
  })

  // Below comment-when and no comment yet: an existing one would have to be
  // refreshed, so one list is the least; nothing may be written.
  const quiet = scenario('comment-when fail on a pass', (work) => ({
    args: [ACTION_ENTRY],
    env: runnerEnv(
      work,
      actionInputs(ids(1), { 'comment-when': 'fail' }),
      pullRequestEvent(++pullRequest)
    )
  }))
  const belowThreshold = countGitHub(
    (await runOnce(quiet, { memory: false })).github
  )
  checks.push({
    what: 'comment-when: fail, verdict pass, no comment yet',
    seen: `${belowThreshold.lists} list + ${belowThreshold.writes} write`,
    target: '1 list + 0 write',
    met: belowThreshold.lists === 1 && belowThreshold.writes === 0
  })

  if (SCAN_WORST) checks.push(await scanWorstCase())

  // No comment written: no GitHub request and the comment chunk not loaded.
  for (const run of [oneImage, withSummary, withComment]) {
    const log = join(scratch, 'modules.log')
    writeFileSync(log, '')
    const sample = await runOnce(run, {
      memory: false,
      nodeFlags: ['--import', pathToFileURL(MODULE_HOOKS).href],
      extraEnv: { BENCH_MODULE_LOG: log }
    })
    const chunks = readFileSync(log, 'utf8')
      .split('\n')
      .filter((url) => /\/dist\/(?!index\.js$)[^/]+\.js$/.test(url))
    const commentless = run !== withComment
    checks.push({
      what: `${run.label}: chunks loaded, GitHub requests`,
      seen: `${chunks.length} chunk(s), ${sample.github.length} request(s)`,
      target: commentless ? '0 chunks, 0 requests' : 'chunks loaded on demand',
      met: commentless
        ? chunks.length === 0 && sample.github.length === 0
        : chunks.length > 0
    })
  }
  return checks
}

/**
 * wait-for-scan at its worst: polls have backed off to their longest gap,
 * requests take LATENCY_MS, and the scan ends just after a poll saw it still
 * running. The next poll is then as late as the action ever notices.
 */
async function scanWorstCase(): Promise<Check> {
  const worst = scenario(
    'wait-for-scan, worst case',
    (work) => {
      hss.setImage({ ...scanImage, scan: [{ status: 'scanning' }] })
      return {
        args: [ACTION_ENTRY],
        env: runnerEnv(
          work,
          actionInputs([scanImage.id], { 'wait-for-scan': '2m' })
        )
      }
    },
    {
      latencyMs: LATENCY_MS,
      verify: passVerify,
      watch: () => {
        const from = hss.requests.length
        let ended: number | undefined
        const timer = setInterval(() => {
          const polls = hss.requests
            .slice(from)
            .filter((r) => r.path.endsWith('/cicd/images'))
          const first = polls[0]?.at ?? Number.POSITIVE_INFINITY
          const last = polls[polls.length - 1]?.at ?? 0
          if (ended === undefined && last - first >= SCAN_WORST_AFTER_MS) {
            // The poll that just arrived was answered 'scanning' already.
            hss.setImage({ ...scanImage, scan: [{ status: 'success' }] })
            ended = Date.now()
          }
        }, 1)
        return () => {
          clearInterval(timer)
          return ended
        }
      }
    }
  )
  console.error('wait-for-scan worst case (about 40 s) ...')
  const sample = await runOnce(worst, { memory: false })
  const polls = sample.hss.filter((r) => r.path.endsWith('/cicd/images'))
  const ended = sample.mark ?? Number.NaN
  // Strictly after: the poll that triggered the end was answered 'scanning'.
  const noticed = polls.find((p) => p.at > ended)
  const lag = noticed ? noticed.at - ended : Number.NaN
  const first = polls[0]?.at ?? 0
  return {
    what:
      `wait-for-scan worst case: ${LATENCY_MS} ms latency, scan ends right ` +
      'after a poll at the longest gap',
    seen:
      `noticed ${duration(lag)} after; polls at ` +
      polls.map((p) => ((p.at - first) / 1000).toFixed(1)).join(', ') +
      ' s',
    target: '≤ 10 s',
    met: lag <= 10_000
  }
}

function countGitHub(requests: GitHubRequest[]) {
  const comments = /\/issues\/\d+\/comments$/
  return {
    lists: requests.filter((r) => r.method === 'GET' && comments.test(r.path))
      .length,
    writes: requests.filter((r) => r.method !== 'GET').length
  }
}

// ---- the run -------------------------------------------------------------------

async function main(): Promise<string> {
  const stale = staleBundleWarning()
  if (stale) console.error(`warning: ${stale}`)
  console.error('building the dependency floor with ncc ...')
  await buildDependencyFloor()

  console.error('warming up ...')
  for (const s of fast) await runOnce(s, { memory: false })

  // Slow runs are spread over the rounds rather than bunched at the start.
  const slowEvery = Math.max(1, Math.floor(RUNS / SLOW_RUNS))
  const rounds = Math.max(RUNS, (SLOW_RUNS - 1) * slowEvery + 1)
  for (let round = 0; round < rounds; round++) {
    const withSlow = round % slowEvery === 0 && round / slowEvery < SLOW_RUNS
    console.error(
      `round ${round + 1}/${rounds}${withSlow ? ' (with the slow runs)' : ''}`
    )
    if (round < RUNS) {
      for (const s of fast) s.timed.push(await runOnce(s, { memory: false }))
    }
    if (withSlow) {
      for (const s of slow) {
        const sample = await runOnce(s, { memory: gnuTime })
        s.timed.push(sample)
        s.measured.push(sample)
      }
    }
  }
  if (gnuTime) {
    for (let round = 0; round < MEMORY_RUNS; round++) {
      console.error(`memory round ${round + 1}/${MEMORY_RUNS}`)
      for (const s of fast) s.measured.push(await runOnce(s, { memory: true }))
    }
  }
  console.error('one-off checks ...')
  const checks = await oneOffChecks()
  return report(checks)
}

// ---- the report ------------------------------------------------------------------

interface Target {
  text: string
  met?: boolean
}

interface Row {
  label: string
  ms: string
  spread: string
  raw: string
  floor: string
  rss: string
  requests: string
  targets: Target[]
}

function report(checks: Check[]): string {
  const raw = median(rawFloor.timed.map((s) => s.ms))
  const floor = median(dependencyFloor.timed.map((s) => s.ms))
  const one = medianOf(oneImage)

  const row = (s: Scenario, targets: Target[] = []): Row => {
    const ms = s.timed.map((x) => x.ms)
    const m = median(ms)
    const rss = s.measured
      .map((x) => x.rss)
      .filter((x): x is number => x !== undefined)
    return {
      label: s.label,
      ms: duration(m),
      spread: `${duration(quantile(ms, 0.25))}–${duration(quantile(ms, 0.75))}`,
      raw: s.slow ? '–' : `${(m / raw).toFixed(2)}×`,
      floor: s.slow ? '–' : `${(m / floor).toFixed(2)}×`,
      rss: rss.length > 0 ? `${(median(rss) / MIB).toFixed(1)} MiB` : '–',
      requests: requestsOf(s),
      targets
    }
  }

  const oneRss = median(
    oneImage.measured.map((x) => x.rss ?? Number.NaN).filter(Number.isFinite)
  )
  const oneRequests = sameCount(oneImage, (x) => x.hss.length + x.github.length)
  const iamPerRun = sameCount(
    throughIam,
    (x) => x.hss.filter((r) => r.service === 'iam').length
  )
  const comment = withComment.timed.map((x) => countGitHub(x.github))

  const rows: Row[] = [
    row(nodeEmpty),
    row(rawFloor),
    row(dependencyFloor),
    row(startUp, [
      { text: `node itself ${signed(medianOf(startUp) - medianOf(nodeEmpty))}` }
    ]),
    row(oneImage, [
      {
        text: `≤ 1.2× dependency floor (${duration(1.2 * floor)})`,
        met: one <= 1.2 * floor
      },
      { text: 'exactly 1 request', met: oneRequests === 1 },
      {
        text: `peak < 80 MiB`,
        met: Number.isFinite(oneRss) ? oneRss < 80 * MIB : undefined
      },
      {
        text: `stretch: ≤ 2× raw floor (${duration(2 * raw)})`,
        met: one <= 2 * raw
      }
    ]),
    row(withSummary, [
      { text: `one image ${signed(medianOf(withSummary) - one)}` }
    ]),
    row(withComment, [
      {
        text: '1 list + 1 write',
        met: comment.every((c) => c.lists === 1 && c.writes === 1)
      },
      { text: `one image ${signed(medianOf(withComment) - one)}` }
    ]),
    row(throughIam, [{ text: '1 IAM request per run', met: iamPerRun === 1 }]),
    ...latencyCases.map((c) => {
      const expected = Math.ceil(c.count / c.concurrency) * LATENCY_MS + one
      const m = medianOf(c.scenario)
      return row(c.scenario, [
        {
          text: `${duration(expected)} ± 10 %`,
          met: Math.abs(m - expected) <= 0.1 * expected
        }
      ])
    }),
    scanRow(row)
  ]

  const bundle = bundleSizes()
  const lines: string[] = []
  lines.push(
    '| Run | Median | IQR | × raw floor | × dep. floor | Peak RSS | Requests per run | Targets | Met |',
    '|---|--:|--:|--:|--:|--:|---|---|:-:|'
  )
  for (const r of rows) {
    const judged = r.targets.filter(
      (t) => t.met !== undefined && !t.text.startsWith('stretch')
    )
    const met =
      judged.length === 0 ? '–' : judged.every((t) => t.met) ? '✓' : '✗'
    const targets = r.targets
      .map((t) => `${t.met === undefined ? '' : t.met ? '✓ ' : '✗ '}${t.text}`)
      .join('; ')
    lines.push(
      `| ${r.label} | ${r.ms} | ${r.spread} | ${r.raw} | ${r.floor} | ${r.rss} | ${r.requests} | ${targets || '–'} | ${met} |`
    )
  }
  lines.push('')
  lines.push('| Check | Seen | Target | Met |', '|---|---|---|:-:|')
  for (const c of checks) {
    lines.push(`| ${c.what} | ${c.seen} | ${c.target} | ${c.met ? '✓' : '✗'} |`)
  }
  lines.push(
    `| bundle: dist/index.js (loaded at start-up) | ${bundle.entry} | – | – |`,
    `| bundle: chunks loaded on demand | ${bundle.chunks} | – | – |`,
    `| dependency floor bundle | ${bundle.floor} | – | – |`
  )
  lines.push('')
  lines.push(machine())
  lines.push('')
  lines.push(
    `Reproduce: \`npm ci && npm run build && npm run bench\` (BENCH_RUNS=${RUNS}, ` +
      `BENCH_SLOW_RUNS=${SLOW_RUNS}, BENCH_MEMORY_RUNS=${MEMORY_RUNS}, BENCH_SCAN_MS=${SCAN_MS}` +
      `${process.env.ACTION_NODE ? `, ACTION_NODE=<Node ${nodeVersion}>` : ''}). ` +
      'Medians of interleaved runs against the loopback emulator; peak RSS from GNU time in separate runs.'
  )
  return lines.join('\n')
}

/** wait-for-scan: how long after the scan ended the action saw it. */
function scanRow(row: (s: Scenario, targets?: Target[]) => Row): Row {
  const runs = waitForScan.timed.map((sample) => {
    const polls = sample.hss.filter((r) => r.path.endsWith('/cicd/images'))
    const first = polls[0]?.at ?? 0
    const ended = first + SCAN_MS
    const noticed = polls.find((p) => p.at >= ended)
    const gaps = polls.slice(1).map((p, i) => p.at - (polls[i]?.at ?? 0))
    return {
      lag: noticed ? noticed.at - ended : Number.POSITIVE_INFINITY,
      gaps,
      polls: polls.length
    }
  })
  const lag = median(runs.map((r) => r.lag))
  const gaps = runs.flatMap((r) => r.gaps)
  const firstGaps = runs.map((r) => r.gaps[0] ?? Number.NaN)
  const backsOff = runs.every((r) =>
    r.gaps.every((g, i) => i === 0 || g >= (r.gaps[i - 1] ?? 0) - 50)
  )
  const last = runs[runs.length - 1]
  const base = row(waitForScan, [
    {
      text: `noticed ${duration(lag)} after the scan ended (≤ 10 s)`,
      met: lag <= 10_000
    },
    {
      text: `first poll gap ${duration(median(firstGaps))} (2 s), backing off`,
      met: firstGaps.every((g) => g >= 1900 && g <= 2600) && backsOff
    },
    {
      text: `shortest gap ${duration(Math.min(...gaps))} (≥ 1 s)`,
      met: Math.min(...gaps) >= 1000
    }
  ])
  base.requests = `${last?.polls ?? 0} polls (gaps ${last?.gaps.map((g) => (g / 1000).toFixed(1)).join(', ')} s) + 1 HSS`
  return base
}

function requestsOf(s: Scenario): string {
  const sample = s.timed[s.timed.length - 1]
  if (!sample) return '–'
  const iam = sample.hss.filter((r) => r.service === 'iam').length
  const hssCount = sample.hss.length - iam
  const gh = countGitHub(sample.github)
  const parts = [
    iam > 0 ? `${iam} IAM` : '',
    hssCount > 0 ? `${hssCount} HSS` : '',
    gh.lists + gh.writes > 0
      ? `${gh.lists} GitHub list + ${gh.writes} write`
      : ''
  ].filter(Boolean)
  return parts.join(' + ') || '0'
}

/** The count when every run agreed on it, NaN when they did not. */
function sameCount(s: Scenario, count: (x: Sample) => number): number {
  const counts = new Set(s.timed.map(count))
  return counts.size === 1 ? ([...counts][0] ?? Number.NaN) : Number.NaN
}

function bundleSizes() {
  const dist = dirname(ACTION_ENTRY)
  const size = (file: string) => {
    const bytes = readFileSync(file)
    return { raw: bytes.length, gzip: gzipSync(bytes).length }
  }
  const text = (s: { raw: number; gzip: number }) =>
    `${(s.raw / 1000).toFixed(0)} kB (${(s.gzip / 1000).toFixed(0)} kB gzip)`
  const chunks = readdirSync(dist)
    .filter((f) => f.endsWith('.js') && f !== 'index.js')
    .map((f) => ({ name: f, ...size(join(dist, f)) }))
  return {
    entry: text(size(ACTION_ENTRY)),
    chunks: chunks.map((c) => `${c.name} ${text(c)}`).join(', ') || 'none',
    floor: text(size(DEPENDENCY_FLOOR))
  }
}

function machine(): string {
  const cpu = cpus()
  return (
    `Machine: ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${cpu.length} cores, ` +
    `${(totalmem() / 1024 ** 3).toFixed(1)} GiB, ${platform()} ${release()}, ` +
    `Node ${nodeVersion}.`
  )
}

function medianOf(s: Scenario): number {
  return median(s.timed.map((x) => x.ms))
}

function median(values: number[]): number {
  return quantile(values, 0.5)
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  const high = Math.ceil(at)
  const a = sorted[low] ?? Number.NaN
  const b = sorted[high] ?? Number.NaN
  return a + (b - a) * (at - low)
}

function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (Math.abs(ms) >= 1000) return `${(ms / 1000).toFixed(2)} s`
  return `${ms.toFixed(0)} ms`
}

function signed(ms: number): string {
  return `${ms >= 0 ? '+' : '−'} ${duration(Math.abs(ms))}`
}

function setting(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer, got '${text}'`)
  }
  return value
}

try {
  console.log(await main())
} finally {
  await Promise.all([hss.close(), github.close()])
  rmSync(scratch, { recursive: true, force: true })
}
