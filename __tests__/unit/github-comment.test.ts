import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { ServiceError } from '../../src/errors.js'
import {
  commentMarker,
  upsertStickyComment,
  type StickyCommentRequest
} from '../../src/github/comment.js'
import {
  ACTIONS_BOT,
  forbiddenFault,
  primaryRateLimitFault,
  secondaryRateLimitFault,
  startGitHubServer,
  type GitHubServer
} from '../support/github-server.js'

const TOKEN = 'ghs_testtoken000'
const OWNER = 'octo-org'
const REPO = 'app'
const PR = 42

let server: GitHubServer
let logs: { level: string; message: string }[]

beforeEach(async () => {
  server = await startGitHubServer({ token: TOKEN })
  logs = []
})

afterEach(async () => {
  await server.close()
})

function request(
  overrides: Partial<StickyCommentRequest> = {}
): StickyCommentRequest {
  return {
    token: TOKEN,
    apiUrl: server.url,
    owner: OWNER,
    repo: REPO,
    issueNumber: PR,
    key: 'registry.example.com/app:1.0',
    body: '### Image size\n\n| image | size |\n|---|---|\n| app | 12 MB |',
    createIfMissing: true,
    log: {
      debug: (message) => logs.push({ level: 'debug', message }),
      info: (message) => logs.push({ level: 'info', message }),
      warning: (message) => logs.push({ level: 'warning', message })
    },
    ...overrides
  }
}

function sent(method: string) {
  return server.requests.filter((r) => r.method === method)
}

function comments() {
  return server.comments(OWNER, REPO, PR)
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught
  )
  expect(error).toBeInstanceOf(ServiceError)
  return error as ServiceError
}

