/**
 * A loopback stand-in for the slice of GitHub's REST API the sticky comment
 * uses: listing (paginated like GitHub, `Link` header included), creating,
 * editing and deleting issue comments, and `GET /user`. Tests reach it through
 * GITHUB_API_URL or the `apiUrl` of a request, and assert on `requests` and
 * `comments()`.
 *
 * Like GitHub, it has one identity behind its token: comments created through
 * the API are written by it, an installation token (`ghs_`, the default) is a
 * bot that `GET /user` refuses, and a comment by someone else cannot be edited
 * or deleted (403).
 */
import { randomBytes } from 'node:crypto'
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StoredComment {
  id: number
  body: string
  user: { login: string; type: string }
  created_at: string
  updated_at: string
  html_url: string
}

export interface GitHubRequest {
  method: string
  /** The path without the query string. */
  path: string
  query: Record<string, string>
  headers: Record<string, string | string[] | undefined>
  body?: unknown
  /** The status the stand-in answered with. */
  status: number
}

export interface GitHubFault {
  /** Matches any method when absent. */
  method?: string
  /** Tested against the path without the query string; any path when absent. */
  path?: RegExp
  status: number
  /** JSON-encoded unless a string; a GitHub-like message when absent. */
  body?: unknown
  headers?: Record<string, string>
  /** How many matching requests fail; 1 when absent. */
  times?: number
}

/**
 * A pre-existing comment with its author or creation time chosen. Without a
 * login it is written by a person, `octocat` (type `User`), not by the token;
 * seed `ACTIONS_BOT` for a comment the action's GITHUB_TOKEN wrote. The type
 * defaults to `Bot` for a login ending in `[bot]`, else `User`.
 */
export interface SeedComment {
  body: string
  login?: string
  type?: string
  created_at?: string
}

/** A seeded comment's author for one the action's GITHUB_TOKEN wrote. */
export const ACTIONS_BOT = { login: 'github-actions[bot]', type: 'Bot' }
/** The author of a seeded comment when none is given. */
export const SEED_USER = { login: 'octocat', type: 'User' }

export interface GitHubServer {
  /** The API root to use as GITHUB_API_URL, without a trailing slash. */
  url: string
  requests: GitHubRequest[]
  /** The issue's current comments, oldest first. */
  comments(owner: string, repo: string, issue: number): StoredComment[]
  /** Every comment of every issue of every repository, for secret scans. */
  allComments(): StoredComment[]
  /** Adds pre-existing comments, oldest first. */
  seed(
    owner: string,
    repo: string,
    issue: number,
    bodies: Array<string | SeedComment>
  ): void
  inject(fault: GitHubFault): void
  close(): Promise<void>
}

export interface GitHubServerOptions {
  /** The token every request must carry; 'ghs_testtoken000' by default. */
  token?: string
  /**
   * The token's identity, which writes the comments created through the API:
   * `github-actions[bot]` for a `ghs_` token, `monalisa` otherwise.
   */
  login?: string
  /** The identity's account type: `Bot` for a `ghs_` token, else `User`. */
  type?: string
  /**
   * False: answer like a minimal stand-in that leaves `user` out of every
   * comment (GitHub itself always names the author). True by default.
   */
  namesAuthors?: boolean
  /**
   * How the comment list pages: `github` (default) pages and sends `Link`
   * headers; `no-links` pages without them; `everything` ignores paging and
   * answers every page with every comment, as minimal stand-ins do.
   */
  paging?: 'github' | 'no-links' | 'everything'
}

/**
 * For secret scans, by name: the body of every comment the stand-in holds,
 * on any issue of any repository, and the body of every request it received
 * from request number `fromRequest` (0-based) on.
 */
export function githubTexts(
  github: GitHubServer,
  fromRequest = 0
): Record<string, string> {
  const texts: Record<string, string> = {}
  for (const comment of github.allComments()) {
    texts[`comment ${comment.id}`] = comment.body
  }
  github.requests.slice(fromRequest).forEach((request, i) => {
    if (request.body !== undefined) {
      texts[`GitHub request ${fromRequest + i + 1} body`] =
        typeof request.body === 'string'
          ? request.body
          : JSON.stringify(request.body)
    }
  })
  return texts
}

const DOCS = 'https://docs.github.com/rest'
const BODY_LIMIT = 65_536

