/**
 * The sticky pull request comment, end to end: the bundled action run like
 * the runner runs it, the HSS emulator for the figures and a loopback GitHub
 * REST stand-in (GITHUB_API_URL) that stores the comments. The assertions are
 * about what a user sees: the comments on the pull request, the requests
 * GitHub received, the step's outputs, annotations, summary and exit status.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net'

import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it
} from '@jest/globals'

import {
  ACTIONS_BOT,
  forbiddenFault,
  githubTexts,
  secondaryRateLimitFault,
  startGitHubServer,
  type GitHubFault,
  type GitHubServer,
  type StoredComment
} from '../support/github-server.js'
import { startEmulator, type Emulator } from '../support/hss-emulator.js'
import { type RunOptions, type RunResult } from '../support/run-action.js'
import { expectNoSecrets, runScanned } from '../support/secrets.js'

const AK = 'AKE2ECOMMENT00000001'
// '/', '+' and '=' make the URL-encoded form differ from the raw one.
const SK = 'e2e/comment+secret=key-5c4b3a29181f'
const GITHUB_TOKEN = 'ghs_e2eCommentToken0123456789abcdefABCDEF'
const SECRETS = [AK, SK, GITHUB_TOKEN]

const OWNER = 'octo-org'
const REPO = 'octo-repo'
const PR = 7
const HEAD_SHA = 'abc123def4567890abc123def4567890abc12345'
const NEXT_SHA = 'fed987cba6543210fed987cba6543210fed98765'
/** GITHUB_SHA: on pull_request events the merge commit, not the head. */
const MERGE_SHA = 'ffac537e6cbbf934b08745a378932722df287a53'
const RUN_URL = 'https://github.com/octo-org/octo-repo/actions/runs/1658821493'

let hss: Emulator
let github: GitHubServer

beforeAll(async () => {
  hss = await startEmulator({
    region: 'cn-north-4',
    credentials: [{ accessKey: AK, secretKey: SK }],
    images: [
      { id: '111', totalFilesNum: 12873, totalFilesSize: 1_270_000_000 },
      { id: '222', totalFilesNum: 4096, totalFilesSize: 350_000_000 }
    ]
  })
})

afterAll(async () => {
  await hss.close()
})

beforeEach(async () => {
  hss.reset()
  github = await startGitHubServer({ token: GITHUB_TOKEN })
})

afterEach(async () => {
  await github.close()
})

interface Event {
  name: string
  payload?: unknown
}

function pullRequestEvent(
  sha = HEAD_SHA,
  name = 'pull_request',
  number = PR
): Event {
  return {
    name,
    payload: {
      action: 'synchronize',
      number,
      pull_request: { number, head: { sha, ref: 'feature' } }
    }
  }
}

interface GateOptions {
  inputs?: Record<string, string>
  event?: Event
  env?: Record<string, string>
  /** On unless false. */
  debug?: boolean
}

/**
 * One step with debug logging on, scanned for every form of SECRETS in its
 * logs, outputs and summary and in everything GitHub holds or received.
 */
function scannedRun(options: RunOptions): Promise<RunResult> {
  return runScanned(
    { alsoScan: () => githubTexts(github), ...options },
    SECRETS
  )
}

/** One step of the action on the pull request, against both stand-ins. */
function gate(options: GateOptions = {}): Promise<RunResult> {
  return scannedRun({
    inputs: {
      'image-id': '111',
      region: 'cn-north-4',
      'project-id': hss.projectId,
      'access-key': AK,
      'secret-key': SK,
      endpoint: hss.url,
      ...options.inputs
    },
    event: options.event ?? pullRequestEvent(),
    env: options.env,
    githubApiUrl: github.url,
    githubToken: GITHUB_TOKEN,
    debug: options.debug ?? true
  })
}

function stored(issue = PR): StoredComment[] {
  return github.comments(OWNER, REPO, issue)
}

function onlyComment(issue = PR): StoredComment {
  const comments = stored(issue)
  expect(comments).toHaveLength(1)
  return comments[0] as StoredComment
}

