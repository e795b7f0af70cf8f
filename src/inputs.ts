import * as core from '@actions/core'

import { InputError } from './errors.js'
import type { Limits } from './gate.js'
import {
  hssEndpoint,
  iamEndpoint,
  regionEndpointOverride
} from './huawei/endpoints.js'
import type { Auth } from './huawei/auth.js'
import {
  parseCount,
  parseDuration,
  parseIncrease,
  parseSize,
  UnitError
} from './units.js'

export const IMAGE_TYPES = [
  'cicd',
  'private_image',
  'shared_image',
  'local_image',
  'instance_image',
  'registry',
  'local'
] as const
export type ImageType = (typeof IMAGE_TYPES)[number]

export type CommentMode = 'auto' | 'always' | 'never'
export type CommentWhen = 'always' | 'warn' | 'fail'

export interface CommentSettings {
  mode: CommentMode
  when: CommentWhen
  /** Empty: derived from the workflow, job and images by the caller. */
  key: string
  prNumber?: number
  token: string
}

export interface Settings {
  imageIds: string[]
  /** Paired with imageIds in order; empty when no baseline is given. */
  baselineIds: string[]
  imageType: ImageType
  /** Only for non-cicd types; applies to every image id. */
  namespace: string
  imageName: string
  tagName: string
  enterpriseProjectId: string
  region: string
  projectId: string
  auth: Auth
  endpoint: string
  iamEndpoint: string
  requestTimeoutMs: number
  maxRetries: number
  timeoutMs: number
  waitForScanMs: number
  concurrency: number
  summary: boolean
  limits: Limits
  failOnThreshold: boolean
  comment: CommentSettings
}

type Env = Record<string, string | undefined>

/**
 * action.yml's defaults, for inputs given but left empty. The runner fills in
 * a default only when the key is missing from `with:`, so `timeout: ${{
 * vars.UNSET }}` arrives as ''; empty means "not set" everywhere here. A unit
 * test keeps this table equal to action.yml. (github-token's default is an
 * expression only the runner can evaluate: empty, it falls back to the
 * GITHUB_TOKEN environment variable instead.)
 */
export const DEFAULTS: Readonly<Record<string, string>> = {
  'image-type': 'cicd',
  'request-timeout': '30s',
  'max-retries': '3',
  timeout: '5m',
  'wait-for-scan': '0',
  concurrency: '4',
  summary: 'true',
  'fail-on-threshold': 'true',
  comment: 'auto',
  'comment-when': 'always'
}

/** An input as the user gave it, trimmed; an empty one takes its default. */
function input(name: string): string {
  return core.getInput(name) || (DEFAULTS[name] ?? '')
}

/** An input, or the first non-empty environment variable named after it. */
function inputOrEnv(name: string, env: Env, ...vars: string[]): string {
  const value = input(name)
  if (value !== '') return value
  for (const v of vars) {
    const fromEnv = env[v]?.trim()
    if (fromEnv) return fromEnv
  }
  return ''
}

/**
 * Masks every credential the step can see, from inputs and from the
 * environment fallbacks alike, before anything else runs or logs. Encoded
 * forms are masked too, since a URL or an Authorization header could carry
 * them.
 */
export function maskCredentials(env: Env = process.env): void {
  const secrets = [
    input('access-key'),
    input('secret-key'),
    input('security-token'),
    input('auth-token'),
    input('github-token'),
    env.HUAWEI_CLOUD_ACCESS_KEY_ID,
    env.HUAWEI_CLOUD_SECRET_ACCESS_KEY,
    env.HUAWEICLOUD_SDK_AK,
    env.HUAWEICLOUD_SDK_SK,
    env.HUAWEICLOUD_SDK_SECURITY_TOKEN,
    env.CLOUD_SDK_AK,
    env.CLOUD_SDK_SK,
    env.GITHUB_TOKEN
  ]
  for (const secret of secrets) {
    const value = secret?.trim()
    if (!value) continue
    for (const form of new Set([
      value,
      encodeURIComponent(value),
      Buffer.from(value).toString('base64'),
      Buffer.from(value).toString('base64url')
    ])) {
      core.setSecret(form)
    }
  }
}

