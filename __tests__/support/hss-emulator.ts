/**
 * A loopback stand-in for Huawei Cloud HSS and IAM behind their API gateway,
 * for the end-to-end tests, the demo and the benchmarks. It follows
 * ../../../shared/HSS-API.md; where that leaves a point open, the choice made
 * here is named in a comment so a test never mistakes it for a fact.
 *
 * The signature check deliberately uses the vendor's own signer
 * (`@huaweicloud/huaweicloud-sdk-core`) and nothing from `src/`: a bug in the
 * project's signer must fail against this emulator, not be mirrored by it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse
} from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo, Socket } from 'node:net'

export interface EmulatorCredential {
  accessKey: string
  secretKey: string
  /** Makes the key temporary: requests must carry it, signed. */
  securityToken?: string
}

export interface EmulatorImage {
  id: string
  /** Default 'cicd'. */
  imageType?: string
  /**
   * For non-cicd types the query's namespace, image_name and tag_name must
   * equal these; one left undefined accepts any value. `imageName` is also
   * the name shown in the cicd listing.
   */
  namespace?: string
  imageName?: string
  tagName?: string
  /** Default: the first project. */
  projectId?: string
  /** Default 0; unknown so tests can put strings, negatives, fractions, bigints. */
  totalFilesNum?: unknown
  /** Default 0. */
  totalFilesSize?: unknown
  omit?: Array<'total_files_num' | 'total_files_size'>
  /**
   * CI/CD scan state for GET /v5/{p}/image/cicd/images: statuses in order,
   * each lasting `forMs` (the last one for ever) from the first time the
   * listing is asked for this image. A `null` status leaves the image out of
   * the listing, as before a pipeline's scan has reported it. Default:
   * always 'success'.
   */
  scan?: Array<{
    status: string | null
    forMs?: number
    failedCode?: string | number
  }>
  /** Shown in the cicd listing; default `tagName`, else ''. */
  imageVersion?: string
}

export interface EmulatorOptions {
  /** Default 'cn-north-4'; the `region` header must equal it. */
  region?: string
  /** Default [{ accessKey: 'AKTESTEXAMPLE000', secretKey: 'sk-test-example-secret' }]. */
  credentials?: EmulatorCredential[]
  /** Valid X-Auth-Token values. */
  tokens?: string[]
  /** Default [{ id: '0123456789abcdef0123456789abcdef', name: region }]. */
  projects?: Array<{ id: string; name: string }>
  images?: EmulatorImage[]
  /**
   * What files-statistics answers for an image it does not know. Undocumented
   * in the real API (400 or 404 expected), hence configurable. Default
   * { status: 404, code: 'HSS.1011', message: 'image not found' }.
   */
  missingImage?: { status: number; code: string; message: string }
  /** Default 15 minutes, the gateway's documented tolerance. */
  clockSkewToleranceMs?: number
  /** Serve https with this key and certificate instead of plain http. */
  tls?: { key: string; cert: string }
  /** Exceeding it answers 429 APIGW.0308. */
  rateLimit?: { requests: number; perMs: number }
  /** Default 0: a free port. scripts/emulator.ts asks for a fixed one. */
  port?: number
}

export interface RecordedRequest {
  service: 'hss' | 'iam'
  method: string
  rawUrl: string
  /** Percent-decoded path, without the query. */
  path: string
  query: Record<string, string | string[]>
  headers: Record<string, string | string[] | undefined>
  /** What was answered; 0 for reset and hang. */
  status: number
  /** Date.now() on arrival. */
  at: number
  /**
   * For a 'large' fault: the body bytes handed to the socket before the
   * stream ended or the client went away. Below the fault's `bytes` means the
   * client stopped reading before the end.
   */
  bodyBytesSent?: number
}

export type Fault =
  | {
      type: 'status'
      status: number
      code?: string
      message?: string
      headers?: Record<string, string>
    }
  | { type: 'raw'; status?: number; contentType?: string; body: string }
  | { type: 'reset' }
  | { type: 'hang' }
  | { type: 'stall'; status?: number; partialBody: string }
  | { type: 'large'; bytes: number }
  | { type: 'redirect'; location: string; status?: number }

export interface FaultRule {
  service?: 'hss' | 'iam'
  /** Tested against the percent-decoded path. */
  path?: RegExp
  fault: Fault
  /** Default 1; Infinity for ever. */
  times?: number
}

