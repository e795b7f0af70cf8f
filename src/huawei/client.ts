import https from 'node:https'

import axios, {
  AxiosError,
  type AxiosInstance,
  type AxiosResponse
} from 'axios'

import { sleep } from '../concurrency.js'
import { ServiceError } from '../errors.js'
import type { Auth } from './auth.js'
import { encodePath, signRequest, buildQueryString } from './signer.js'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
}

export interface ClientOptions {
  auth: Auth
  requestTimeoutMs: number
  maxRetries: number
  log: Logger
  /** Aborted when the step's overall timeout runs out; its reason says so. */
  signal?: AbortSignal
  userAgent?: string
  /** Injected for tests of the backoff; defaults to the real clock. */
  now?: () => Date
  random?: () => number
}

export interface ApiRequest {
  /** What is being done, for messages: "reading file statistics of image 111". */
  operation: string
  /** 'HSS' or 'IAM', for messages. */
  service: string
  baseUrl: string
  /** Raw path segments after the base URL; the client encodes them. */
  segments: readonly string[]
  query?: Record<string, string>
  /** Extra headers, all signed (region, X-Project-Id). */
  headers?: Record<string, string>
  /**
   * Awaited before every attempt, retries included: lets a caller that
   * spaces its requests (the scan polls) space the retries too.
   */
  pace?: () => Promise<void>
}

export interface ApiResponse {
  status: number
  body: unknown
  /** The body as received, for quoting: parsing rounds numbers above 2^53. */
  text: string
  requestId: string
}

/**
 * Bodies we accept are a few hundred bytes; a larger one is refused while it
 * streams in, so a broken proxy cannot make the step buffer megabytes.
 */
export const MAX_BODY_BYTES = 1024 * 1024

/**
 * Requests open at once before the credentials have worked: fewer than the
 * 5 failures in a row that lock a key, and as many as the default
 * concurrency, so that the first wave of images loses no round trip.
 */
export const UNPROVEN_IN_FLIGHT = 4

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ERR_CANCELED',
  'ERR_SOCKET_CONNECTION_TIMEOUT'
])

/** One signed HTTP client for HSS and IAM: signing, timeouts, retries, errors. */
export class HuaweiClient {
  private readonly http: AxiosInstance
  private readonly now: () => Date
  private readonly random: () => number
  /**
   * HSS locks an access key after more than 5 failed authentications in a
   * row, and the step queries several images at once. So once a request is
   * refused with 401 or 403 no other is sent, and until one has been
   * answered 2xx (the credentials work) at most UNPROVEN_IN_FLIGHT requests
   * are open. A wrong secret costs at most that many attempts in a run, so
   * one run can never lock the key; a re-run adds its own attempts to the
   * count. Sending the first image alone would make a wrong secret cost
   * exactly one attempt, but every run of several images would pay a round
   * trip for it.
   */
  private authRefused?: ServiceError
  private authProven = false
  private unproven = 0
  private waiting: Array<() => void> = []

  constructor(private readonly options: ClientOptions) {
    this.now = options.now ?? (() => new Date())
    this.random = options.random ?? Math.random
    this.http = axios.create({
      // Redirects are never followed: a signed request or a token must not
      // reach a host the user did not name.
      maxRedirects: 0,
      // Certificates are always verified, even when the job's environment
      // sets NODE_TLS_REJECT_UNAUTHORIZED=0 for another step: a signed
      // request or a token must not go to a host that cannot prove who it
      // is. Keep-alive as Node's global agent has it; axios passes these
      // TLS options on through an HTTPS_PROXY tunnel too.
      httpsAgent: new https.Agent({
        keepAlive: true,
        rejectUnauthorized: true
      }),
      maxContentLength: MAX_BODY_BYTES,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      timeout: options.requestTimeoutMs,
      headers: {
        'User-Agent': options.userAgent ?? 'hss-image-size-gate',
        Accept: 'application/json'
      }
    })
  }

  async get(request: ApiRequest): Promise<ApiResponse> {
    if (this.authProven || this.authRefused) return this.send(request)
    while (
      !this.authProven &&
      !this.authRefused &&
      this.unproven >= UNPROVEN_IN_FLIGHT
    ) {
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    }
    this.unproven++
    try {
      return await this.send(request)
    } finally {
      this.unproven--
      for (const wake of this.waiting.splice(0)) wake()
    }
  }