/** What a reader sees: the body without its hidden HTML comments. */
function visible(body: string): string {
  return body.replace(/<!--[\s\S]*?-->/g, '').trim()
}

/** Requests GitHub received from `from` on, as "METHOD page" or "METHOD". */
function calls(from = 0): string[] {
  return github.requests
    .slice(from)
    .map((r) =>
      r.path === '/user'
        ? `GET /user ${r.status}`
        : r.method === 'GET'
          ? `GET page ${r.query.page ?? '1'}`
          : r.method
    )
}

function commentWarnings(run: RunResult) {
  return run.annotations.filter(
    (a) => a.level === 'warning' && /comment/i.test(a.title ?? '')
  )
}

function debugLines(run: RunResult): string[] {
  return [...run.stdout.matchAll(/^::debug::(.*)$/gm)].map((m) => m[1] ?? '')
}

/** Again, by hand: gate() has already scanned all of this after the run. */
function expectNoSecretsAnywhere(run: RunResult): void {
  expectNoSecrets(run.everything, SECRETS)
  for (const text of Object.values(githubTexts(github))) {
    expectNoSecrets(text, SECRETS)
  }
}

describe('the first run on a pull request', () => {
  it('creates one comment: verdict first, then figures, limits, the run link and the head commit', async () => {
    const run = await gate({ inputs: { 'max-size': '2GB' } })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
    const comment = onlyComment()
    expect(calls()).toEqual(['GET page 1', 'POST'])
    expect(github.requests[0]?.path).toBe(
      `/repos/${OWNER}/${REPO}/issues/${PR}/comments`
    )
    expect(github.requests[0]?.query.per_page).toBe('100')

    // A hidden marker on the first line identifies the report's comment.
    expect(comment.body.split('\n')[0]).toMatch(/^<!--.*-->$/)
    const text = visible(comment.body)
    expect(text.split('\n')[0]).toBe('### ✅ HSS image size gate: pass')
    const at = (needle: string) => {
      const index = text.indexOf(needle)
      expect(index).toBeGreaterThan(0)
      return index
    }
    const figures = at('12,873')
    expect(text).toContain('1.27 GB (1.18 GiB)')
    const limits = at('max-size 2GB')
    const link = at(RUN_URL)
    const commit = at(HEAD_SHA)
    expect(figures).toBeLessThan(limits)
    expect(limits).toBeLessThan(link)
    expect(link).toBeLessThan(commit)
    // The head the author pushed, not the merge commit GITHUB_SHA names.
    expect(text).not.toContain(MERGE_SHA)

    expect(run.outputs['comment-url']).toBe(comment.html_url)
    expect(comment.html_url).toMatch(
      new RegExp(
        `^https://github\\.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${comment.id}$`
      )
    )
    expect(commentWarnings(run)).toEqual([])
    expectNoSecretsAnywhere(run)
  })

  it('comments on pull_request_target events too', async () => {
    const run = await gate({
      event: pullRequestEvent(HEAD_SHA, 'pull_request_target')
    })

    expect(run.exitCode).toBe(0)
    const comment = onlyComment()
    expect(comment.body).toContain(HEAD_SHA)
    expect(run.outputs['comment-url']).toBe(comment.html_url)
  })

  it('shows a failing verdict and the breach before anything else', async () => {
    const run = await gate({ inputs: { 'max-size': '1GB' } })

    expect(run.exitCode).toBe(1)
    const text = visible(onlyComment().body)
    expect(text.split('\n')[0]).toBe('### ❌ HSS image size gate: fail')
    const breach = text.indexOf('above max-size 1GB')
    expect(breach).toBeGreaterThan(0)
    expect(breach).toBeLessThan(text.indexOf('12,873'))
  })
})