export interface Emulator {
  /**
   * http://127.0.0.1:<port>; serves HSS (/v5/...) and IAM (/v3/...) alike, so
   * it is both the endpoint and the IAM endpoint.
   */
  url: string
  requests: RecordedRequest[]
  region: string
  /** The first project's id. */
  projectId: string
  credentials: EmulatorCredential[]
  /** Rules are consumed in order; a fault counts as one received request. */
  inject(rule: FaultRule): void
  /**
   * The most requests that were open at once (received, not yet answered)
   * since the start or the last reset: how tests see a client's concurrency
   * without timing anything.
   */
  readonly maxInFlight: number
  /** Added before every answer. */
  setLatency(ms: number): void
  /** Adds, or replaces the image with the same id and type. */
  setImage(image: EmulatorImage): void
  /** Clears requests, faults, lockouts, the rate window and scan clocks. */
  reset(): void
  /** Also ends hung and stalled connections. */
  close(): Promise<void>
}

/**
 * The helpers of the vendor's signer used here. Its .d.ts marks them
 * protected, so they are typed by hand; they are public at run time.
 */
interface VendorSigner {
  SDK_SIGNING_ALGORITHM: string
  CanonicalURI(path: string): string
  CanonicalQueryString(request: {
    queryParams: Record<string, string | string[]>
  }): string
  buildCanonicalHeaders(headers: Record<string, string>): string
  buildCanonicalRequest(
    method: string,
    canonicalURI: string,
    canonicalQueryString: string,
    canonicalHeaders: string,
    signedHeaderNames: string,
    payloadHash: string
  ): string
  Hex(data: string | Buffer): string
  getStringToSign(
    algorithm: string,
    dateTimeStamp: string,
    canonicalRequestHash: string
  ): string
  hmacSHA256(secretKey: string, data: string): string
}

// The SDK is CommonJS without an exports map: createRequire is the way in.
const signer = (
  createRequire(import.meta.url)(
    '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner'
  ) as { AKSKSigner: VendorSigner }
).AKSKSigner

type Query = Record<string, string | string[]>
type Service = 'hss' | 'iam'

interface Incoming {
  requestId: string
  method: string
  service: Service
  /** Percent-decoded path segments, without the leading empty one. */
  segments: string[]
  path: string
  query: Query
  headers: IncomingHttpHeaders
  body: Buffer
}

interface Answer {
  status: number
  body: string
  headers?: Record<string, string>
}

const DEFAULT_REGION = 'cn-north-4'
const DEFAULT_CREDENTIAL: EmulatorCredential = {
  accessKey: 'AKTESTEXAMPLE000',
  secretKey: 'sk-test-example-secret'
}
const DEFAULT_PROJECT_ID = '0123456789abcdef0123456789abcdef'
const DOMAIN_ID = 'fedcba9876543210fedcba9876543210'
const DEFAULT_MISSING_IMAGE = {
  status: 404,
  code: 'HSS.1011',
  message: 'image not found'
}
const JSON_TYPE = 'application/json;charset=UTF-8'
const AUTH_PREFIX = 'Incorrect IAM authentication information: '
const LOCK_AFTER_FAILURES = 5
const LOCK_MS = 5 * 60_000
const MAX_BODY_BYTES = 1024 * 1024

const IMAGE_TYPES = new Set([
  'cicd',
  'private_image',
  'shared_image',
  'local_image',
  'instance_image',
  'registry',
  'local'
])
// Only the names the SDK models define: the API reference's examples also
// carry limit, offset, type and repo_type, and a client that copies them
// should be caught here rather than by the real service.
const FILES_STATISTICS_QUERY = new Set([
  'image_type',
  'enterprise_project_id',
  'namespace',
  'image_name',
  'tag_name'
])
// HSS-API.md lists image_id, image_name, image_version, limit and offset and
// hints at more; scan_status and enterprise_project_id are the common HSS
// list filters. Anything else is rejected so typos surface.
const CICD_LIST_QUERY = new Set([
  'image_id',
  'image_name',
  'image_version',
  'scan_status',
  'limit',
  'offset',
  'enterprise_project_id'
])
const NON_CICD_REQUIRED = ['namespace', 'image_name', 'tag_name'] as const

/** Starts the emulator on 127.0.0.1 with a free port. */
export async function startEmulator(
  options: EmulatorOptions = {}
): Promise<Emulator> {
  const emulator = new HssEmulator(options)
  await emulator.listen()
  return emulator
}

class HssEmulator implements Emulator {
  url = ''
  readonly requests: RecordedRequest[] = []
  readonly region: string
  readonly projectId: string
  readonly credentials: EmulatorCredential[]

  private readonly projects: Array<{ id: string; name: string }>
  private readonly tokens: Set<string>
  private readonly images: EmulatorImage[]
  private readonly missingImage: {
    status: number
    code: string
    message: string
  }
  private readonly skewToleranceMs: number
  private readonly rateLimit?: { requests: number; perMs: number }
  private readonly port: number

  private faults: Array<{ rule: FaultRule; left: number }> = []
  private latencyMs = 0
  private inFlight = 0
  maxInFlight = 0
  private readonly failures = new Map<
    string,
    { count: number; lockedUntil: number }
  >()
  private admitted: number[] = []
  private readonly scanClocks = new Map<string, number>()
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  private closed = false
  private readonly scheme: 'http' | 'https'
  private readonly server: http.Server