describe('upsertStickyComment', () => {
  it('creates exactly one comment, with the marker as its first line', async () => {
    const result = await upsertStickyComment(request())

    const [comment, ...others] = comments()
    expect(others).toHaveLength(0)
    expect(comment?.body).toBe(
      `${commentMarker('registry.example.com/app:1.0')}\n${request().body}`
    )
    expect(result).toEqual({
      action: 'created',
      url: `https://github.com/${OWNER}/${REPO}/pull/${PR}#issuecomment-${comment?.id}`,
      id: comment?.id,
      removedDuplicates: []
    })
    expect(sent('POST')).toHaveLength(1)
  })

  it('edits the same comment in place on the next run', async () => {
    const first = await upsertStickyComment(request())
    const second = await upsertStickyComment(
      request({ body: 'Back under budget' })
    )

    expect(second.action).toBe('updated')
    expect(second.id).toBe(first.id)
    expect(second.url).toBe(first.url)
    expect(comments()).toHaveLength(1)
    expect(comments()[0]?.body).toMatch(/\nBack under budget$/)
    expect(sent('POST')).toHaveLength(1)
    expect(sent('PATCH')).toHaveLength(1)
    expect(sent('PATCH')[0]?.path).toBe(
      `/repos/${OWNER}/${REPO}/issues/comments/${first.id}`
    )
  })

  it('sends nothing when the comment already has the same body', async () => {
    const first = await upsertStickyComment(request())
    const again = await upsertStickyComment(request())

    expect(again).toEqual({
      action: 'unchanged',
      url: first.url,
      id: first.id,
      removedDuplicates: []
    })
    expect(sent('PATCH')).toHaveLength(0)
    expect(sent('POST')).toHaveLength(1)
  })

  it('finds its comment on the third page behind 250 unrelated comments', async () => {
    const unrelated = Array.from({ length: 250 }, (_, i) => `LGTM ${i}`)
    server.seed(OWNER, REPO, PR, [
      ...unrelated,
      { body: `${commentMarker(request().key)}\nold report`, ...ACTIONS_BOT }
    ])

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('updated')
    expect(sent('POST')).toHaveLength(0)
    const pages = sent('GET').map((r) => [r.query.per_page, r.query.page])
    expect(pages).toEqual([
      ['100', undefined],
      ['100', '2'],
      ['100', '3']
    ])
    expect(comments()).toHaveLength(251)
  })

  it('keeps the oldest of two marked comments and deletes the other', async () => {
    const marker = commentMarker(request().key)
    server.seed(OWNER, REPO, PR, [
      'unrelated',
      { body: `${marker}\nfirst run`, ...ACTIONS_BOT },
      { body: `${marker}\nraced run`, ...ACTIONS_BOT }
    ])
    const [unrelated, oldest, newer] = comments()

    const result = await upsertStickyComment(request())

    expect(result).toMatchObject({
      action: 'updated',
      id: oldest?.id,
      removedDuplicates: [newer?.id]
    })
    expect(comments().map((c) => c.id)).toEqual([unrelated?.id, oldest?.id])
    expect(sent('DELETE').map((r) => r.path)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/comments/${newer?.id}`
    ])
  })

  it('warns and carries on when a duplicate cannot be deleted', async () => {
    const marker = commentMarker(request().key)
    server.seed(OWNER, REPO, PR, [
      { body: `${marker}\nfirst`, ...ACTIONS_BOT },
      { body: `${marker}\nsecond`, ...ACTIONS_BOT }
    ])
    server.inject(forbiddenFault({ method: 'DELETE' }))

    const result = await upsertStickyComment(request())

    expect(result).toMatchObject({ action: 'updated', removedDuplicates: [] })
    expect(comments()).toHaveLength(2)
    const warnings = logs.filter((l) => l.level === 'warning')
    expect(warnings.map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^GitHub: deleting duplicate comment \d+ .*HTTP 403/
      )
    ])
  })

  it('breaks a tie on creation time by the lower id', async () => {
    const marker = commentMarker(request().key)
    const at = '2025-01-06T08:00:00Z'
    server.seed(OWNER, REPO, PR, [
      { body: `${marker}\na`, created_at: at, ...ACTIONS_BOT },
      { body: `${marker}\nb`, created_at: at, ...ACTIONS_BOT }
    ])
    const [lower, higher] = comments()

    const result = await upsertStickyComment(request())

    expect(result.id).toBe(lower?.id)
    expect(result.removedDuplicates).toEqual([higher?.id])
  })

  it('never touches a comment that carries a different key', async () => {
    const otherBody = `${commentMarker('linux/arm64')}\nthe other leg`
    server.seed(OWNER, REPO, PR, [{ body: otherBody, ...ACTIONS_BOT }])
    const [other] = comments()

    await upsertStickyComment(request({ key: 'linux/amd64' }))
    await upsertStickyComment(request({ key: 'linux/amd64', body: 'v2' }))

    expect(comments()).toHaveLength(2)
    expect(comments()[0]).toEqual(other)
    expect(comments()[0]?.body).toBe(otherBody)
    const touched = server.requests.filter((r) =>
      r.path.endsWith(`/${other?.id}`)
    )
    expect(touched).toHaveLength(0)
  })

  it('does not mistake a quoted marker for its own comment', async () => {
    server.seed(OWNER, REPO, PR, [`> ${commentMarker(request().key)}\n> hi`])

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('created')
    expect(comments()).toHaveLength(2)
  })

  it('skips without posting when none exists and creating is not allowed', async () => {
    const result = await upsertStickyComment(
      request({ createIfMissing: false })
    )

    expect(result).toEqual({
      action: 'skipped',
      url: '',
      removedDuplicates: []
    })
    expect(sent('POST')).toHaveLength(0)
    expect(comments()).toHaveLength(0)
  })

  it('still updates an existing comment when creating is not allowed', async () => {
    const first = await upsertStickyComment(request())

    const result = await upsertStickyComment(
      request({ createIfMissing: false, body: 'Back under budget' })
    )

    expect(result).toMatchObject({ action: 'updated', id: first.id })
    expect(comments()[0]?.body).toMatch(/Back under budget$/)
  })

  it('fails on a read-only token with status 403 and the fork hint, after one POST', async () => {
    server.inject(forbiddenFault({ method: 'POST' }))

    const error = await failure(upsertStickyComment(request()))

    expect(error.details).toMatchObject({
      operation: `creating a comment on ${OWNER}/${REPO}#${PR}`,
      status: 403,
      serviceMessage: 'Resource not accessible by integration',
      authFailure: true
    })
    expect(error.details.requestId).toMatch(/^[0-9A-F:]+$/)
    expect(error.details.hint).toContain('pull-requests: write')
    expect(error.details.hint).toContain('#pull-requests-from-forks')
    expect(error.message).toContain('HTTP 403')
    expect(error.message).toContain(error.details.requestId)
    expect(sent('POST')).toHaveLength(1)
  })

  it('does not retry a rejected token', async () => {
    const error = await failure(
      upsertStickyComment(request({ token: 'ghs_wrong' }))
    )

    expect(error.details).toMatchObject({
      operation: `listing comments on ${OWNER}/${REPO}#${PR}`,
      status: 401,
      serviceMessage: 'Bad credentials',
      authFailure: true
    })
    expect(server.requests).toHaveLength(1)
  })

  it('does not retry a body that GitHub refuses as too long', async () => {
    const error = await failure(
      upsertStickyComment(request({ body: 'x'.repeat(70_000) }))
    )

    expect(error.details.status).toBe(422)
    expect(error.details.hint).toContain('65,536')
    expect(sent('POST')).toHaveLength(1)
  })

  it('retries a server error once and then succeeds', async () => {
    server.inject({ method: 'GET', status: 500 })

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('created')
    expect(sent('GET').map((r) => r.status)).toEqual([500, 200])
  })

  it('waits out a secondary rate limit and then succeeds', async () => {
    server.inject(secondaryRateLimitFault({ method: 'POST' }))

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('created')
    expect(sent('POST').map((r) => r.status)).toEqual([403, 201])
    expect(comments()).toHaveLength(1)
    // A retry that succeeds is news, not something to act on.
    expect(logs.filter((l) => l.level === 'warning')).toEqual([])
    expect(
      logs.filter(
        (l) =>
          l.level === 'info' && /secondary rate limit.*retrying/.test(l.message)
      )
    ).toHaveLength(1)
  })

  it('waits for a primary rate limit to reset and then succeeds', async () => {
    server.inject(primaryRateLimitFault({ method: 'GET' }))

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('created')
    expect(sent('GET').map((r) => r.status)).toEqual([403, 200])
  })

  it('gives up after two rate-limit retries', async () => {
    server.inject(secondaryRateLimitFault({ method: 'POST', times: 5 }))

    const error = await failure(upsertStickyComment(request()))

    expect(error.details.status).toBe(403)
    expect(error.details.authFailure).toBe(false)
    expect(error.details.hint).toMatch(/rate limit/)
    expect(sent('POST')).toHaveLength(3)
    expect(comments()).toHaveLength(0)
  })

  it('logs each request at debug without the token', async () => {
    await upsertStickyComment(request())

    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.message)
    expect(debug).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^GitHub GET \/repos\/octo-org\/app\/issues\/42\/comments\?per_page=100 -> 200/
        ),
        expect.stringMatching(
          /^GitHub POST \/repos\/octo-org\/app\/issues\/42\/comments -> 201/
        )
      ])
    )
    expect(logs.some((l) => l.message.includes(TOKEN))).toBe(false)
    expect(sent('GET')[0]?.headers.authorization).toBe(`token ${TOKEN}`)
  })
})