describe('later runs on the same pull request', () => {
  it('updates the comment in place when a new commit is measured', async () => {
    const first = await gate()
    const created = onlyComment()
    const before = github.requests.length

    const second = await gate({
      event: pullRequestEvent(NEXT_SHA),
      env: { GITHUB_RUN_ID: '1658829999' }
    })

    expect(second.exitCode).toBe(0)
    const updated = onlyComment()
    expect(updated.id).toBe(created.id)
    expect(updated.body).toContain(NEXT_SHA)
    expect(updated.body).not.toContain(HEAD_SHA)
    expect(updated.body).toContain(
      'https://github.com/octo-org/octo-repo/actions/runs/1658829999'
    )
    expect(calls(before)).toEqual(['GET page 1', 'PATCH'])
    expect(github.requests.at(-1)?.path).toBe(
      `/repos/${OWNER}/${REPO}/issues/comments/${created.id}`
    )
    expect(first.outputs['comment-url']).toBe(created.html_url)
    expect(second.outputs['comment-url']).toBe(created.html_url)
  })

  it('re-running the same job writes nothing and never adds a comment', async () => {
    await gate()
    const created = onlyComment()
    const before = github.requests.length

    const rerun = await gate()

    expect(rerun.exitCode).toBe(0)
    expect(onlyComment()).toEqual(created)
    expect(calls(before)).toEqual(['GET page 1'])
    expect(rerun.outputs['comment-url']).toBe(created.html_url)
  })

  it('finds its comment behind 250 others by reading every page', async () => {
    const unrelated = Array.from({ length: 250 }, (_, i) =>
      i === 120
        ? '> ### ❌ HSS image size gate: fail\n\nQuoting the bot: why?'
        : `Review comment ${i + 1}`
    )
    github.seed(OWNER, REPO, PR, unrelated)

    await gate()
    expect(calls()).toEqual(['GET page 1', 'GET page 2', 'GET page 3', 'POST'])
    expect(stored()).toHaveLength(251)
    const created = stored().at(-1) as StoredComment
    const before = github.requests.length

    const second = await gate({ event: pullRequestEvent(NEXT_SHA) })

    expect(calls(before)).toEqual([
      'GET page 1',
      'GET page 2',
      'GET page 3',
      'PATCH'
    ])
    const comments = stored()
    expect(comments).toHaveLength(251)
    expect(comments.slice(0, 250).map((c) => c.body)).toEqual(unrelated)
    expect(comments[250]?.id).toBe(created.id)
    expect(comments[250]?.body).toContain(NEXT_SHA)
    expect(second.outputs['comment-url']).toBe(created.html_url)
  })

  it('keeps the oldest comment when a race left two, and deletes the other', async () => {
    await gate()
    const oldest = onlyComment()
    // A second run that raced the first also found none and created one.
    github.seed(OWNER, REPO, PR, [{ body: oldest.body, ...ACTIONS_BOT }])
    const copy = stored()[1] as StoredComment
    const before = github.requests.length

    const run = await gate({ event: pullRequestEvent(NEXT_SHA) })

    expect(run.exitCode).toBe(0)
    const kept = onlyComment()
    expect(kept.id).toBe(oldest.id)
    expect(kept.body).toContain(NEXT_SHA)
    expect(calls(before)).toEqual(['GET page 1', 'PATCH', 'DELETE'])
    expect(github.requests.at(-2)?.path).toMatch(
      new RegExp(`/issues/comments/${oldest.id}$`)
    )
    expect(github.requests.at(-1)?.path).toMatch(
      new RegExp(`/issues/comments/${copy.id}$`)
    )
    expect(run.outputs['comment-url']).toBe(oldest.html_url)
  })

  it('tells the oldest copy by its creation time, not by its place in the list', async () => {
    await gate()
    const newer = onlyComment()
    github.seed(OWNER, REPO, PR, [
      { body: newer.body, created_at: '2024-12-31T23:59:59Z', ...ACTIONS_BOT }
    ])
    const older = stored()[1] as StoredComment

    const run = await gate({ event: pullRequestEvent(NEXT_SHA) })

    const kept = onlyComment()
    expect(kept.id).toBe(older.id)
    expect(kept.body).toContain(NEXT_SHA)
    expect(run.outputs['comment-url']).toBe(older.html_url)
  })
})