  constructor(options: EmulatorOptions) {
    this.region = options.region ?? DEFAULT_REGION
    this.credentials = options.credentials ?? [{ ...DEFAULT_CREDENTIAL }]
    this.tokens = new Set(options.tokens ?? [])
    this.projects = options.projects ?? [
      { id: DEFAULT_PROJECT_ID, name: this.region }
    ]
    const first = this.projects[0]
    if (first === undefined) {
      throw new Error('startEmulator: projects must not be empty')
    }
    this.projectId = first.id
    this.images = [...(options.images ?? [])]
    this.missingImage = options.missingImage ?? DEFAULT_MISSING_IMAGE
    this.skewToleranceMs = options.clockSkewToleranceMs ?? 15 * 60_000
    this.rateLimit = options.rateLimit
    this.port = options.port ?? 0
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
      void this.handle(req, res)
    }
    this.scheme = options.tls ? 'https' : 'http'
    this.server = options.tls
      ? https.createServer(options.tls, handler)
      : http.createServer(handler)

    this.server.on('connection', (socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject)
      this.server.listen(this.port, '127.0.0.1', () => resolve())
    })
    const { port } = this.server.address() as AddressInfo
    this.url = `${this.scheme}://127.0.0.1:${port}`
  }

  inject(rule: FaultRule): void {
    this.faults.push({ rule, left: rule.times ?? 1 })
  }

  setLatency(ms: number): void {
    this.latencyMs = ms
  }

  setImage(image: EmulatorImage): void {
    const key = imageKey(image)
    const at = this.images.findIndex((known) => imageKey(known) === key)
    if (at === -1) this.images.push(image)
    else this.images[at] = image
    this.scanClocks.delete(key)
  }

  reset(): void {
    this.requests.length = 0
    this.maxInFlight = this.inFlight
    this.faults = []
    this.failures.clear()
    this.admitted = []
    this.scanClocks.clear()
  }

  async close(): Promise<void> {
    this.closed = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    const done = new Promise<void>((resolve) =>
      this.server.close(() => resolve())
    )
    for (const socket of this.sockets) socket.destroy()
    await done
  }

  // ---- one request ---------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse) {
    // A client that goes away mid-answer is part of the tests, not an error.
    req.on('error', () => undefined)
    res.on('error', () => undefined)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    res.on('close', () => this.inFlight--)

    const arrived = Date.now()
    const body = await readBody(req)
    const incoming = parseRequest(req, body)
    const record: RecordedRequest = {
      service: incoming.service,
      method: incoming.method,
      rawUrl: req.url ?? '',
      path: incoming.path,
      query: incoming.query,
      headers: { ...req.headers },
      status: 0,
      at: arrived
    }

    const fault = this.takeFault(incoming)
    if (fault !== undefined) {
      record.status = faultStatus(fault)
      this.requests.push(record)
      await this.delay()
      this.playFault(fault, incoming, req, res, record)
      return
    }

    let answer: Answer
    try {
      answer =
        body === undefined
          ? gatewayError(
              incoming,
              413,
              'APIGW.0201',
              'Request entity too large.'
            )
          : this.answer(incoming)
    } catch (error) {
      // A bug in the emulator: answer loudly rather than hang the test.
      answer = gatewayError(
        incoming,
        500,
        'APIGW.0103',
        `emulator error: ${String(error)}`
      )
    }
    record.status = answer.status
    this.requests.push(record)
    await this.delay()
    if (res.destroyed) return
    res.writeHead(answer.status, {
      'Content-Type': JSON_TYPE,
      'Content-Length': Buffer.byteLength(answer.body),
      'X-Request-Id': incoming.requestId,
      ...answer.headers
    })
    res.end(answer.body)
  }

  private answer(incoming: Incoming): Answer {
    const route = findRoute(incoming)
    if (route === undefined) {
      return gatewayError(
        incoming,
        404,
        'APIGW.0101',
        'The API does not exist or has not been published in the environment.'
      )
    }
    if (incoming.method !== 'GET') {
      return gatewayError(
        incoming,
        404,
        'APIGW.0101',
        'The API does not exist.'
      )
    }

    const throttled = this.throttle(incoming)
    if (throttled !== undefined) return throttled
    const denied = this.authenticate(incoming)
    if (denied !== undefined) return denied

    switch (route.name) {
      case 'files-statistics':
        return (
          this.checkHssScope(incoming, route.projectId) ??
          this.filesStatistics(incoming, route.projectId, route.imageId)
        )
      case 'cicd-images':
        return (
          this.checkHssScope(incoming, route.projectId) ??
          this.cicdImages(incoming, route.projectId)
        )
      case 'auth-projects':
        return this.listProjects(incoming, this.projects)
      case 'projects': {
        const name = single(incoming.query.name)
        return this.listProjects(
          incoming,
          this.projects.filter((p) => name === undefined || p.name === name)
        )
      }
    }
  }

  // ---- gateway: throttling and authentication -----------------------------

  private throttle(incoming: Incoming): Answer | undefined {
    if (this.rateLimit === undefined) return undefined
    const { requests, perMs } = this.rateLimit
    const now = Date.now()
    this.admitted = this.admitted.filter((at) => now - at < perMs)
    // Refused requests stay out of the window, so a client that backs off
    // gets through again once the window has moved on.
    if (this.admitted.length >= requests) {
      return gatewayError(
        incoming,
        429,
        'APIGW.0308',
        'The throttling threshold has been reached: policy user over ' +
          `ratelimit,limit:${requests},time:${perMs} ms`
      )
    }
    this.admitted.push(now)
    return undefined
  }

  private authenticate(incoming: Incoming): Answer | undefined {
    const refuse = (reason: string) =>
      gatewayError(incoming, 401, 'APIGW.0301', AUTH_PREFIX + reason)

    const token = header(incoming.headers, 'x-auth-token')
    if (token !== undefined) {
      return this.tokens.has(token) ? undefined : refuse('token expires')
    }

    const authorization = header(incoming.headers, 'authorization')
    if (authorization === undefined) {
      return refuse('neither X-Auth-Token nor Authorization was sent')
    }
    const parsed = parseAuthorization(authorization)
    if (parsed === undefined) {
      return refuse(
        'Authorization is not of the form "SDK-HMAC-SHA256 Access=..., ' +
          'SignedHeaders=..., Signature=..."'
      )
    }
    const credential = this.credentials.find(
      (c) => c.accessKey === parsed.access
    )
    if (credential === undefined) return refuse('ak not exist')

    const now = Date.now()
    const state = this.failures.get(credential.accessKey)
    if (state !== undefined && state.lockedUntil > now) {
      return refuse(
        `the access key is locked for ${LOCK_MS / 60_000} minutes after ` +
          `${LOCK_AFTER_FAILURES} failed authentication attempts in a row`
      )
    }

    const problem = this.checkSignature(incoming, parsed, credential)
    if (problem === undefined) {
      this.failures.delete(credential.accessKey)
      return undefined
    }
    const count = (state?.lockedUntil ?? 0) > 0 ? 1 : (state?.count ?? 0) + 1
    this.failures.set(credential.accessKey, {
      count: count >= LOCK_AFTER_FAILURES ? 0 : count,
      lockedUntil: count >= LOCK_AFTER_FAILURES ? now + LOCK_MS : 0
    })
    return refuse(problem)
  }

  /** Returns why the signature is refused, or undefined when it holds. */
  private checkSignature(
    incoming: Incoming,
    parsed: ParsedAuthorization,
    credential: EmulatorCredential
  ): string | undefined {
    const { headers } = incoming
    const date = header(headers, 'x-sdk-date')
    const signedAt = date === undefined ? undefined : parseSdkDate(date)
    if (date === undefined || signedAt === undefined) {
      return 'signature expired: X-Sdk-Date is missing or not YYYYMMDDTHHMMSSZ'
    }
    if (Math.abs(Date.now() - signedAt) > this.skewToleranceMs) {
      return (
        `signature expired: X-Sdk-Date ${date} is more than ` +
        `${Math.round(this.skewToleranceMs / 60_000)} minutes away from ` +
        'the gateway clock'
      )
    }
    if (!parsed.signedHeaders.includes('x-sdk-date')) {
      return 'x-sdk-date is not in SignedHeaders'
    }

    const sentToken = header(headers, 'x-security-token')
    if (credential.securityToken !== undefined) {
      if (sentToken === undefined) {
        return 'security token missing for a temporary access key'
      }
      if (!parsed.signedHeaders.includes('x-security-token')) {
        return 'x-security-token is not in SignedHeaders'
      }
      if (sentToken !== credential.securityToken) {
        return 'verify security token fail'
      }
    } else if (sentToken !== undefined) {
      return 'verify security token fail: the access key is not temporary'
    }

    const signed: Record<string, string> = {}
    for (const name of parsed.signedHeaders) {
      const value = header(headers, name)
      if (value === undefined) {
        return `verify aksk signature fail: signed header ${name} is missing`
      }
      signed[name] = value
    }
    const queryParams: Query = {}
    for (const [name, value] of Object.entries(incoming.query)) {
      // The vendor sorts repeated values in place: hand it a copy.
      queryParams[name] = Array.isArray(value) ? [...value] : value
    }
    const payloadHash =
      header(headers, 'x-sdk-content-sha256') ?? signer.Hex(incoming.body)
    const canonicalRequest = signer.buildCanonicalRequest(
      incoming.method,
      signer.CanonicalURI(incoming.path),
      signer.CanonicalQueryString({ queryParams }),
      signer.buildCanonicalHeaders(signed),
      parsed.signedHeadersText,
      payloadHash
    )
    const stringToSign = signer.getStringToSign(
      signer.SDK_SIGNING_ALGORITHM,
      date,
      signer.Hex(canonicalRequest)
    )
    const expected = signer.hmacSHA256(credential.secretKey, stringToSign)
    return sameText(expected, parsed.signature)
      ? undefined
      : 'verify aksk signature fail'
  }

  // ---- HSS -----------------------------------------------------------------

  /** The region header and the project, common to every HSS call. */
  private checkHssScope(
    incoming: Incoming,
    projectId: string
  ): Answer | undefined {
    const region = header(incoming.headers, 'region')
    if (region === undefined) {
      return hssInvalid(incoming, "header 'region' is required")
    }
    if (region !== this.region) {
      return hssInvalid(
        incoming,
        `header 'region' is '${region}', not the region of this endpoint`
      )
    }
    // 403 APIGW.0302 for both: the gateway scopes the call to a project the
    // caller does not hold, which is an authorization failure, and it keeps
    // a wrong project apart from a missing image.
    const scoped = header(incoming.headers, 'x-project-id')
    if (scoped !== undefined && scoped !== projectId) {
      return gatewayError(
        incoming,
        403,
        'APIGW.0302',
        `The IAM user is not authorized to access the API: X-Project-Id ` +
          `'${scoped}' does not match project '${projectId}' in the path`
      )
    }
    if (!this.projects.some((p) => p.id === projectId)) {
      return gatewayError(
        incoming,
        403,
        'APIGW.0302',
        `The IAM user is not authorized to access the API: project ` +
          `'${projectId}' does not belong to this account`
      )
    }
    return undefined
  }

  private filesStatistics(
    incoming: Incoming,
    projectId: string,
    imageId: string
  ): Answer {
    const query = incoming.query
    const invalid = checkQueryNames(incoming, FILES_STATISTICS_QUERY)
    if (invalid !== undefined) return invalid

    const imageType = single(query.image_type)
    if (imageType === undefined || imageType === '') {
      return hssInvalid(incoming, "query parameter 'image_type' is required")
    }
    if (!IMAGE_TYPES.has(imageType)) {
      return hssInvalid(
        incoming,
        `query parameter 'image_type' is '${imageType}', expected one of ` +
          [...IMAGE_TYPES].join(', ')
      )
    }
    if (imageType !== 'cicd') {
      for (const name of NON_CICD_REQUIRED) {
        const value = single(query[name])
        if (value === undefined || value === '') {
          return hssInvalid(
            incoming,
            `query parameter '${name}' is required for image_type ${imageType}`
          )
        }
      }
    }

    const image = this.images.find(
      (candidate) =>
        candidate.id === imageId &&
        (candidate.imageType ?? 'cicd') === imageType &&
        (candidate.projectId ?? this.projectId) === projectId &&
        (imageType === 'cicd' ||
          (matches(candidate.namespace, single(query.namespace)) &&
            matches(candidate.imageName, single(query.image_name)) &&
            matches(candidate.tagName, single(query.tag_name))))
    )
    if (image === undefined) {
      const { status, code, message } = this.missingImage
      return gatewayError(incoming, status, code, message)
    }

    // The figures are served whatever the scan state: what the real service
    // answers before a scan ends is an open point (HSS-API.md, point 2).
    const figures: Record<string, unknown> = {}
    if (!image.omit?.includes('total_files_num')) {
      figures.total_files_num = image.totalFilesNum ?? 0
    }
    if (!image.omit?.includes('total_files_size')) {
      figures.total_files_size = image.totalFilesSize ?? 0
    }
    return { status: 200, body: toJson(figures) }
  }

  private cicdImages(incoming: Incoming, projectId: string): Answer {
    const query = incoming.query
    const invalid = checkQueryNames(incoming, CICD_LIST_QUERY)
    if (invalid !== undefined) return invalid

    // The documented range of limit is not known; 1 to 200 with a default of
    // 10 follows the other HSS list calls.
    const limit = integerParameter(incoming, 'limit', 10, 1, 200)
    if (typeof limit !== 'number') return limit
    const offset = integerParameter(incoming, 'offset', 0, 0, 1_000_000)
    if (typeof offset !== 'number') return offset

    const now = Date.now()
    const wanted = this.images.filter(
      (image) =>
        (image.imageType ?? 'cicd') === 'cicd' &&
        (image.projectId ?? this.projectId) === projectId &&
        matches(single(query.image_id), image.id) &&
        matches(single(query.image_name), image.imageName ?? '') &&
        matches(single(query.image_version), versionOf(image))
    )
    const rows = wanted
      .map((image) => ({ image, state: this.scanState(image, now) }))
      .filter(
        (row): row is typeof row & { state: { status: string } } =>
          row.state.status !== null
      )
      .map(({ image, state }) => {
        return {
          image_id: image.id,
          image_name: image.imageName ?? '',
          image_version: versionOf(image),
          image_digest: image.id.startsWith('sha256:') ? image.id : '',
          scan_status: state.status,
          scan_failed_code: state.failedCode ?? '',
          // Kept at 0 until a scan has begun; otherwise the moment the
          // current status began, in ms like the real field.
          latest_scan_time: state.status === 'unscan' ? 0 : state.since
        }
      })
      .filter((row) => matches(single(query.scan_status), row.scan_status))

    return {
      status: 200,
      body: toJson({
        total_num: rows.length,
        data_list: rows.slice(offset, offset + limit)
      })
    }
  }

  private scanState(
    image: EmulatorImage,
    now: number
  ): { status: string | null; failedCode?: string | number; since: number } {
    const key = imageKey(image)
    let since = this.scanClocks.get(key)
    if (since === undefined) {
      since = now
      this.scanClocks.set(key, now)
    }
    const steps = image.scan ?? []
    for (const [index, step] of steps.entries()) {
      const lasts = step.forMs ?? 0
      if (index === steps.length - 1 || now < since + lasts) {
        return { status: step.status, failedCode: step.failedCode, since }
      }
      since += lasts
    }
    return { status: 'success', since }
  }

  // ---- IAM -----------------------------------------------------------------

  private listProjects(
    incoming: Incoming,
    projects: Array<{ id: string; name: string }>
  ): Answer {
    const self = `${this.url}${incoming.path}`
    return {
      status: 200,
      body: toJson({
        projects: projects.map((project) => ({
          id: project.id,
          name: project.name,
          domain_id: DOMAIN_ID,
          parent_id: DOMAIN_ID,
          is_domain: false,
          enabled: true,
          description: '',
          links: {
            self: `${this.url}/v3/projects/${project.id}`,
            previous: null,
            next: null
          }
        })),
        links: { self, previous: null, next: null }
      })
    }
  }

  // ---- faults ----------------------------------------------------------------

  private takeFault(incoming: Incoming): Fault | undefined {
    const index = this.faults.findIndex(({ rule, left }) => {
      if (left <= 0) return false
      if (rule.service !== undefined && rule.service !== incoming.service) {
        return false
      }
      if (rule.path !== undefined) {
        // A /g or /y pattern keeps state between tests; start it afresh.
        rule.path.lastIndex = 0
        if (!rule.path.test(incoming.path)) return false
      }
      return true
    })
    const entry = this.faults[index]
    if (entry === undefined) return undefined
    entry.left -= 1
    if (entry.left <= 0) this.faults.splice(index, 1)
    return entry.rule.fault
  }

  private playFault(
    fault: Fault,
    incoming: Incoming,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest
  ): void {
    if (res.destroyed) return
    const requestId = incoming.requestId
    switch (fault.type) {
      case 'status': {
        const answer = statusFault(incoming, fault)
        res.writeHead(answer.status, {
          'Content-Type': JSON_TYPE,
          'Content-Length': Buffer.byteLength(answer.body),
          'X-Request-Id': requestId,
          ...fault.headers
        })
        res.end(answer.body)
        return
      }
      case 'raw':
        res.writeHead(fault.status ?? 200, {
          'Content-Type':
            fault.contentType ??
            (fault.body.trimStart().startsWith('<')
              ? 'text/html; charset=utf-8'
              : JSON_TYPE),
          'Content-Length': Buffer.byteLength(fault.body),
          'X-Request-Id': requestId
        })
        res.end(fault.body)
        return
      case 'reset':
        req.socket.resetAndDestroy()
        return
      case 'hang':
        // Nothing: close() destroys the socket.
        return
      case 'stall':
        // Chunked, so the client cannot tell the body is over.
        res.writeHead(fault.status ?? 200, {
          'Content-Type': JSON_TYPE,
          'X-Request-Id': requestId
        })
        res.write(fault.partialBody)
        return
      case 'large':
        record.bodyBytesSent = 0
        void streamLarge(res, fault.bytes, requestId, (n) => {
          record.bodyBytesSent = (record.bodyBytesSent ?? 0) + n
        })
        return
      case 'redirect':
        res.writeHead(fault.status ?? 302, {
          Location: fault.location,
          'Content-Length': 0,
          'X-Request-Id': requestId
        })
        res.end()
        return
    }
  }

  private async delay(): Promise<void> {
    if (this.latencyMs <= 0 || this.closed) return
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer)
        resolve()
      }, this.latencyMs)
      this.timers.add(timer)
    })
  }
}

