/**
 * SDK-HMAC-SHA256, the access-key signature of Huawei Cloud's API gateway
 * (../../shared/HSS-API.md, "Signing requests with an access key").
 *
 * Pure on purpose: no clock, no environment, no network. The caller passes the
 * date, so a test can pin it and the client can log which date it signed with
 * when the gateway answers "signature expired".
 */
import { createHash, createHmac } from 'node:crypto'

export interface RequestToSign {
  /** Upper-case HTTP method, e.g. 'GET'. */
  method: string
  /**
   * Absolute http(s) URL without query: scheme, host[:port] and the raw,
   * unencoded path, e.g.
   * `https://hss.cn-north-4.myhuaweicloud.com/v5/p/image/sha256:ab/files-statistics`.
   */
  url: string
  /** Query parameters, raw; an array is a repeated name. */
  query: Record<string, string | readonly string[]>
  /**
   * Headers to sign besides host and X-Sdk-Date (e.g. region, X-Project-Id,
   * X-Security-Token); names in any case.
   */
  headers: Record<string, string>
  /** The exact body sent; '' or undefined is an empty body. */
  body?: string
}

export interface SigningKey {
  accessKey: string
  secretKey: string
}

export interface SigningResult {
  'X-Sdk-Date': string
  Authorization: string
  /** The signed header names joined by ';', for debug logs. */
  signedHeaders: string
}

const ALGORITHM = 'SDK-HMAC-SHA256'

// The signer owns these: it adds X-Sdk-Date and Authorization itself, and
// host is signed from the URL because that is what the HTTP client sends. A
// caller's own value would be signed but not sent, or sent but not signed.
const RESERVED_HEADERS = new Set(['host', 'x-sdk-date', 'authorization'])

/**
 * Signs a request and returns the headers to add to it. The Host header is
 * signed as the URL's host[:port] (the default port dropped, as Node's HTTP
 * client sends it) but not returned: the HTTP client sets it.
 */
export function signRequest(
  req: RequestToSign,
  key: SigningKey,
  now: Date
): SigningResult {
  const { host, path } = splitUrl(req.url)
  const sdkDate = formatSdkDate(now)

  const headers = new Map<string, string>([
    ['host', host],
    ['x-sdk-date', sdkDate]
  ])
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase()
    if (RESERVED_HEADERS.has(lower)) {
      throw new Error(
        `The signer sets the ${name} header itself; do not pass it`
      )
    }
    if (headers.has(lower)) {
      throw new Error(`Header ${name} is given twice with different cases`)
    }
    headers.set(lower, value.trim())
  }
  const names = [...headers.keys()].sort(compareCodePoints)
  const signedHeaders = names.join(';')
  const canonicalHeaders = names
    .map((name) => `${name}:${headers.get(name)}\n`)
    .join('')

  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalUri(path),
    canonicalQueryString(req.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(req.body ?? '')
  ].join('\n')
  const stringToSign = [ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join(
    '\n'
  )
  const signature = createHmac('sha256', key.secretKey)
    .update(stringToSign, 'utf8')
    .digest('hex')

  return {
    'X-Sdk-Date': sdkDate,
    Authorization: `${ALGORITHM} Access=${key.accessKey}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    signedHeaders
  }
}

/** `YYYYMMDDTHHMMSSZ` in UTC, the only form the gateway accepts. */
export function formatSdkDate(d: Date): string {
  // toISOString throws a RangeError for an invalid date, which is what we
  // want: a request signed with "NaN" would only fail later and less clearly.
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
}

/**
 * Percent-encodes the UTF-8 bytes of `s`, keeping only `A-Z a-z 0-9 - _ . ~`.
 * encodeURIComponent also keeps `! * ( ) '`, which the gateway's canonical
 * form encodes, so those five are encoded on top of it. Like
 * encodeURIComponent it throws a URIError on a lone surrogate: such a string
 * has no UTF-8 form, so no signature for it could match.
 */
export function sdkEncode(s: string): string {
  return encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

/**
 * The canonical URI of a raw (unencoded) path: each '/'-separated segment
 * encoded with sdkEncode, and a '/' appended unless the path ends with one.
 * An empty path is the root, '/'.
 */
export function canonicalUri(pathname: string): string {
  const encoded = pathname.split('/').map(sdkEncode).join('/')
  return encoded.endsWith('/') ? encoded : `${encoded}/`
}

/**
 * The path to put on the request line for a raw path: each segment encoded
 * with sdkEncode except that ':' stays raw, as the official SDKs send image
 * ids like `sha256:ab`. The gateway decodes the path and encodes it again to
 * canonicalise it, so this signs the same as canonicalUri(pathname), without
 * the trailing '/' that exists only in the canonical form.
 */
export function encodePath(pathname: string): string {
  if (pathname === '') return '/'
  return pathname
    .split('/')
    .map((segment) => sdkEncode(segment).replace(/%3A/g, ':'))
    .join('/')
}

/**
 * The canonical query string: names sorted, repeated names' values sorted,
 * `enc(name)=enc(value)` joined by '&', an empty value keeping its '='.
 *
 * Sorting compares Unicode code points (the order of the UTF-8 bytes on the
 * wire), as the Go and Python SDKs do. The Node.js and Java SDKs compare
 * UTF-16 code units instead; the two orders differ only between characters
 * above U+FFFF and those in U+E000..U+FFFF, which no HSS parameter holds.
 */
export function canonicalQueryString(
  query: Record<string, string | readonly string[]>
): string {
  const pairs: string[] = []
  for (const name of Object.keys(query).sort(compareCodePoints)) {
    const value = query[name]
    const values =
      typeof value === 'string'
        ? [value]
        : [...(value ?? [])].sort(compareCodePoints)
    for (const v of values) pairs.push(`${sdkEncode(name)}=${sdkEncode(v)}`)
  }
  return pairs.join('&')
}

/**
 * The query string for the request line, without the '?' ('' when there are
 * no parameters). It is the canonical string itself, so the gateway, whatever
 * order or encoding it normalises to, starts from exactly what was signed.
 */
export function buildQueryString(
  query: Record<string, string | readonly string[]>
): string {
  return canonicalQueryString(query)
}

/**
 * Splits an absolute URL into the host to sign and the raw path. The path is
 * cut out of the string rather than read from URL.pathname, because the WHATWG
 * parser percent-encodes spaces, non-ASCII and `"<>` and friends in the path
 * but leaves `%` alone, so decoding its pathname could not tell a raw `%41`
 * from an encoded `A`. Everything after the authority is taken literally as
 * the path, '?' and '#' included: query parameters travel in `query`.
 */
function splitUrl(url: string): { host: string; path: string } {
  const match = /^(https?):\/\/([^/]*)(.*)$/is.exec(url)
  if (!match) {
    throw new Error(`Cannot sign ${JSON.stringify(url)}: not an http(s) URL`)
  }
  const [, scheme = '', authority = '', path = ''] = match
  let origin: URL
  try {
    origin = new URL(`${scheme}://${authority}`)
  } catch {
    throw new Error(`Cannot sign ${JSON.stringify(url)}: malformed host`)
  }
  // Anything the WHATWG parser would move out of the authority (a '\', '?'
  // or '#' in it) means our split and the HTTP client's would disagree.
  if (origin.pathname !== '/' || origin.search !== '' || origin.hash !== '') {
    throw new Error(`Cannot sign ${JSON.stringify(url)}: malformed host`)
  }
  return { host: origin.host, path }
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

/** Orders strings by code point, i.e. by their UTF-8 bytes. */
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}