/** GitHub's answer when an installation token lacks a permission. */
export function forbiddenFault(
  fault: Omit<GitHubFault, 'status'> = {}
): GitHubFault {
  return {
    ...fault,
    status: 403,
    body: {
      message: 'Resource not accessible by integration',
      documentation_url: `${DOCS}/issues/comments#create-an-issue-comment`,
      status: '403'
    }
  }
}

/** GitHub's secondary rate limit: 403 with Retry-After. */
export function secondaryRateLimitFault(
  fault: Omit<GitHubFault, 'status'> = {}
): GitHubFault {
  return {
    ...fault,
    status: 403,
    headers: { 'retry-after': '1', ...fault.headers },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few ' +
        'minutes before you try again. If you reach out to GitHub Support ' +
        'for help, please include the request ID.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      status: '403'
    }
  }
}

/** GitHub's primary rate limit: 403 with no requests left until the reset. */
export function primaryRateLimitFault(
  fault: Omit<GitHubFault, 'status'> & { resetInSeconds?: number } = {}
): GitHubFault {
  const { resetInSeconds = 1, ...rest } = fault
  const reset = Math.ceil(Date.now() / 1000) + resetInSeconds
  return {
    ...rest,
    status: 403,
    headers: {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': '5000',
      'x-ratelimit-reset': String(reset),
      ...rest.headers
    },
    body: {
      message: 'API rate limit exceeded for installation ID 1234567.',
      documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      status: '403'
    }
  }
}

interface Repository {
  id: number
  owner: string
  name: string
  issues: Map<number, StoredComment[]>
}

class HttpAnswer {
  constructor(
    readonly status: number,
    readonly body?: unknown,
    readonly headers: Record<string, string> = {}
  ) {}
}

function notFound(): HttpAnswer {
  return new HttpAnswer(404, {
    message: 'Not Found',
    documentation_url: DOCS,
    status: '404'
  })
}