// ---- routing and parsing ---------------------------------------------------

type Route =
  | { name: 'files-statistics'; projectId: string; imageId: string }
  | { name: 'cicd-images'; projectId: string }
  | { name: 'auth-projects' }
  | { name: 'projects' }

function findRoute({ segments: s }: Incoming): Route | undefined {
  const [first, second, third, fourth, fifth] = s
  if (s.length === 5 && first === 'v5' && second && third === 'image') {
    if (fourth === 'cicd' && fifth === 'images') {
      return { name: 'cicd-images', projectId: second }
    }
    if (fourth && fifth === 'files-statistics') {
      return { name: 'files-statistics', projectId: second, imageId: fourth }
    }
  }
  if (s.length === 3 && first === 'v3' && second === 'auth') {
    if (third === 'projects') return { name: 'auth-projects' }
  }
  if (s.length === 2 && first === 'v3' && second === 'projects') {
    return { name: 'projects' }
  }
  return undefined
}

function parseRequest(
  req: IncomingMessage,
  body: Buffer | undefined
): Incoming {
  const rawUrl = req.url ?? '/'
  const mark = rawUrl.indexOf('?')
  const rawPath = mark === -1 ? rawUrl : rawUrl.slice(0, mark)
  const rawQuery = mark === -1 ? '' : rawUrl.slice(mark + 1)

  // Decoded segment by segment: a client may send ':' raw or as %3A, and the
  // vendor's CanonicalURI encodes again, so both must sign the same way.
  // A %2F inside a segment becomes '/' and so signs as two segments; no HSS
  // path parameter can hold a slash, so that case is left alone.
  const segments = rawPath.split('/').slice(1).map(decodeSegment)
  const path = '/' + segments.join('/')

  const query: Query = {}
  for (const [name, value] of new URLSearchParams(rawQuery)) {
    const known = query[name]
    if (known === undefined) query[name] = value
    else if (Array.isArray(known)) known.push(value)
    else query[name] = [known, value]
  }

  return {
    requestId: randomBytes(16).toString('hex'),
    method: req.method ?? 'GET',
    service: /^\/v3(\.\d+)?(\/|$)/.test(path) ? 'iam' : 'hss',
    segments,
    path,
    query,
    headers: req.headers,
    body: body ?? Buffer.alloc(0)
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The whole body, or undefined when it is over the limit. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer
      size += buffer.length
      if (size > MAX_BODY_BYTES) tooLarge = true
      else chunks.push(buffer)
    }
  } catch {
    // The client went away; what arrived is still recorded.
  }
  return tooLarge ? undefined : Buffer.concat(chunks)
}