describe('whose marked comments count', () => {
  const PAT = 'ghp_maintainerToken0000000000000000000000'
  const MAINTAINER = 'octo-maintainer'
  const SPOOFER = { login: 'mallory', type: 'User' }

  function marker() {
    return commentMarker(request().key)
  }

  function touching(id: number | undefined) {
    return server.requests.filter(
      (r) => r.path === `/repos/${OWNER}/${REPO}/issues/comments/${id}`
    )
  }

  function userRequests() {
    return server.requests.filter((r) => r.path === '/user')
  }

  async function restartAs(
    token: string,
    login?: string,
    type?: string,
    namesAuthors?: boolean
  ) {
    await server.close()
    server = await startGitHubServer({ token, login, type, namesAuthors })
  }

  it('ignores an older copy of the marker written by someone else and updates its own', async () => {
    server.seed(OWNER, REPO, PR, [
      { body: `${marker()}\nI am the report now`, ...SPOOFER },
      { body: `${marker()}\nold report`, ...ACTIONS_BOT }
    ])
    const [spoof, ours] = comments()

    const result = await upsertStickyComment(request())

    expect(result).toMatchObject({
      action: 'updated',
      id: ours?.id,
      url: ours?.html_url,
      removedDuplicates: []
    })
    expect(comments()).toHaveLength(2)
    expect(comments()[0]).toEqual(spoof)
    expect(comments()[1]?.body).toBe(`${marker()}\n${request().body}`)
    expect(touching(spoof?.id)).toEqual([])
    expect(sent('DELETE')).toEqual([])
    expect(sent('PATCH').map((r) => r.path)).toEqual([
      `/repos/${OWNER}/${REPO}/issues/comments/${ours?.id}`
    ])
    // Someone's copy makes it ask who the token is: GitHub refuses an
    // installation token that question, so only bots' comments count.
    expect(userRequests().map((r) => r.status)).toEqual([403])
    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.message)
    expect(debug).toContainEqual(
      expect.stringMatching(/^Ignored 1 comment\(s\) .*\(mallory\)/)
    )
    expect(
      logs.filter((l) => l.level !== 'debug').map((l) => l.message)
    ).toEqual([`Updated report comment ${ours?.html_url}`])
  })

  it("creates its own comment when the only copies of the marker are someone else's", async () => {
    server.seed(OWNER, REPO, PR, [
      { body: `${marker()}\nfake one`, ...SPOOFER },
      { body: `${marker()}\nfake two`, login: 'eve' }
    ])
    const before = comments()

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('created')
    const after = comments()
    expect(after).toHaveLength(3)
    expect(after.slice(0, 2)).toEqual(before)
    expect(after[2]).toMatchObject({
      id: result.id,
      body: `${marker()}\n${request().body}`,
      user: ACTIONS_BOT
    })
    expect(sent('PATCH')).toEqual([])
    expect(sent('DELETE')).toEqual([])
    expect(logs.filter((l) => l.level === 'warning')).toEqual([])
    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.message)
    expect(debug).toContainEqual(
      expect.stringMatching(/^Ignored 2 comment\(s\) .*\(mallory, eve\)/)
    )
  })

  it("skips, touching nothing, when only someone else's copy exists and creating is not allowed", async () => {
    server.seed(OWNER, REPO, PR, [{ body: `${marker()}\nfake`, ...SPOOFER }])
    const before = comments()

    const result = await upsertStickyComment(
      request({ createIfMissing: false })
    )

    expect(result.action).toBe('skipped')
    expect(comments()).toEqual(before)
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      'GET /user'
    ])
  })

  it("with a personal access token, asks GET /user once and counts only that user's comments", async () => {
    await restartAs(PAT, MAINTAINER)
    server.seed(OWNER, REPO, PR, [
      { body: `${marker()}\nby the bot`, ...ACTIONS_BOT },
      { body: `${marker()}\nby someone`, ...SPOOFER },
      { body: `${marker()}\nfirst report`, login: MAINTAINER },
      { body: `${marker()}\nraced report`, login: MAINTAINER }
    ])
    const [bot, spoof, ours, copy] = comments()

    const result = await upsertStickyComment(request({ token: PAT }))

    expect(userRequests()).toHaveLength(1)
    expect(userRequests()[0]?.headers.authorization).toBe(`token ${PAT}`)
    expect(result).toMatchObject({
      action: 'updated',
      id: ours?.id,
      removedDuplicates: [copy?.id]
    })
    expect(comments().map((c) => c.id)).toEqual([bot?.id, spoof?.id, ours?.id])
    expect(comments().slice(0, 2)).toEqual([bot, spoof])
    expect(touching(bot?.id)).toEqual([])
    expect(touching(spoof?.id)).toEqual([])
    const debug = logs.filter((l) => l.level === 'debug').map((l) => l.message)
    expect(debug).toContainEqual(
      expect.stringMatching(/^Ignored 2 comment\(s\) .*github-actions\[bot\]/)
    )
  })

  it('with a personal access token, finds the comment it created on the next run', async () => {
    await restartAs(PAT, MAINTAINER)

    const first = await upsertStickyComment(request({ token: PAT }))
    expect(comments()[0]?.user).toEqual({ login: MAINTAINER, type: 'User' })
    const second = await upsertStickyComment(
      request({ token: PAT, body: 'v2' })
    )

    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(comments()).toHaveLength(1)
    expect(userRequests()).toHaveLength(1)
  })

  it('does not ask GET /user when no comment carries the marker', async () => {
    await restartAs(PAT, MAINTAINER)
    server.seed(OWNER, REPO, PR, [
      'LGTM',
      `> ${marker()}\n> quoted`,
      {
        body: `${commentMarker('another key')}\nother report`,
        login: MAINTAINER
      }
    ])

    const result = await upsertStickyComment(request({ token: PAT }))

    expect(result.action).toBe('created')
    expect(userRequests()).toEqual([])
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `POST /repos/${OWNER}/${REPO}/issues/${PR}/comments`
    ])
  })

  it.each([
    [401, /refused to name the token's user \(HTTP 401\)/],
    [403, /refused to name the token's user \(HTTP 403\)/],
    [404, /could not name the token's user \(HTTP 404\); a bot wrote a copy/],
    [405, /could not name the token's user \(HTTP 405\); a bot wrote a copy/],
    [501, /could not name the token's user \(HTTP 501\); a bot wrote a copy/]
  ])(
    "keeps to the bot's copy over an older person's copy when GET /user answers %i, asking once",
    async (status, why) => {
      // A token of no known format that is in fact an installation's.
      const token = 'v1.0123456789abcdef0123456789abcdef01234567'
      await restartAs(token, ACTIONS_BOT.login, ACTIONS_BOT.type)
      server.inject(
        status === 403
          ? forbiddenFault({ method: 'GET', path: /^\/user$/ })
          : { method: 'GET', path: /^\/user$/, status }
      )
      server.seed(OWNER, REPO, PR, [
        { body: `${marker()}\nfake`, ...SPOOFER },
        { body: `${marker()}\nold report`, ...ACTIONS_BOT }
      ])
      const [spoof, ours] = comments()

      const result = await upsertStickyComment(request({ token }))

      expect(result).toMatchObject({ action: 'updated', id: ours?.id })
      expect(comments()).toHaveLength(2)
      expect(comments()[0]).toEqual(spoof)
      expect(touching(spoof?.id)).toEqual([])
      expect(userRequests().map((r) => r.status)).toEqual([status])
      expect(logs.filter((l) => l.level === 'warning')).toEqual([])
      const debug = logs
        .filter((l) => l.level === 'debug')
        .map((l) => l.message)
      expect(debug).toContainEqual(expect.stringMatching(why))
    }
  )

  it('with a token of no known format, updates the bot comment it finds without asking GET /user', async () => {
    const token = 'test-token-0123456789'
    await restartAs(token, ACTIONS_BOT.login, ACTIONS_BOT.type)
    server.seed(OWNER, REPO, PR, [
      { body: `${marker()}\nold report`, ...ACTIONS_BOT }
    ])
    const [ours] = comments()

    const result = await upsertStickyComment(request({ token }))

    expect(result).toMatchObject({ action: 'updated', id: ours?.id })
    expect(comments()).toHaveLength(1)
    expect(userRequests()).toEqual([])
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /repos/${OWNER}/${REPO}/issues/${PR}/comments`,
      `PATCH /repos/${OWNER}/${REPO}/issues/comments/${ours?.id}`
    ])
  })

  it('finds its comment again on a server that names no authors', async () => {
    await restartAs(TOKEN, undefined, undefined, false)

    const first = await upsertStickyComment(request())
    const second = await upsertStickyComment(request({ body: 'v2' }))

    expect(first.action).toBe('created')
    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(comments()).toHaveLength(1)
    expect(comments()[0]?.body).toBe(`${marker()}\nv2`)
    expect(userRequests()).toEqual([])
  })

  it('lets the marker decide on a server without GET /user (404)', async () => {
    const token = 'test-token-0123456789'
    await restartAs(token, 'ci-user', 'User')
    server.inject({ method: 'GET', path: /^\/user$/, status: 404 })

    const first = await upsertStickyComment(request({ token }))
    const second = await upsertStickyComment(request({ token, body: 'v2' }))

    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(comments()).toHaveLength(1)
    expect(comments()[0]?.user.login).toBe('ci-user')
    expect(userRequests().map((r) => r.status)).toEqual([404])
    expect(logs.filter((l) => l.level === 'warning')).toEqual([])
  })
})

describe('paging through the comments', () => {
  async function restartPaging(paging: 'no-links' | 'everything') {
    await server.close()
    server = await startGitHubServer({ token: TOKEN, paging })
  }

  function lists() {
    return server.requests.filter(
      (r) => r.method === 'GET' && r.path.endsWith(`/issues/${PR}/comments`)
    )
  }

  it('reads past the first page of a server that sends no Link header', async () => {
    await restartPaging('no-links')
    const marker = commentMarker(request().key)
    server.seed(OWNER, REPO, PR, [
      ...Array.from({ length: 150 }, (_, i) => `LGTM ${i}`),
      { body: `${marker}\nold report`, ...ACTIONS_BOT }
    ])
    const ours = comments().at(-1)

    const result = await upsertStickyComment(request())

    expect(result).toMatchObject({ action: 'updated', id: ours?.id })
    expect(comments()).toHaveLength(151)
    expect(lists().map((r) => r.query.page)).toEqual([undefined, '2'])
  })

  it('stops on a server that answers every page with every comment', async () => {
    await restartPaging('everything')
    const marker = commentMarker(request().key)
    server.seed(OWNER, REPO, PR, [
      ...Array.from({ length: 120 }, (_, i) => `LGTM ${i}`),
      { body: `${marker}\nold report`, ...ACTIONS_BOT }
    ])

    const result = await upsertStickyComment(request())

    expect(result.action).toBe('updated')
    expect(comments()).toHaveLength(121)
    // The second page brings nothing new, so the listing ends there.
    expect(lists()).toHaveLength(2)
  })

  it('asks for one page per 100 comments on GitHub, following its Link header', async () => {
    server.seed(
      OWNER,
      REPO,
      PR,
      Array.from({ length: 200 }, (_, i) => `LGTM ${i}`)
    )

    await upsertStickyComment(request())

    expect(lists().map((r) => r.query.page)).toEqual([undefined, '2'])
  })
})

describe('commentMarker', () => {
  it('leaves an ordinary key readable', () => {
    expect(commentMarker('swr.cn-north-4.myhuaweicloud.com/team/app:1.2')).toBe(
      '<!-- hss-image-size-gate comment-key: ' +
        'swr.cn-north-4.myhuaweicloud.com/team/app:1.2 -->'
    )
  })

  it.each([
    ['a closing sequence', 'x --> <b>owned</b>'],
    ['a double dash', 'a--b'],
    ['a run of dashes', '----'],
    ['a newline', 'one\ntwo'],
    ['a carriage return and a tab', 'one\r\ttwo'],
    ['a line separator', 'one\u2028two'],
    ['an opening sequence', '<!-- nested']
  ])('keeps a key with %s inside one HTML comment line', (_, key) => {
    const marker = commentMarker(key)
    const inner = marker.slice('<!--'.length, -'-->'.length)

    expect(marker.startsWith('<!-- hss-image-size-gate comment-key: ')).toBe(
      true
    )
    expect(marker.endsWith(' -->')).toBe(true)
    expect(inner).not.toContain('--')
    expect(inner).not.toMatch(/[<>]/)
    expect(marker).not.toMatch(/[\p{Cc}\p{Zl}\p{Zp}]/u)
  })

  it('gives distinct keys distinct markers', () => {
    const keys = ['a--b', 'a-b', 'a-%2Db', 'a->b', 'a>b', 'a\nb', 'a%0Ab']
    const markers = new Set(keys.map(commentMarker))

    expect(markers.size).toBe(keys.length)
  })

  it('finds its own comment again under a key that needed escaping', async () => {
    const key = 'evil -->\n<script>'
    const first = await upsertStickyComment(request({ key }))
    const second = await upsertStickyComment(request({ key, body: 'v2' }))

    expect(second).toMatchObject({ action: 'updated', id: first.id })
    expect(comments()).toHaveLength(1)
  })
})