  private async send(request: ApiRequest): Promise<ApiResponse> {
    const { maxRetries } = this.options
    for (let attempt = 0; ; attempt++) {
      if (this.authRefused) throw notSent(request, this.authRefused)
      await request.pace?.()
      const outcome = await this.attempt(request, attempt)
      if (outcome.kind === 'ok') {
        this.authProven = true
        return outcome.response
      }
      if (outcome.error.details.authFailure) this.authRefused = outcome.error
      if (!outcome.retryable || attempt >= maxRetries) {
        throw attempt > 0
          ? afterAttempts(outcome.error, attempt + 1)
          : outcome.error
      }
      const delay = this.backoff(
        attempt,
        outcome.retryAfterMs,
        outcome.throttled
      )
      this.options.log.debug(
        `${request.service}: retry ${attempt + 1} of ${maxRetries} in ${delay} ms after: ${outcome.error.message}`
      )
      await this.sleep(delay, request, outcome.error)
    }
  }

  private async attempt(
    request: ApiRequest,
    attempt: number
  ): Promise<
    | { kind: 'ok'; response: ApiResponse }
    | {
        kind: 'failed'
        error: ServiceError
        retryable: boolean
        throttled: boolean
        retryAfterMs?: number
      }
  > {
    this.throwIfAborted(request)
    const { auth, requestTimeoutMs, log } = this.options
    const rawPath = request.segments.map((s) => `/${s}`).join('')
    const path = encodePath(rawPath)
    const query = request.query ?? {}
    const queryString = buildQueryString(query)
    const url = `${request.baseUrl}${path}${queryString ? `?${queryString}` : ''}`
    const headers: Record<string, string> = { ...request.headers }
    let signedNames = 'none (X-Auth-Token)'
    if (auth.kind === 'token') {
      headers['X-Auth-Token'] = auth.token
    } else {
      if (auth.securityToken) headers['X-Security-Token'] = auth.securityToken
      // Signed afresh on every attempt: X-Sdk-Date must be current.
      const signed = signRequest(
        {
          method: 'GET',
          url: `${request.baseUrl}${rawPath}`,
          query,
          headers
        },
        auth,
        this.now()
      )
      headers['X-Sdk-Date'] = signed['X-Sdk-Date']
      headers.Authorization = signed.Authorization
      signedNames = signed.signedHeaders
    }

    const perRequest = AbortSignal.timeout(requestTimeoutMs)
    const signal = this.options.signal
      ? AbortSignal.any([this.options.signal, perRequest])
      : perRequest
    const started = Date.now()
    let response: AxiosResponse<string>
    try {
      response = await this.http.get<string>(url, { headers, signal })
    } catch (error) {
      this.throwIfAborted(request)
      const code = error instanceof AxiosError ? (error.code ?? '') : ''
      const timedOut =
        perRequest.aborted || code === 'ECONNABORTED' || code === 'ETIMEDOUT'
      const tooLarge = /maxContentLength/i.test(String(error))
      log.debug(
        `${request.service} GET ${url} attempt ${attempt + 1}: ${timedOut ? 'timed out' : code || String(error)} after ${Date.now() - started} ms`
      )
      if (tooLarge) {
        return {
          kind: 'failed',
          retryable: false,
          throttled: false,
          error: new ServiceError(
            `${request.service} sent a response larger than ${MAX_BODY_BYTES} bytes while ${request.operation}; it was refused unread. Hint: check that endpoint points at the ${request.service} API and not at a proxy or web page.`,
            { operation: request.operation }
          )
        }
      }
      const message = timedOut
        ? `${request.service} did not answer within request-timeout (${requestTimeoutMs} ms) while ${request.operation}.`
        : `${request.service} request failed while ${request.operation}: ${describeNetworkError(error)}.`
      return {
        kind: 'failed',
        retryable: timedOut || RETRYABLE_CODES.has(code),
        throttled: false,
        error: new ServiceError(
          `${message} Hint: check the endpoint (${request.baseUrl}), the network and any HTTPS_PROXY setting.`,
          { operation: request.operation }
        )
      }
    }

    const requestId = headerValue(response.headers, 'x-request-id')
    log.debug(
      `${request.service} GET ${url} signed=[${signedNames}] -> ${response.status} request-id=${requestId || '-'} in ${Date.now() - started} ms`
    )
    if (response.status >= 200 && response.status < 300) {
      let body: unknown
      try {
        body = JSON.parse(response.data)
      } catch {
        return {
          kind: 'failed',
          retryable: false,
          throttled: false,
          error: new ServiceError(
            `${request.service} answered ${response.status} with a body that is not JSON while ${request.operation} (request id ${requestId || 'none'}): ${shorten(response.data)}`,
            { operation: request.operation, status: response.status, requestId }
          )
        }
      }
      return {
        kind: 'ok',
        response: {
          status: response.status,
          body,
          text: response.data,
          requestId
        }
      }
    }

    const error = serviceErrorFrom(request, response, requestId, {
      now: this.now(),
      maxRetries: this.options.maxRetries,
      log
    })
    const status = response.status
    return {
      kind: 'failed',
      error,
      retryable: status === 429 || status >= 500,
      throttled: status === 429,
      retryAfterMs: parseRetryAfter(
        headerValue(response.headers, 'retry-after'),
        this.now()
      )
    }
  }