interface ParsedAuthorization {
  access: string
  signedHeaders: string[]
  /** As sent: it is what the client put in its canonical request. */
  signedHeadersText: string
  signature: string
}

function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match = /^SDK-HMAC-SHA256\s+(.*)$/.exec(value.trim())
  if (match?.[1] === undefined) return undefined
  const fields = new Map<string, string>()
  for (const part of match[1].split(',')) {
    const equals = part.indexOf('=')
    if (equals > 0) {
      fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim())
    }
  }
  const access = fields.get('Access')
  const signedHeadersText = fields.get('SignedHeaders')
  const signature = fields.get('Signature')
  if (!access || !signedHeadersText || !signature) return undefined
  return {
    access,
    signedHeaders: signedHeadersText.toLowerCase().split(';'),
    signedHeadersText,
    signature
  }
}

/** Milliseconds since the epoch of `YYYYMMDDTHHMMSSZ`, or undefined. */
function parseSdkDate(text: string): number | undefined {
  const parts = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text)
  if (parts === null) return undefined
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number)
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!)
  // Date.UTC rolls 20250231 over to March; the gateway would refuse it.
  const back = new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '')
  return back === text ? ms : undefined
}

function header(
  headers: IncomingHttpHeaders,
  name: string
): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(',') : value
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}