/** Splits a list input: one per line or comma separated; blanks dropped. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

function parseWith<T>(name: string, parse: (text: string) => T): T | undefined {
  const text = input(name)
  if (text === '') return undefined
  try {
    return parse(text)
  } catch (error) {
    if (error instanceof UnitError) {
      throw new InputError(name, text, error.message)
    }
    throw error
  }
}

function oneOf<T extends string>(name: string, allowed: readonly T[]): T {
  const text = input(name)
  const found = allowed.find((a) => a === text.toLowerCase())
  if (found === undefined) {
    throw new InputError(name, text, `expected one of ${allowed.join(', ')}.`)
  }
  return found
}

function boolean(name: string): boolean {
  const text = input(name)
  if (/^(true|yes|on|1)$/i.test(text)) return true
  if (/^(false|no|off|0)$/i.test(text)) return false
  throw new InputError(name, text, 'expected true or false.')
}

function wholeNumber(name: string, min: number, max: number): number {
  const text = input(name)
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new InputError(
      name,
      text,
      `expected a whole number from ${min} to ${max}.`
    )
  }
  return Number(text)
}

/**
 * Plain http is allowed only to loopback, where the bundled emulator runs:
 * anywhere else it would send signed requests and tokens in clear text.
 */
export function parseEndpoint(name: string, text: string): string {
  const accepted =
    'expected an https:// URL (http:// only for 127.0.0.0/8, ::1 or localhost) with no user name, password, query or fragment.'
  // A user name and password in the URL are credentials: the error quotes
  // the URL without them.
  const shown = text.replace(/^([a-z][a-z\d+.-]*:\/\/)?.*@/is, '$1***@')
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new InputError(name, shown, accepted)
  }
  const loopback =
    url.hostname === 'localhost' ||
    url.hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)
  const schemeOk =
    url.protocol === 'https:' || (url.protocol === 'http:' && loopback)
  if (
    !schemeOk ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new InputError(name, shown, accepted)
  }
  return url.origin + url.pathname.replace(/\/+$/, '')
}

/** The SDKs' per-region override, else the region's own endpoint. */
function endpointFromRegion(region: string, env: Env): string {
  const override = regionEndpointOverride(region, env)
  if (override === undefined) {
    return parseEndpoint('endpoint', hssEndpoint(region))
  }
  try {
    return parseEndpoint('endpoint', override)
  } catch (error) {
    if (!(error instanceof InputError)) throw error
    const variable = `HUAWEICLOUD_SDK_REGION_HSS_${region.toUpperCase().replace(/-/g, '_')}`
    throw new InputError(
      'endpoint',
      error.value,
      `${error.expected} The value comes from the environment variable ${variable}, read because endpoint is empty.`
    )
  }
}