  /**
   * Exponential backoff with jitter. HSS advises 2 to 5 seconds after a 429
   * and sends no Retry-After, so throttling starts at 2 s; other failures at
   * 0.5 s. A Retry-After from the server wins, capped at a minute.
   */
  private backoff(
    attempt: number,
    retryAfterMs: number | undefined,
    throttled: boolean
  ): number {
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, 60_000)
    const base = throttled ? 2000 : 500
    const exp = base * 2 ** attempt
    return Math.min(Math.round(exp * (1 + this.random() * 0.5)), 20_000)
  }

  private async sleep(
    ms: number,
    request: ApiRequest,
    lastFailure: ServiceError
  ): Promise<void> {
    try {
      await sleep(ms, this.options.signal)
    } catch {
      throw this.abortedError(request, lastFailure)
    }
  }

  private throwIfAborted(request: ApiRequest): void {
    if (this.options.signal?.aborted) throw this.abortedError(request)
  }

  /**
   * When the step's timeout cuts a backoff short, the failure that was being
   * retried is named too: "the timeout ran out" alone would hide that HSS
   * was throttling or failing all along.
   */
  private abortedError(
    request: ApiRequest,
    lastFailure?: ServiceError
  ): ServiceError {
    const reason: unknown = this.options.signal?.reason
    const why =
      reason instanceof Error ? reason.message : 'the step was stopped'
    const last = lastFailure
      ? `. The last attempt had failed: ${lastFailure.message}`
      : ''
    return new ServiceError(
      `Stopped while ${request.operation}: ${why}${last}`,
      { operation: request.operation }
    )
  }
}

/** The last failure of a retried request, saying how often it was sent. */
function afterAttempts(error: ServiceError, attempts: number): ServiceError {
  return new ServiceError(
    `${error.message} (The request was sent ${attempts} times.)`,
    error.details
  )
}

/** A request held back because the credentials were already refused. */
function notSent(request: ApiRequest, refused: ServiceError): ServiceError {
  const { operation, status, code } = refused.details
  const answer = [status, code].filter(Boolean).join(' ')
  return new ServiceError(
    `Not sent, since ${operation} was refused (${answer}) and HSS locks a key after 5 failed attempts in a row; see that error.`,
    { ...refused.details, operation: request.operation }
  )
}

function headerValue(headers: AxiosResponse['headers'], name: string): string {
  const value: unknown = headers[name]
  return typeof value === 'string' ? value : ''
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  if (value === '') return undefined
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - now.getTime())
}

function describeNetworkError(error: unknown): string {
  if (error instanceof AxiosError) {
    return [error.code, error.message].filter(Boolean).join(' ')
  }
  return String(error)
}

/** Error bodies: APIGW/HSS use error_code/error_msg, IAM nests them in `error`. */
export function parseErrorBody(text: string): {
  code?: string
  message?: string
  requestId?: string
  /** Sent with a refused permission; IAM's decode API explains it. */
  encodedAuthorization?: string
} {
  try {
    const body: unknown = JSON.parse(text)
    if (typeof body !== 'object' || body === null) return {}
    const b = body as Record<string, unknown>
    if (typeof b.error_code === 'string' || typeof b.error_msg === 'string') {
      return {
        code: asString(b.error_code),
        message: asString(b.error_msg),
        requestId: asString(b.request_id),
        encodedAuthorization: asString(b.encoded_authorization_message)
      }
    }
    if (typeof b.error === 'object' && b.error !== null) {
      const e = b.error as Record<string, unknown>
      return {
        code: asString(e.code) ?? asString(e.title),
        message: asString(e.message)
      }
    }
  } catch {
    // Not JSON: the caller quotes the raw body instead.
  }
  return {}
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  return undefined
}