/** An undefined expectation matches anything. */
function matches(expected: string | undefined, actual: string | undefined) {
  return expected === undefined || expected === actual
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

function imageKey(image: EmulatorImage): string {
  return `${image.imageType ?? 'cicd'}\u0000${image.id}`
}

function versionOf(image: EmulatorImage): string {
  return image.imageVersion ?? image.tagName ?? ''
}

function checkQueryNames(
  incoming: Incoming,
  allowed: Set<string>
): Answer | undefined {
  for (const [name, value] of Object.entries(incoming.query)) {
    if (!allowed.has(name)) {
      return hssInvalid(incoming, `unknown query parameter '${name}'`)
    }
    if (Array.isArray(value)) {
      return hssInvalid(incoming, `query parameter '${name}' is repeated`)
    }
  }
  return undefined
}

function integerParameter(
  incoming: Incoming,
  name: string,
  fallback: number,
  min: number,
  max: number
): number | Answer {
  const text = single(incoming.query[name])
  if (text === undefined) return fallback
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < min || value > max) {
    return hssInvalid(
      incoming,
      `query parameter '${name}' is '${text}', expected an integer from ` +
        `${min} to ${max}`
    )
  }
  return value
}

// ---- answers -----------------------------------------------------------------

/** Huawei's flat error body, used by the gateway and HSS alike. */
function gatewayError(
  incoming: Incoming,
  status: number,
  code: string,
  message: string
): Answer {
  return {
    status,
    body: toJson({
      error_code: code,
      error_msg: message,
      // The gateway explains a refused permission in an encoded message
      // that IAM's decode API turns back into the policy that was missing.
      ...(code === 'APIGW.0302'
        ? {
            encoded_authorization_message: Buffer.from(
              `denied hss:image:list for ${incoming.requestId}`
            ).toString('base64')
          }
        : {}),
      request_id: incoming.requestId
    })
  }
}