describe("a comment that copies the report's marker", () => {
  const AUTHOR = { login: 'pr-author', type: 'User' }

  function touching(id: number): string[] {
    return github.requests
      .filter((r) => r.path.endsWith(`/issues/comments/${id}`))
      .map((r) => r.method)
  }

  it('is neither edited nor deleted, and the report comment is still updated', async () => {
    await gate()
    const report = onlyComment()
    const marker = report.body.split('\n')[0] ?? ''
    expect(marker).toMatch(/^<!--.*-->$/)
    // The pull request's author posts a comment that starts with the same
    // hidden line and claims to be older than the report.
    github.seed(OWNER, REPO, PR, [
      {
        body: `${marker}\n### ✅ HSS image size gate: pass\n\nTrust me.`,
        created_at: '2024-12-31T23:59:59Z',
        ...AUTHOR
      }
    ])
    const spoof = stored()[1] as StoredComment
    const before = github.requests.length

    const run = await gate({ event: pullRequestEvent(NEXT_SHA), debug: true })

    expect(run.exitCode).toBe(0)
    // The copy makes it ask who the token is; GitHub refuses a GITHUB_TOKEN.
    expect(calls(before)).toEqual(['GET page 1', 'GET /user 403', 'PATCH'])
    const [updated, untouched] = stored()
    expect(updated?.id).toBe(report.id)
    expect(updated?.body).toContain(NEXT_SHA)
    expect(untouched).toEqual(spoof)
    expect(touching(spoof.id)).toEqual([])
    expect(run.outputs['comment-url']).toBe(report.html_url)
    // Said at debug level only: anyone can post such comments.
    expect(debugLines(run)).toContainEqual(
      expect.stringMatching(/Ignored 1 comment\(s\) .*\(pr-author\)/)
    )
    expect(commentWarnings(run)).toEqual([])
    expect(run.annotations.filter((a) => /pr-author/.test(a.message))).toEqual(
      []
    )
  })

  it('does not stop the first run from creating the report', async () => {
    // The marker is the same on every pull request the workflow runs on, so
    // it can be copied from the report on another one before any run here.
    await gate({ event: pullRequestEvent(HEAD_SHA, 'pull_request', 8) })
    const marker = onlyComment(8).body.split('\n')[0] ?? ''
    expect(marker).toMatch(/^<!--.*-->$/)
    github.seed(OWNER, REPO, PR, [{ body: `${marker}\nfake`, ...AUTHOR }])
    const spoof = onlyComment()
    const before = github.requests.length

    const run = await gate()

    expect(run.exitCode).toBe(0)
    expect(calls(before)).toEqual(['GET page 1', 'GET /user 403', 'POST'])
    const [kept, report] = stored()
    expect(kept).toEqual(spoof)
    expect(report?.body.split('\n')[0]).toBe(marker)
    expect(report?.user).toEqual(ACTIONS_BOT)
    expect(run.outputs['comment-url']).toBe(report?.html_url)
  })
})