/** Bodies are quoted on one line and cut, so an HTML page cannot flood the log. */
export function shorten(text: string, max = 200): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  if (oneLine === '') return '(empty body)'
  return JSON.stringify(
    oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine
  )
}

interface HintContext {
  now: Date
  maxRetries: number
  encodedAuthorization?: boolean
}

interface ErrorContext extends HintContext {
  log: Logger
}

function serviceErrorFrom(
  request: ApiRequest,
  response: AxiosResponse<string>,
  headerRequestId: string,
  context: ErrorContext
): ServiceError {
  const status = response.status
  const parsed = parseErrorBody(response.data ?? '')
  if (parsed.encodedAuthorization) {
    // Whole, and only at debug: it is long, and only its decoding helps.
    context.log.debug(
      `${request.service} encoded_authorization_message: ${parsed.encodedAuthorization.replace(/\s+/g, '')}`
    )
  }
  const requestId = headerRequestId || parsed.requestId || ''
  const hint = hintFor(status, parsed.code, parsed.message, request, {
    now: context.now,
    maxRetries: context.maxRetries,
    encodedAuthorization: parsed.encodedAuthorization !== undefined
  })
  const what =
    parsed.code || parsed.message
      ? `${parsed.code ?? ''}${parsed.code && parsed.message ? ': ' : ''}${parsed.message ?? ''}`
      : shorten(response.data ?? '')
  const location =
    status >= 300 && status < 400
      ? ` redirecting to ${JSON.stringify(headerValue(response.headers, 'location'))} (not followed)`
      : ''
  return new ServiceError(
    `${request.service} answered ${status}${location} while ${request.operation}: ${what} (request id ${requestId || 'none'}). Hint: ${hint}`,
    {
      operation: request.operation,
      status,
      code: parsed.code,
      serviceMessage: parsed.message,
      requestId,
      hint,
      authFailure: status === 401 || status === 403
    }
  )
}

function hintFor(
  status: number,
  code: string | undefined,
  message: string | undefined,
  request: ApiRequest,
  context: HintContext
): string {
  const iam = request.service === 'IAM'
  if (status === 401) {
    const clock = /expired/i.test(message ?? '')
      ? ` The runner's clock reads ${context.now.toISOString()}; the gateway refuses signatures more than 15 minutes off its own.`
      : ''
    return `check access-key and secret-key (or auth-token, or the security-token of temporary credentials) and the runner's clock.${clock} Not retried: HSS locks a key after 5 failed attempts in a row.`
  }
  if (status === 403) {
    return iam
      ? 'IAM refused to list the projects: set project-id so that no IAM call is needed. Not retried.'
      : `the credentials are valid but lack permission: grant the IAM user HSS read access (e.g. the HSS ReadOnlyAccess policy) in this region, and check enterprise-project-id.${context.encodedAuthorization ? " HSS sent an encoded_authorization_message, logged at debug level (re-run with debug logging): IAM's decode-authorization-message API names the missing permission." : ''} Not retried.`
  }
  if (status === 429) {
    return `${request.service} throttled the requests; raise max-retries, lower concurrency, or run the step later.`
  }
  if (status >= 500) {
    return `${request.service} had an internal error${context.maxRetries > 0 ? ` (retried up to max-retries, ${context.maxRetries} time(s))` : ''}; try again later.`
  }
  if (status >= 300 && status < 400) {
    return `the endpoint (${request.baseUrl}) redirects; set ${iam ? 'iam-endpoint' : 'endpoint'} to the ${request.service} API's own address.`
  }
  if (code === 'APIGW.0101') {
    return `no such API at ${request.baseUrl}: check region and ${iam ? 'iam-endpoint' : 'endpoint'}.`
  }
  if (iam) {
    return 'check iam-endpoint and region, or set project-id so that no IAM call is needed.'
  }
  return 'check image-id, image-type (and namespace, image-name, tag-name for non-cicd images), region and project-id: the image must exist in that project and region.'
}