function hssInvalid(incoming: Incoming, detail: string): Answer {
  return gatewayError(incoming, 400, 'HSS.0001', `Invalid parameter: ${detail}`)
}

/**
 * An injected status. Codes of the gateway and HSS use the flat body; any
 * other code on an IAM route uses IAM's nested one.
 */
function statusFault(
  incoming: Incoming,
  fault: Extract<Fault, { type: 'status' }>
): Answer {
  const [defaultCode, defaultMessage] = defaultError(
    fault.status,
    incoming.service
  )
  const code = fault.code ?? defaultCode
  const message = fault.message ?? defaultMessage
  if (
    incoming.service === 'iam' &&
    !code.startsWith('APIGW.') &&
    !code.startsWith('HSS.')
  ) {
    return { status: fault.status, body: toJson({ error: { code, message } }) }
  }
  return gatewayError(incoming, fault.status, code, message)
}

// Gateway codes follow Huawei's published table for its API gateways
// (502 Backend unavailable, 504 Backend timeout, 0302 not authorized).
function defaultError(status: number, service: Service): [string, string] {
  switch (status) {
    case 400:
      return service === 'hss'
        ? ['HSS.0001', 'Invalid parameter']
        : ['IAM.0007', 'Request parameter is invalid.']
    case 401:
      return ['APIGW.0301', 'Incorrect IAM authentication information.']
    case 403:
      return ['APIGW.0302', 'The IAM user is not authorized to access the API.']
    case 404:
      return [
        'APIGW.0101',
        'The API does not exist or has not been published in the environment.'
      ]
    case 429:
      return ['APIGW.0308', 'The throttling threshold has been reached.']
    case 504:
      return ['APIGW.0203', 'Backend timeout.']
    default:
      return status >= 500
        ? ['APIGW.0202', 'Backend unavailable.']
        : ['APIGW.0201', 'API request error.']
  }
}