function readAuth(env: Env): Auth {
  const accessKey = inputOrEnv(
    'access-key',
    env,
    'HUAWEI_CLOUD_ACCESS_KEY_ID',
    'HUAWEICLOUD_SDK_AK',
    'CLOUD_SDK_AK'
  )
  const secretKey = inputOrEnv(
    'secret-key',
    env,
    'HUAWEI_CLOUD_SECRET_ACCESS_KEY',
    'HUAWEICLOUD_SDK_SK',
    'CLOUD_SDK_SK'
  )
  const securityToken = inputOrEnv(
    'security-token',
    env,
    'HUAWEICLOUD_SDK_SECURITY_TOKEN'
  )
  const authToken = input('auth-token')

  // These travel in headers, where a line break or a non-ASCII character
  // makes the HTTP client throw, or the gateway answer "ak not exist", long
  // after the input was read. Secrets are never quoted back: '***' stands in.
  for (const [name, value] of [
    ['access-key', accessKey],
    ['security-token', securityToken],
    ['auth-token', authToken]
  ] as const) {
    if (value !== '' && !/^[\x21-\x7e]+$/.test(value)) {
      throw new InputError(
        name,
        '***',
        'expected printable ASCII with no spaces or line breaks; check that the secret holds the key alone.'
      )
    }
  }

  // Credentials are never quoted back: the error names the inputs only.
  // Exactly one way in: keys found in the environment count too, so a token
  // never silently wins over keys that huaweicloud/auth-action exported.
  if (authToken !== '') {
    if (accessKey !== '' || secretKey !== '' || securityToken !== '') {
      throw new InputError(
        'auth-token',
        '***',
        'give either auth-token or access-key and secret-key, not both; access-key, secret-key or security-token is also set, as an input or from the environment (HUAWEI_CLOUD_ACCESS_KEY_ID, HUAWEICLOUD_SDK_AK, CLOUD_SDK_AK and their secret keys).'
      )
    }
    return { kind: 'token', token: authToken }
  }
  if (accessKey === '' && secretKey === '') {
    throw new InputError(
      'access-key',
      '',
      'no credentials: set access-key and secret-key (or HUAWEI_CLOUD_ACCESS_KEY_ID and HUAWEI_CLOUD_SECRET_ACCESS_KEY), or auth-token.'
    )
  }
  if (accessKey === '' || secretKey === '') {
    const missing = accessKey === '' ? 'access-key' : 'secret-key'
    throw new InputError(
      missing,
      '',
      'access-key and secret-key must both be set (from inputs or the environment).'
    )
  }
  return securityToken === ''
    ? { kind: 'aksk', accessKey, secretKey }
    : { kind: 'aksk', accessKey, secretKey, securityToken }
}

function limit(name: string, parse: (text: string) => number) {
  const value = parseWith(name, parse)
  return value === undefined ? undefined : { text: input(name), value }
}

function increaseLimit(name: string, parse: (text: string) => number) {
  const increase = parseWith(name, (t) => parseIncrease(t, parse))
  return increase === undefined ? undefined : { text: input(name), increase }
}

function readLimits(hasBaseline: boolean): Limits {
  const limits: Limits = {
    maxSize: limit('max-size', parseSize),
    warnSize: limit('warn-size', parseSize),
    maxFiles: limit('max-files', parseCount),
    warnFiles: limit('warn-files', parseCount),
    maxSizeIncrease: increaseLimit('max-size-increase', parseSize),
    warnSizeIncrease: increaseLimit('warn-size-increase', parseSize),
    maxFilesIncrease: increaseLimit('max-files-increase', parseCount),
    warnFilesIncrease: increaseLimit('warn-files-increase', parseCount)
  }

  // A growth limit with nothing to grow from would be ignored in silence.
  if (!hasBaseline) {
    for (const name of [
      'max-size-increase',
      'warn-size-increase',
      'max-files-increase',
      'warn-files-increase'
    ]) {
      if (input(name) !== '') {
        throw new InputError(
          name,
          input(name),
          'a growth limit needs baseline-image-id, the image to compare with.'
        )
      }
    }
  }

  // A warning tier above the failing one could never be seen: refuse it.
  const tiers = [
    ['warn-size', 'max-size', limits.warnSize, limits.maxSize],
    ['warn-files', 'max-files', limits.warnFiles, limits.maxFiles]
  ] as const
  for (const [warnName, maxName, warn, max] of tiers) {
    if (warn && max && warn.value > max.value) {
      throw tierError(warnName, maxName)
    }
  }
  const increaseTiers = [
    [
      'warn-size-increase',
      'max-size-increase',
      limits.warnSizeIncrease?.increase,
      limits.maxSizeIncrease?.increase
    ],
    [
      'warn-files-increase',
      'max-files-increase',
      limits.warnFilesIncrease?.increase,
      limits.maxFilesIncrease?.increase
    ]
  ] as const
  for (const [warnName, maxName, warn, max] of increaseTiers) {
    // A size against a percentage depends on the baseline: judged as given.
    if (!warn || !max) continue
    const above =
      warn.kind === 'absolute' && max.kind === 'absolute'
        ? warn.value > max.value
        : warn.kind === 'percent' &&
          max.kind === 'percent' &&
          warn.numerator * max.denominator > max.numerator * warn.denominator
    if (above) throw tierError(warnName, maxName)
  }
  return limits
}