export async function startGitHubServer(
  options: GitHubServerOptions = {}
): Promise<GitHubServer> {
  const token = options.token ?? 'ghs_testtoken000'
  // An installation token (GITHUB_TOKEN or a GitHub App's) acts as a bot
  // and may not read GET /user; any other token acts as a person.
  const installation = token.startsWith('ghs_')
  const login = options.login ?? (installation ? ACTIONS_BOT.login : 'monalisa')
  const type = options.type ?? (installation ? ACTIONS_BOT.type : 'User')
  const namesAuthors = options.namesAuthors ?? true
  const paging = options.paging ?? 'github'
  const requests: GitHubRequest[] = []
  const faults: Array<GitHubFault & { left: number }> = []
  const repositories = new Map<string, Repository>()
  // Comment ids and timestamps come from counters so that "oldest" is never
  // a tie unless a test asks for one; GitHub shows seconds only.
  let nextCommentId = 1_000_000_001
  let nextRepositoryId = 700_000_001
  let clock = Date.parse('2025-01-06T09:00:00Z')
  let origin = ''

  const tick = (): string => {
    clock += 1000
    return new Date(clock).toISOString().replace(/\.\d{3}Z$/, 'Z')
  }

  const repository = (owner: string, name: string): Repository => {
    const key = `${owner}/${name}`.toLowerCase()
    let found = repositories.get(key)
    if (!found) {
      found = { id: nextRepositoryId++, owner, name, issues: new Map() }
      repositories.set(key, found)
    }
    return found
  }

  const issueComments = (found: Repository, issue: number) => {
    let list = found.issues.get(issue)
    if (!list) {
      list = []
      found.issues.set(issue, list)
    }
    return list
  }

  const addComment = (
    found: Repository,
    issue: number,
    seed: SeedComment
  ): StoredComment => {
    const id = nextCommentId++
    const created = seed.created_at ?? tick()
    const author = seed.login ?? SEED_USER.login
    const authorType = author.endsWith('[bot]') ? 'Bot' : 'User'
    const comment: StoredComment = {
      id,
      body: seed.body,
      user: { login: author, type: seed.type ?? authorType },
      created_at: created,
      updated_at: created,
      html_url:
        `https://github.com/${found.owner}/${found.name}/pull/${issue}` +
        `#issuecomment-${id}`
    }
    issueComments(found, issue).push(comment)
    return comment
  }

  const findComment = (found: Repository, id: number) => {
    for (const [issue, list] of found.issues) {
      const index = list.findIndex((comment) => comment.id === id)
      if (index !== -1) return { issue, list, index }
    }
    return undefined
  }

  const render = (found: Repository, issue: number, c: StoredComment) => ({
    url: `${origin}/repos/${found.owner}/${found.name}/issues/comments/${c.id}`,
    html_url: c.html_url,
    issue_url: `${origin}/repos/${found.owner}/${found.name}/issues/${issue}`,
    id: c.id,
    node_id: `IC_kwDO${Buffer.from(String(c.id)).toString('base64url')}`,
    ...(namesAuthors
      ? {
          user: {
            login: c.user.login,
            id: 41898282,
            type: c.user.type,
            site_admin: false
          }
        }
      : {}),
    created_at: c.created_at,
    updated_at: c.updated_at,
    author_association: 'NONE',
    body: c.body,
    reactions: { total_count: 0 }
  })

  const commentBody = (body: unknown): string | HttpAnswer => {
    const text =
      typeof body === 'object' && body !== null && 'body' in body
        ? body.body
        : undefined
    if (typeof text !== 'string') {
      return new HttpAnswer(422, {
        message: 'Invalid request.\n\n"body" wasn\'t supplied.',
        documentation_url: DOCS,
        status: '422'
      })
    }
    if (text.length > BODY_LIMIT) {
      return new HttpAnswer(422, {
        message: 'Validation Failed',
        errors: [
          {
            resource: 'IssueComment',
            code: 'custom',
            field: 'body',
            message: `body is too long (maximum is ${BODY_LIMIT} characters)`
          }
        ],
        documentation_url: DOCS,
        status: '422'
      })
    }
    return text
  }

  const listComments = (
    found: Repository,
    issue: number,
    query: Record<string, string>,
    basePath: string
  ): HttpAnswer => {
    const perPage = Math.min(Math.max(Number(query.per_page) || 30, 1), 100)
    const page = Math.max(Number(query.page) || 1, 1)
    const all = issueComments(found, issue)
    if (paging === 'everything') {
      return new HttpAnswer(
        200,
        all.map((comment) => render(found, issue, comment))
      )
    }
    const lastPage = Math.max(Math.ceil(all.length / perPage), 1)
    const slice = all.slice((page - 1) * perPage, page * perPage)

    // GitHub's links point at /repositories/<id>/..., keep the caller's
    // other parameters and come in the order prev, next, last, first.
    const link = (target: number) => {
      const params = new URLSearchParams({ ...query, page: String(target) })
      return `<${origin}${basePath}?${params.toString()}>`
    }
    const links: string[] = []
    if (page > 1)
      links.push(`${link(Math.min(page - 1, lastPage))}; rel="prev"`)
    if (page < lastPage) {
      links.push(`${link(page + 1)}; rel="next"`)
      links.push(`${link(lastPage)}; rel="last"`)
    }
    if (page > 1) links.push(`${link(1)}; rel="first"`)

    return new HttpAnswer(
      200,
      slice.map((comment) => render(found, issue, comment)),
      links.length > 0 && paging === 'github' ? { link: links.join(', ') } : {}
    )
  }

  const forbidden = () =>
    new HttpAnswer(403, {
      message: installation
        ? 'Resource not accessible by integration'
        : 'Resource not accessible by personal access token',
      documentation_url: DOCS,
      status: '403'
    })

  const route = (
    method: string,
    path: string,
    query: Record<string, string>,
    body: unknown
  ): HttpAnswer => {
    if (path === '/user' && method === 'GET') {
      // GitHub refuses GET /user to installation tokens.
      if (installation) {
        return new HttpAnswer(403, {
          message: 'Resource not accessible by integration',
          documentation_url: `${DOCS}/users/users#get-the-authenticated-user`,
          status: '403'
        })
      }
      return new HttpAnswer(200, {
        login,
        id: 583231,
        node_id: 'MDQ6VXNlcjU4MzIzMQ==',
        type,
        site_admin: false,
        html_url: `https://github.com/${login}`
      })
    }
    const list =
      /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path) ??
      /^\/repositories\/(\d+)\/issues\/(\d+)\/comments$/.exec(path)
    if (list) {
      let found: Repository | undefined
      let issue: number
      if (list.length === 4) {
        found = repository(decode(list[1]), decode(list[2]))
        issue = Number(list[3])
      } else {
        found = [...repositories.values()].find((r) => r.id === Number(list[1]))
        issue = Number(list[2])
      }
      if (!found || issue < 1) return notFound()
      const basePath = `/repositories/${found.id}/issues/${issue}/comments`

      if (method === 'GET') return listComments(found, issue, query, basePath)
      if (method === 'POST') {
        const text = commentBody(body)
        if (text instanceof HttpAnswer) return text
        const created = addComment(found, issue, { body: text, login, type })
        const rendered = render(found, issue, created)
        return new HttpAnswer(201, rendered, { location: rendered.url })
      }
      return notFound()
    }

    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(
      path
    )
    if (one) {
      const found = repositories.get(
        `${decode(one[1])}/${decode(one[2])}`.toLowerCase()
      )
      const hit = found && findComment(found, Number(one[3]))
      if (!found || !hit) return notFound()
      const comment = hit.list[hit.index] as StoredComment

      if (method === 'GET') {
        return new HttpAnswer(200, render(found, hit.issue, comment))
      }
      // The token may change only its own identity's comments (one with
      // admin rights could do more; this one has none).
      if (
        (method === 'PATCH' || method === 'DELETE') &&
        comment.user.login.toLowerCase() !== login.toLowerCase()
      ) {
        return forbidden()
      }
      if (method === 'PATCH') {
        const text = commentBody(body)
        if (text instanceof HttpAnswer) return text
        comment.body = text
        comment.updated_at = tick()
        return new HttpAnswer(200, render(found, hit.issue, comment))
      }
      if (method === 'DELETE') {
        hit.list.splice(hit.index, 1)
        return new HttpAnswer(204)
      }
    }
    return notFound()
  }

  const takeFault = (method: string, path: string) => {
    const index = faults.findIndex(
      (fault) =>
        (!fault.method || fault.method.toUpperCase() === method) &&
        (!fault.path || fault.path.test(path))
    )
    if (index === -1) return undefined
    const fault = faults[index] as GitHubFault & { left: number }
    fault.left -= 1
    if (fault.left <= 0) faults.splice(index, 1)
    return new HttpAnswer(
      fault.status,
      fault.body ?? {
        message:
          fault.status >= 500
            ? 'Server Error'
            : (STATUS_CODES[fault.status] ?? 'Error'),
        documentation_url: DOCS,
        status: String(fault.status)
      },
      fault.headers
    )
  }

  const authorised = (req: IncomingMessage): boolean => {
    const header = req.headers.authorization ?? ''
    const match = /^(?:token|bearer)\s+(\S+)$/i.exec(header)
    return match?.[1] === token
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = (req.method ?? 'GET').toUpperCase()
    const url = new URL(req.url ?? '/', origin)
    const path = url.pathname
    const query = Object.fromEntries(url.searchParams)
    const raw = await readBody(req)

    let body: unknown
    let answer: HttpAnswer | undefined
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw)
      } catch {
        body = raw
        answer = new HttpAnswer(400, {
          message: 'Problems parsing JSON',
          documentation_url: DOCS,
          status: '400'
        })
      }
    }

    answer ??= takeFault(method, path)
    if (!answer && !authorised(req)) {
      answer = new HttpAnswer(401, {
        message: 'Bad credentials',
        documentation_url: DOCS,
        status: '401'
      })
    }
    answer ??= route(method, path, query, body)

    requests.push({
      method,
      path,
      query,
      headers: req.headers,
      body,
      status: answer.status
    })
    send(res, answer)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 500
      res.end(String(error))
    })
  })
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`

  return {
    url: origin,
    requests,
    comments(owner, repo, issue) {
      return [...issueComments(repository(owner, repo), issue)]
    },
    allComments() {
      return [...repositories.values()].flatMap((found) =>
        [...found.issues.values()].flat()
      )
    },
    seed(owner, repo, issue, bodies) {
      const found = repository(owner, repo)
      for (const entry of bodies) {
        addComment(
          found,
          issue,
          typeof entry === 'string' ? { body: entry } : entry
        )
      }
    },
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 })
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        // Octokit's client keeps connections alive; close() waits for them.
        server.closeAllConnections()
      })
    }
  }
}

function send(res: ServerResponse, answer: HttpAnswer): void {
  const headers: Record<string, string> = {
    'x-github-request-id': requestId(),
    'x-github-media-type': 'github.v3; format=json',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    ...answer.headers
  }
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers)
    res.end()
    return
  }
  const text =
    typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers
  })
  res.end(text)
}

// Shaped like GitHub's: five colon-separated upper-case hex groups.
function requestId(): string {
  const hex = (bytes: number) =>
    randomBytes(bytes).toString('hex').toUpperCase()
  return [hex(2), hex(2), hex(3), hex(3), hex(4)].join(':')
}

function decode(segment: string | undefined): string {
  return decodeURIComponent(segment ?? '')
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