describe('comment-when', () => {
  it('creates no comment for a passing verdict with comment-when fail', async () => {
    const run = await gate({ inputs: { 'comment-when': 'fail' } })

    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual([])
    expect(calls()).toEqual(['GET page 1'])
    expect(run.outputs['comment-url']).toBe('')
    expect(run.outputs.status).toBe('pass')
    expect(commentWarnings(run)).toEqual([])
  })

  it('still updates an existing comment with comment-when fail, so it never shows a stale verdict', async () => {
    await gate({ inputs: { 'warn-size': '1GB', 'comment-when': 'warn' } })
    const warned = onlyComment()
    expect(visible(warned.body)).toMatch(/^### ⚠️ HSS image size gate: warn/)
    const before = github.requests.length

    const run = await gate({
      inputs: { 'warn-size': '2GB', 'comment-when': 'fail' },
      event: pullRequestEvent(NEXT_SHA)
    })

    expect(run.exitCode).toBe(0)
    expect(calls(before)).toEqual(['GET page 1', 'PATCH'])
    const updated = onlyComment()
    expect(updated.id).toBe(warned.id)
    expect(visible(updated.body)).not.toContain('HSS image size gate: warn')
    expect(updated.body).toContain('back within')
    expect(updated.body).toContain(NEXT_SHA)
    expect(run.outputs['comment-url']).toBe(warned.html_url)
  })

  const thresholds: Array<[string, Record<string, string>, string, boolean]> = [
    ['warn', { 'warn-size': '1GB' }, 'warn', true],
    ['warn', { 'max-size': '1GB' }, 'fail', true],
    ['warn', {}, 'pass', false],
    ['fail', { 'warn-size': '1GB' }, 'warn', false],
    ['fail', { 'max-size': '1GB' }, 'fail', true]
  ]

  it.each(thresholds)(
    'with comment-when %s and limits %j (verdict %s) creates a comment: %s',
    async (when, limits, verdict, created) => {
      const run = await gate({ inputs: { ...limits, 'comment-when': when } })

      expect(run.outputs.status).toBe(verdict)
      expect(stored()).toHaveLength(created ? 1 : 0)
      expect(run.outputs['comment-url']).toBe(
        created ? stored()[0]?.html_url : ''
      )
    }
  )
})

describe('a verdict that changes', () => {
  it('says the image is back within limits once a failing verdict passes again', async () => {
    const failing = await gate({ inputs: { 'max-size': '1GB' } })
    expect(failing.exitCode).toBe(1)
    const failed = onlyComment()
    expect(visible(failed.body)).toMatch(/^### ❌ HSS image size gate: fail/)

    const passing = await gate({
      inputs: { 'max-size': '2GB' },
      event: pullRequestEvent(NEXT_SHA)
    })

    expect(passing.exitCode).toBe(0)
    const comment = onlyComment()
    expect(comment.id).toBe(failed.id)
    const text = visible(comment.body)
    expect(text.split('\n')[0]).toMatch(/✅.*back within limits/)
    expect(text).toMatch(/back within its limits \(it was fail before\)/)
    expect(text).not.toContain('above max-size')
    expect(text).toContain('max-size 2GB')
    expect(text).toContain(NEXT_SHA)
  })

  it('goes back to the plain pass headline on the run after that', async () => {
    await gate({ inputs: { 'max-size': '1GB' } })
    await gate({
      inputs: { 'max-size': '2GB' },
      event: pullRequestEvent(NEXT_SHA)
    })

    await gate({
      inputs: { 'max-size': '2GB' },
      event: pullRequestEvent(HEAD_SHA)
    })

    const text = visible(onlyComment().body)
    expect(text.split('\n')[0]).toBe('### ✅ HSS image size gate: pass')
    expect(text).not.toContain('back within')
  })
})

describe('several reports on one pull request', () => {
  it('keeps two images in two comments that never overwrite each other', async () => {
    const first = await gate({ inputs: { 'image-id': '111' } })
    const second = await gate({ inputs: { 'image-id': '222' } })

    const comments = stored()
    expect(comments).toHaveLength(2)
    const [one, two] = comments as [StoredComment, StoredComment]
    expect(one.body).toContain('12,873')
    expect(two.body).toContain('4,096')
    expect(one.body.split('\n')[0]).not.toBe(two.body.split('\n')[0])
    expect(first.outputs['comment-url']).toBe(one.html_url)
    expect(second.outputs['comment-url']).toBe(two.html_url)

    // A new commit updates each report in its own comment.
    await gate({
      inputs: { 'image-id': '111' },
      event: pullRequestEvent(NEXT_SHA)
    })
    const after = stored()
    expect(after.map((c) => c.id)).toEqual([one.id, two.id])
    expect(after[0]?.body).toContain(NEXT_SHA)
    expect(after[1]?.body).toEqual(two.body)
  })

  it('keeps two steps of one job measuring the same image in two comments', async () => {
    const strict = await gate({
      inputs: { 'max-size': '1GB' },
      env: { GITHUB_ACTION: 'strict' }
    })
    const loose = await gate({
      inputs: { 'max-size': '5GB' },
      env: { GITHUB_ACTION: 'loose' }
    })

    const comments = stored()
    expect(comments).toHaveLength(2)
    expect(strict.outputs['comment-url']).toBe(comments[0]?.html_url)
    expect(loose.outputs['comment-url']).toBe(comments[1]?.html_url)
    expect(visible(comments[0]?.body ?? '')).toMatch(/^### ❌/)
    expect(visible(comments[1]?.body ?? '')).toMatch(/^### ✅/)
  })

  it('keeps reports with different comment-key values apart', async () => {
    const amd = await gate({ inputs: { 'comment-key': 'linux/amd64' } })
    const arm = await gate({ inputs: { 'comment-key': 'linux/arm64' } })

    const comments = stored()
    expect(comments).toHaveLength(2)
    expect(amd.outputs['comment-url']).toBe(comments[0]?.html_url)
    expect(arm.outputs['comment-url']).toBe(comments[1]?.html_url)

    const before = github.requests.length
    await gate({
      inputs: { 'comment-key': 'linux/arm64', 'max-size': '1GB' }
    })
    expect(calls(before)).toEqual(['GET page 1', 'PATCH'])
    const after = stored()
    expect(after).toHaveLength(2)
    expect(after[0]?.body).toEqual(comments[0]?.body)
    expect(visible(after[1]?.body ?? '')).toMatch(
      /^### ❌ HSS image size gate: fail/
    )
  })
})

describe('events without a pull request to comment on', () => {
  const cases: Array<[string, GateOptions, RegExp]> = [
    ['a push event', { event: { name: 'push', payload: {} } }, /push/],
    [
      'comment: never on a pull request',
      { inputs: { comment: 'never' } },
      /never/
    ],
    [
      'comment: always on a workflow_run without pr-number',
      {
        event: { name: 'workflow_run', payload: { workflow_run: {} } },
        inputs: { comment: 'always' }
      },
      /workflow_run/
    ],
    [
      'a pull_request event whose payload carries no pull request',
      { event: { name: 'pull_request', payload: {} } },
      /pull_request/
    ]
  ]

  it('warns, and attempts nothing, on a push event with pr-number while comment is auto', async () => {
    const run = await gate({
      event: { name: 'push', payload: {} },
      inputs: { 'pr-number': '42' }
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
    expect(run.outputs['comment-url']).toBe('')
    expect(github.requests).toEqual([])
    expect(stored(42)).toEqual([])
    const warnings = commentWarnings(run)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toMatch(
      /comment is auto and the event is push/
    )
    expect(warnings[0]?.message).toMatch(/comment: always/)
  })

  it.each(cases)(
    'attempts nothing on %s and says why in a debug line',
    async (_name, options, reason) => {
      const run = await gate({ ...options, debug: true })

      expect(run.exitCode).toBe(0)
      expect(run.outputs.status).toBe('pass')
      expect(run.outputs['comment-url']).toBe('')
      expect(github.requests).toEqual([])
      expect(stored()).toEqual([])
      expect(stored(42)).toEqual([])
      const why = debugLines(run).filter((l) =>
        l.startsWith('No pull request comment')
      )
      expect(why).toHaveLength(1)
      expect(why[0]).toMatch(reason)
      expect(commentWarnings(run)).toEqual([])
    }
  )

  it('comments on the pr-number given with comment: always from a workflow_run', async () => {
    const run = await gate({
      inputs: { comment: 'always', 'pr-number': '42' },
      event: {
        name: 'workflow_run',
        payload: {
          action: 'completed',
          workflow_run: { id: 99, head_sha: HEAD_SHA, pull_requests: [] }
        }
      }
    })

    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual([])
    const comment = onlyComment(42)
    expect(visible(comment.body)).toMatch(/^### ✅ HSS image size gate: pass/)
    expect(comment.body).toContain(RUN_URL)
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/42/comments`,
      `POST /repos/${OWNER}/${REPO}/issues/42/comments`
    ])
    expect(run.outputs['comment-url']).toBe(comment.html_url)
  })
})

describe('GitHub refusing or failing', () => {
  const refusals: Array<[string, GitHubFault, string[], RegExp]> = [
    [
      '403 on writing the comment',
      forbiddenFault({ method: 'POST' }),
      ['GET page 1', 'POST'],
      /HTTP 403/
    ],
    [
      '404 on listing the comments',
      { method: 'GET', status: 404 },
      ['GET page 1'],
      /HTTP 404/
    ]
  ]

  it.each(refusals)(
    'turns %s into a warning that names the cause and the fork recipe, and the gate still passes',
    async (_name, fault, expectedCalls, status) => {
      github.inject(fault)

      const run = await gate({ inputs: { 'max-size': '2GB' } })

      expect(run.exitCode).toBe(0)
      expect(calls()).toEqual(expectedCalls)
      expect(stored()).toEqual([])
      const warnings = commentWarnings(run)
      expect(warnings).toHaveLength(1)
      const message = warnings[0]?.message ?? ''
      expect(message).toMatch(status)
      expect(message).toContain('pull-requests: write')
      expect(message).toMatch(/fork/i)
      expect(message).toContain('README')
      expect(run.annotations.filter((a) => a.level === 'error')).toEqual([])
      expect(run.outputs.status).toBe('pass')
      expect(run.outputs['total-files-num']).toBe('12873')
      expect(run.outputs['total-files-size']).toBe('1270000000')
      expect(run.outputs['comment-url']).toBe('')
      expect(run.summary).toContain('HSS image size gate: pass')
      expect(run.summary).toContain('12,873')
      expectNoSecretsAnywhere(run)
    }
  )

  it('keeps the exit code of a failing gate when the comment is refused', async () => {
    github.inject(forbiddenFault({ method: 'POST' }))

    const run = await gate({ inputs: { 'max-size': '1GB' } })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    expect(run.outputs['comment-url']).toBe('')
    expect(commentWarnings(run)).toHaveLength(1)
    const errors = run.annotations.filter((a) => a.level === 'error')
    expect(errors.map((e) => e.message).join('\n')).toContain(
      'above max-size 1GB'
    )
    expect(errors.map((e) => e.message).join('\n')).not.toMatch(/comment/i)
  })

  const transient: Array<[string, GitHubFault, string[]]> = [
    [
      'a 500 on writing the comment',
      { method: 'POST', status: 500 },
      ['GET 200', 'POST 500', 'POST 201']
    ],
    [
      'a 502 on listing the comments',
      { method: 'GET', status: 502 },
      ['GET 502', 'GET 200', 'POST 201']
    ],
    [
      'a secondary rate limit on writing the comment',
      secondaryRateLimitFault({ method: 'POST' }),
      ['GET 200', 'POST 403', 'POST 201']
    ]
  ]

  it.each(transient)(
    'retries %s and then writes the comment once',
    async (_name, fault, expected) => {
      github.inject(fault)

      const run = await gate()

      expect(run.exitCode).toBe(0)
      expect(github.requests.map((r) => `${r.method} ${r.status}`)).toEqual(
        expected
      )
      const comment = onlyComment()
      expect(run.outputs['comment-url']).toBe(comment.html_url)
      expect(
        run.annotations.filter((a) => a.title?.includes('not written'))
      ).toEqual([])
    }
  )
})

describe('secrets', () => {
  it('are looked for in every comment GitHub holds and in every request body, on any issue', async () => {
    // Planted, not written by the action: proves the scan reaches them.
    const planted = `Basic ${Buffer.from(`user:${SK}`).toString('base64')}`
    github.seed(OWNER, REPO, 42, [{ body: planted }])
    await expect(gate()).rejects.toThrow(
      /credentials leaked: secret-key \(base64\) in comment \d+/
    )

    const texts = githubTexts(github)
    expect(Object.values(texts)).toContain(planted)
    const written = stored()
    expect(written).toHaveLength(1)
    expect(texts[`comment ${written[0]?.id}`]).toBe(written[0]?.body)
    const post = github.requests.findIndex((r) => r.method === 'POST')
    expect(texts[`GitHub request ${post + 1} body`]).toContain(
      'HSS image size gate'
    )
  })

  it('never shows the GitHub token or the HSS keys, in logs, outputs, summary or comments', async () => {
    const first = await gate({ inputs: { 'max-size': '1GB' }, debug: true })
    github.inject(forbiddenFault({ method: 'PATCH' }))
    const refused = await gate({
      inputs: { 'max-size': '2GB' },
      event: pullRequestEvent(NEXT_SHA),
      debug: true
    })

    // The token was used: GitHub accepted the writes it authorised.
    expect(stored()).toHaveLength(1)
    expect(
      github.requests.every((r) => r.headers.authorization !== undefined)
    ).toBe(true)
    expect(first.masked).toContain(GITHUB_TOKEN)
    expect(commentWarnings(refused)).toHaveLength(1)
    for (const run of [first, refused]) {
      expectNoSecretsAnywhere(run)
    }
    for (const request of github.requests) {
      if (request.body !== undefined) {
        expectNoSecrets(JSON.stringify(request.body), SECRETS)
      }
    }
  })
})

describe('a very long report', () => {
  it('stays under 65,536 characters, cut the same way every run, with a note, and keeps the verdict, limits, run link and commit', async () => {
    // Two breach sentences per image: far more than one comment can hold.
    const ids = Array.from(
      { length: 260 },
      (_, i) => `big-${String(i).padStart(3, '0')}-${'y'.repeat(90)}`
    )
    ids.forEach((id, i) =>
      hss.setImage({
        id,
        totalFilesNum: 20_000 + i,
        totalFilesSize: 2_000_000_000 + i
      })
    )
    const inputs = {
      'image-id': ids.join('\n'),
      'max-size': '1GB',
      'max-files': '10',
      concurrency: '16'
    }

    const run = await gate({ inputs })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    const comment = onlyComment()
    expect(comment.body.length).toBeLessThan(65_536)
    const text = visible(comment.body)
    expect(text.split('\n')[0]).toBe('### ❌ HSS image size gate: fail')
    expect(text).toMatch(/not shown|truncated|more; see the job summary/i)
    expect(text).toContain('| Image | Files | Size | Verdict |')
    expect(text).toContain('max-size 1GB')
    expect(text).toContain('max-files 10')
    expect(text).toContain(RUN_URL)
    expect(text).toContain(HEAD_SHA)
    expect(run.outputs['comment-url']).toBe(comment.html_url)
    const before = github.requests.length

    const again = await gate({ inputs })

    // The same report is cut at the same place: nothing to rewrite.
    expect(again.exitCode).toBe(1)
    expect(onlyComment()).toEqual(comment)
    expect(calls(before)).toEqual(['GET page 1'])
  })
})

describe('a GitHub API that never answers', () => {
  it('is cut off by the step timeout, with a warning, and the gate still passes', async () => {
    // Accepts connections and never answers them.
    const sockets = new Set<Socket>()
    const silent = createServer((socket) => {
      sockets.add(socket)
      socket.on('error', () => undefined)
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const { port } = silent.address() as AddressInfo
    try {
      const run = await scannedRun({
        inputs: {
          'image-id': '111',
          region: 'cn-north-4',
          'project-id': hss.projectId,
          'access-key': AK,
          'secret-key': SK,
          endpoint: hss.url,
          timeout: '3s'
        },
        event: pullRequestEvent(),
        githubApiUrl: `http://127.0.0.1:${port}`,
        githubToken: GITHUB_TOKEN
      })

      expect(run.exitCode).toBe(0)
      expect(run.outputs.status).toBe('pass')
      expect(run.outputs['total-files-num']).not.toBe('')
      expect(run.outputs['comment-url']).toBe('')
      expect(commentWarnings(run).map((w) => w.message)).toEqual([
        expect.stringContaining("the step's timeout (3s) ran out")
      ])
      // A safety bound, not a benchmark: the step ends soon after 3 s
      // instead of waiting out Octokit's retries.
      expect(run.durationMs).toBeLessThan(15_000)
    } finally {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})