function tierError(warnName: string, maxName: string): InputError {
  return new InputError(
    warnName,
    input(warnName),
    `expected a limit no larger than ${maxName} (${input(maxName)}), since a warning tier above the failing one would never be seen.`
  )
}

function readComment(env: Env): CommentSettings {
  const mode = oneOf('comment', ['auto', 'always', 'never'] as const)
  const when = oneOf('comment-when', ['always', 'warn', 'fail'] as const)
  const prText = input('pr-number')
  let prNumber: number | undefined
  if (prText !== '') {
    if (!/^[1-9]\d{0,9}$/.test(prText)) {
      throw new InputError(
        'pr-number',
        prText,
        'expected a pull request number such as 42.'
      )
    }
    prNumber = Number(prText)
  }
  const key = input('comment-key')
  // The key travels in the comment's hidden first line, where escaping can
  // triple it, and the whole comment must stay under GitHub's limit.
  if (key.length > 256) {
    throw new InputError(
      'comment-key',
      key,
      'expected at most 256 characters, such as linux/amd64 or the image name.'
    )
  }
  return {
    mode,
    when,
    key,
    prNumber,
    // A job that exports GITHUB_TOKEN but passes github-token: '' (or an
    // unset secret) still comments.
    token: inputOrEnv('github-token', env, 'GITHUB_TOKEN')
  }
}

/**
 * Reads and validates every input, in one place, before any request is made.
 * Throws InputError naming the first input that cannot be used.
 */