function faultStatus(fault: Fault): number {
  switch (fault.type) {
    case 'status':
      return fault.status
    case 'raw':
      return fault.status ?? 200
    case 'stall':
      return fault.status ?? 200
    case 'large':
      return 200
    case 'redirect':
      return fault.status ?? 302
    case 'reset':
    case 'hang':
      return 0
  }
}

/**
 * A 200 whose body looks like the statistics followed by padding, exactly
 * `bytes` long, streamed with back-pressure so that a client that gives up
 * stops the stream instead of filling memory.
 */
async function streamLarge(
  res: ServerResponse,
  bytes: number,
  requestId: string,
  sent: (bytes: number) => void
): Promise<void> {
  const head = '{"total_files_num":1,"total_files_size":1,"padding":"'
  const tail = '"}'
  const at = (start: number, end: number): string => {
    let text = ''
    for (let i = start; i < end;) {
      if (i < head.length) {
        const stop = Math.min(end, head.length)
        text += head.slice(i, stop)
        i = stop
      } else if (i < bytes - tail.length) {
        const stop = Math.min(end, bytes - tail.length)
        text += 'x'.repeat(stop - i)
        i = stop
      } else {
        const from = i - (bytes - tail.length)
        const stop = Math.min(end, bytes)
        text += tail.slice(from, from + stop - i)
        i = stop
      }
    }
    return text
  }

  res.writeHead(200, {
    'Content-Type': JSON_TYPE,
    'Content-Length': bytes,
    'X-Request-Id': requestId
  })
  const chunk = 64 * 1024
  for (let start = 0; start < bytes; start += chunk) {
    if (res.destroyed) return
    const text = at(start, Math.min(bytes, start + chunk))
    const ok = res.write(text)
    sent(text.length)
    if (!ok) {
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
  }
  if (!res.destroyed) res.end()
}

/**
 * JSON.stringify that writes a bigint as a bare number, so a test can serve a
 * figure beyond 2^53 exactly as a real service would print it.
 */
function toJson(value: unknown): string {
  const marker = '\u0000bigint:'
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? `${marker}${v.toString()}` : v
  ).replace(/"\\u0000bigint:(-?\d+)"/g, '$1')
}