export function readSettings(env: Env = process.env): Settings {
  // Pairs are formed before repeats are dropped, so one baseline may serve
  // several images and a repeated image keeps its own baseline.
  const images = splitList(input('image-id'))
  if (images.length === 0) {
    throw new InputError(
      'image-id',
      input('image-id'),
      'expected at least one HSS image id (one per line or separated by commas).'
    )
  }
  for (const id of images) checkImageId('image-id', id)
  const baselines = splitList(input('baseline-image-id'))
  for (const id of baselines) checkImageId('baseline-image-id', id)
  if (baselines.length > 0 && baselines.length !== images.length) {
    throw new InputError(
      'baseline-image-id',
      input('baseline-image-id'),
      `expected one baseline per image-id, paired in order (${images.length} image(s), ${baselines.length} baseline(s)).`
    )
  }
  const pairs = [
    ...new Map(
      images.map((id, i) => [`${id}\n${baselines[i] ?? ''}`, i])
    ).values()
  ]
  const imageIds = pairs.map((i) => images[i] as string)
  const baselineIds = baselines.length
    ? pairs.map((i) => baselines[i] as string)
    : []

  const imageType = oneOf('image-type', IMAGE_TYPES)
  const namespace = input('namespace')
  const imageName = input('image-name')
  const tagName = input('tag-name')
  for (const [name, value] of [
    ['namespace', namespace],
    ['image-name', imageName],
    ['tag-name', tagName]
  ] as const) {
    // Sent in the query and shown in the summary: a line break or a value
    // of kilobytes has no place in a registry name and would only come back
    // as a 400 or 414 from the gateway, blamed on no input.
    if (value.length > 256 || /\p{Cc}/u.test(value)) {
      throw new InputError(
        name,
        value,
        'expected at most 256 characters and no line breaks or control characters.'
      )
    }
  }
  if (imageType !== 'cicd') {
    for (const [name, value] of [
      ['namespace', namespace],
      ['image-name', imageName],
      ['tag-name', tagName]
    ] as const) {
      if (value === '') {
        throw new InputError(
          name,
          value,
          `required when image-type is ${imageType} (only cicd images are found by id alone).`
        )
      }
    }
  }

  const region = inputOrEnv(
    'region',
    env,
    'HUAWEI_CLOUD_REGION',
    'HUAWEICLOUD_SDK_REGION'
  )
  if (region === '') {
    throw new InputError(
      'region',
      '',
      'required: set region (e.g. cn-north-4) or the environment variable HUAWEI_CLOUD_REGION.'
    )
  }
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(region)) {
    throw new InputError(
      'region',
      region,
      'expected a region id such as cn-north-4 (lower-case letters, digits and dashes).'
    )
  }

  const projectId = inputOrEnv(
    'project-id',
    env,
    'HUAWEI_CLOUD_PROJECT_ID',
    'HUAWEICLOUD_SDK_PROJECT_ID'
  )
  if (projectId !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(projectId)) {
    throw new InputError(
      'project-id',
      projectId,
      'expected a project id of letters, digits, - and _ (32 hexadecimal characters on Huawei Cloud).'
    )
  }

  const auth = readAuth(env)

  const endpointInput = input('endpoint')
  const endpoint =
    endpointInput !== ''
      ? parseEndpoint('endpoint', endpointInput)
      : endpointFromRegion(region, env)
  const iamInput = input('iam-endpoint')
  // An IAM endpoint is only needed when the project id must be looked up, so
  // a region this version does not know is fine when the project id is given.
  const iam =
    iamInput !== ''
      ? parseEndpoint('iam-endpoint', iamInput)
      : projectId === ''
        ? iamEndpoint(region)
        : ''

  const requestTimeoutMs = parseWith('request-timeout', parseDuration) ?? 0
  if (requestTimeoutMs <= 0) {
    throw new InputError(
      'request-timeout',
      input('request-timeout'),
      'expected a duration above zero, such as 500ms, 30s or 2m.'
    )
  }
  const timeoutMs = parseWith('timeout', parseDuration) ?? 0
  if (timeoutMs <= 0) {
    throw new InputError(
      'timeout',
      input('timeout'),
      'expected a duration above zero, such as 90s, 5m or 1h.'
    )
  }
  const waitForScanMs = parseWith('wait-for-scan', parseDuration) ?? 0
  // The step's timeout would cut such a wait short, and its error would
  // blame the timeout rather than the wait that could never be had.
  if (waitForScanMs >= timeoutMs) {
    throw new InputError(
      'wait-for-scan',
      input('wait-for-scan'),
      `expected a duration shorter than timeout (${input('timeout')}), which bounds the whole step; raise timeout as well.`
    )
  }
  if (waitForScanMs > 0 && imageType !== 'cicd') {
    throw new InputError(
      'wait-for-scan',
      input('wait-for-scan'),
      'waiting for the scan is only possible for cicd images; set it to 0.'
    )
  }

  return {
    imageIds,
    baselineIds,
    imageType,
    namespace,
    imageName,
    tagName,
    enterpriseProjectId: checkEnterpriseProject(input('enterprise-project-id')),
    region,
    projectId,
    auth,
    endpoint,
    iamEndpoint: iam,
    requestTimeoutMs,
    maxRetries: wholeNumber('max-retries', 0, 10),
    timeoutMs,
    waitForScanMs,
    concurrency: wholeNumber('concurrency', 1, 64),
    summary: boolean('summary'),
    limits: readLimits(baselineIds.length > 0),
    failOnThreshold: boolean('fail-on-threshold'),
    comment: readComment(env)
  }
}

/**
 * Ids travel in the URL path: the signer encodes them, but a '/' would
 * change which API is called and control characters have no place in an id.
 */
function checkImageId(name: string, id: string): void {
  // '.' and '..' are dot segments: URL parsing drops them from the path, so
  // the request would reach another API instead of this image.
  if (id.length > 256 || /[/\\\p{Cc}]/u.test(id) || id === '.' || id === '..') {
    throw new InputError(
      name,
      id,
      "expected an HSS image id (at most 256 characters, no slashes or control characters, not '.' or '..')."
    )
  }
}

function checkEnterpriseProject(text: string): string {
  if (text !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(text)) {
    throw new InputError(
      'enterprise-project-id',
      text,
      "expected an enterprise project id, '0' for the default one, or 'all_granted_eps'."
    )
  }
  return text
}
