import { createRequire } from 'node:module'
import fc from 'fast-check'
import {
  buildQueryString,
  canonicalQueryString,
  canonicalUri,
  encodePath,
  formatSdkDate,
  sdkEncode,
  signRequest,
  type RequestToSign
} from '../../src/huawei/signer.js'

const key = { accessKey: 'AccessKey', secretKey: 'SecretKey' }

function signatureOf(authorization: string): string {
  return /Signature=([0-9a-f]{64})$/.exec(authorization)?.[1] ?? ''
}

describe('signRequest against the published test vectors', () => {
  it('signs the Python SDK GET vector', () => {
    const signed = signRequest(
      {
        method: 'GET',
        url: 'https://service.endpoint.myhuaweicloud.com/resources',
        query: { size: '1' },
        headers: {}
      },
      key,
      new Date('2020-06-08T02:39:00Z')
    )

    expect(signed).toEqual({
      'X-Sdk-Date': '20200608T023900Z',
      signedHeaders: 'host;x-sdk-date',
      Authorization:
        'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, ' +
        'Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842'
    })
  })

  it('signs the Python SDK POST vector with its JSON body', () => {
    const signed = signRequest(
      {
        method: 'POST',
        url: 'https://service.endpoint.myhuaweicloud.com/resources',
        query: { size: '1' },
        headers: {},
        body: '{"name":"test","id":1}'
      },
      key,
      new Date('2020-06-08T02:39:00Z')
    )

    expect(signed.signedHeaders).toBe('host;x-sdk-date')
    expect(signatureOf(signed.Authorization)).toBe(
      '436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f'
    )
  })

  it('signs the HSS files-statistics vector with a raw colon in the image id', () => {
    const signed = signRequest(
      {
        method: 'GET',
        url:
          'https://hss.cn-north-4.myhuaweicloud.com/v5/' +
          '0123456789abcdef0123456789abcdef/image/sha256:0b08c2b4/files-statistics',
        query: {
          image_type: 'private_image',
          namespace: 'scc_hss_container',
          image_name: 'proxy-agent',
          tag_name: '24.5.0-x86_64'
        },
        headers: {
          region: 'cn-north-4',
          'X-Project-Id': '0123456789abcdef0123456789abcdef'
        }
      },
      key,
      new Date('2025-01-01T00:00:00Z')
    )

    expect(signed.signedHeaders).toBe('host;region;x-project-id;x-sdk-date')
    expect(signatureOf(signed.Authorization)).toBe(
      'aa0e690037d1b817b170c8f86565b315b5057467d2a0d8c2aa10d776430ffe26'
    )
  })

  it('encodes the Go and Python SDK query vector', () => {
    const query = {
      limit: '1',
      enable: 'true',
      test: '一 (&=?!#%.*)',
      path: '/tmp/123',
      multi: ['1', '2', '3']
    }

    expect(canonicalQueryString(query)).toBe(
      'enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&' +
        'test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29'
    )
  })
})

describe('signRequest', () => {
  const base: RequestToSign = {
    method: 'GET',
    url: 'https://hss.cn-north-4.myhuaweicloud.com/v5/p/image/111/files-statistics',
    query: { image_type: 'cicd' },
    headers: { region: 'cn-north-4' }
  }
  const now = new Date('2025-01-01T00:00:00Z')

  it('signs a security token for temporary credentials', () => {
    const signed = signRequest(
      { ...base, headers: { ...base.headers, 'X-Security-Token': 'tok' } },
      key,
      now
    )

    expect(signed.signedHeaders).toBe('host;region;x-sdk-date;x-security-token')
  })

  it('signs the same whatever the case of header names', () => {
    const lower = signRequest(base, key, now)
    const upper = signRequest(
      { ...base, headers: { REGION: 'cn-north-4' } },
      key,
      now
    )

    expect(upper).toEqual(lower)
  })

  it('signs header values trimmed, as the gateway reads them', () => {
    const padded = signRequest(
      { ...base, headers: { region: '  cn-north-4 ' } },
      key,
      now
    )

    expect(padded).toEqual(signRequest(base, key, now))
  })

  it('signs a non-default port as part of the host', () => {
    const withPort = signRequest(
      { ...base, url: base.url.replace('.com/', '.com:8443/') },
      key,
      now
    )
    const defaultPort = signRequest(
      { ...base, url: base.url.replace('.com/', '.com:443/') },
      key,
      now
    )

    expect(withPort).not.toEqual(signRequest(base, key, now))
    expect(defaultPort).toEqual(signRequest(base, key, now))
  })

  it('treats an empty and an absent body alike', () => {
    expect(signRequest({ ...base, body: '' }, key, now)).toEqual(
      signRequest(base, key, now)
    )
  })

  it('depends on the date it is given and nothing else', () => {
    const later = new Date(now.getTime() + 1000)

    expect(signRequest(base, key, now)).toEqual(signRequest(base, key, now))
    expect(signRequest(base, key, later).Authorization).not.toBe(
      signRequest(base, key, now).Authorization
    )
  })

  it('refuses headers the signer sets itself', () => {
    for (const name of ['Host', 'X-Sdk-Date', 'authorization']) {
      expect(() =>
        signRequest({ ...base, headers: { [name]: 'x' } }, key, now)
      ).toThrow(`sets the ${name} header itself`)
    }
  })

  it('refuses a header given twice in different cases', () => {
    expect(() =>
      signRequest({ ...base, headers: { region: 'a', Region: 'b' } }, key, now)
    ).toThrow('given twice')
  })

  it('refuses a URL that is not http(s)', () => {
    expect(() =>
      signRequest({ ...base, url: 'ftp://example.com/x' }, key, now)
    ).toThrow('not an http(s) URL')
    expect(() =>
      signRequest({ ...base, url: '/v5/p/image' }, key, now)
    ).toThrow('not an http(s) URL')
  })

  it('refuses a host the URL parser would split differently', () => {
    expect(() =>
      signRequest({ ...base, url: 'https://example.com\\evil/x' }, key, now)
    ).toThrow('malformed host')
    expect(() => signRequest({ ...base, url: 'https:///x' }, key, now)).toThrow(
      'malformed host'
    )
  })
})

describe('formatSdkDate', () => {
  it('formats in UTC without separators or milliseconds', () => {
    expect(formatSdkDate(new Date('2020-06-08T02:39:00.999Z'))).toBe(
      '20200608T023900Z'
    )
    expect(formatSdkDate(new Date('2025-12-31T23:59:59+08:00'))).toBe(
      '20251231T155959Z'
    )
  })

  it('refuses an invalid date', () => {
    expect(() => formatSdkDate(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('sdkEncode', () => {
  it('keeps only the unreserved characters', () => {
    expect(sdkEncode('AZaz09-_.~')).toBe('AZaz09-_.~')
    expect(sdkEncode("!*()' &=?#%/:+")).toBe(
      '%21%2A%28%29%27%20%26%3D%3F%23%25%2F%3A%2B'
    )
  })

  it('encodes UTF-8 bytes in upper-case hex', () => {
    expect(sdkEncode('é一😀')).toBe('%C3%A9%E4%B8%80%F0%9F%98%80')
  })

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    expect(() => sdkEncode('\ud83d')).toThrow(URIError)
  })
})

describe('canonicalUri and encodePath', () => {
  it('encodes a colon in the canonical URI but keeps it on the request line', () => {
    expect(canonicalUri('/v5/p/image/sha256:ab/files-statistics')).toBe(
      '/v5/p/image/sha256%3Aab/files-statistics/'
    )
    expect(encodePath('/v5/p/image/sha256:ab/files-statistics')).toBe(
      '/v5/p/image/sha256:ab/files-statistics'
    )
  })

  it('appends a slash only when the path lacks one', () => {
    expect(canonicalUri('/a/')).toBe('/a/')
    expect(canonicalUri('/')).toBe('/')
    expect(canonicalUri('')).toBe('/')
    expect(encodePath('')).toBe('/')
  })

  it('takes the path literally, a percent sign included', () => {
    expect(canonicalUri('/a b/%41/')).toBe('/a%20b/%2541/')
    expect(encodePath('/a b/%41/')).toBe('/a%20b/%2541/')
  })

  it('signs a path of the URL literally, not as the URL parser rewrites it', () => {
    const now = new Date('2025-01-01T00:00:00Z')
    const raw = signRequest(
      { method: 'GET', url: 'https://h.example/é/a b', query: {}, headers: {} },
      key,
      now
    )
    const preEncoded = signRequest(
      {
        method: 'GET',
        url: 'https://h.example/%C3%A9/a%20b',
        query: {},
        headers: {}
      },
      key,
      now
    )

    expect(raw).not.toEqual(preEncoded)
  })
})

describe('canonicalQueryString and buildQueryString', () => {
  it('keeps the equals sign of an empty value', () => {
    expect(canonicalQueryString({ b: '', a: ['', 'x'] })).toBe('a=&a=x&b=')
  })

  it('is empty without parameters', () => {
    expect(buildQueryString({})).toBe('')
    expect(buildQueryString({ a: [] })).toBe('')
  })

  it('orders by code point, as the Go and Python SDKs do', () => {
    // U+FF01 sorts before U+1F600 by code point, after it by UTF-16 unit.
    expect(canonicalQueryString({ '😀': 'a', '！': 'b' })).toBe(
      '%EF%BC%81=b&%F0%9F%98%80=a'
    )
  })

  it('does not reorder the caller’s arrays', () => {
    const values = ['b', 'a']
    canonicalQueryString({ x: values })

    expect(values).toEqual(['b', 'a'])
  })

  it('puts on the request line exactly the string it signs', () => {
    const query = { z: 'a b', a: ['2', '1'], 'n!': "(x)'" }

    expect(buildQueryString(query)).toBe(canonicalQueryString(query))
  })
})

// The official Node.js signer, CommonJS and untyped; only sign() is used.
interface VendorRequest {
  endpoint: string
  method: string
  queryParams: Record<string, string | string[]>
  headers: Record<string, string>
  data?: unknown
}
const { AKSKSigner } = createRequire(import.meta.url)(
  '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner'
) as {
  AKSKSigner: {
    sign(
      request: VendorRequest,
      credential: { getAk(): string; getSk(): string }
    ): Record<string, string>
  }
}

// Characters the vendor's url.parse leaves alone in a path. It escapes
// space, `"'<>^{|}` and backquote itself, turns '\' into '/', ends the path
// at '?' or '#', and trims whitespace (NBSP too) off the end of the URL: given
// those, it signs a path other than the one it was handed (a raw space
// becomes %2520), so they are left out. Our signer takes the path literally;
// its handling of them is checked separately below.
const pathChar = fc.oneof(
  fc.constantFrom(...'AZaz09-_.~:!*()@$&+,;=%[]'.split('')),
  fc.constantFrom('é', 'ß', '一', '中', '😀', '🚀'),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 1 })
    .filter((c) => !/[\s"'<>\\^`{|}?#/\p{Cc}]/u.test(c))
)
const segment = fc.string({ unit: pathChar, maxLength: 12 })
const imageId = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{8,64}$/).map((hex) => `sha256:${hex}`),
  fc.stringMatching(/^[0-9]{1,6}$/),
  segment
)
const path = fc
  .tuple(
    fc.stringMatching(/^[0-9a-f]{32}$/),
    imageId,
    fc.array(segment, { maxLength: 3 }),
    fc.boolean()
  )
  .map(
    ([project, id, extra, trailingSlash]) =>
      `/v5/${project}/image/${id}/files-statistics` +
      extra.map((s) => `/${s}`).join('') +
      (trailingSlash ? '/' : '')
  )

// The vendor sorts names and repeated values by UTF-16 code unit, we by code
// point (see canonicalQueryString); the two disagree only between U+E000..
// U+FFFF and characters above U+FFFF, so the former are left out here.
const queryChar = fc.oneof(
  fc.constantFrom(...' !*()\'&=?#%+/:;,@$[]{}|^`"<>\\'.split('')),
  fc.constantFrom('一', '中', '文', 'é', 'ß', '😀', '🚀', '\u00a0'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => {
    const code = c.codePointAt(0) ?? 0
    return code < 0xe000 || code > 0xffff
  })
)
const queryText = fc.string({ unit: queryChar, maxLength: 10 })
const query = fc.dictionary(
  queryText,
  fc.oneof(queryText, fc.array(queryText, { maxLength: 4 }))
)

// Header names are limited to those the action sends: the vendor orders
// canonical headers with localeCompare, whose ordering of punctuation
// against letters is not the byte order the gateway uses. Values are what
// the gateway reads after trimming; the vendor signs them untrimmed.
const headers = fc
  .record(
    {
      region: fc.stringMatching(/^[a-z]{2}-[a-z]{2,12}-[0-9]{1,3}$/),
      projectId: fc.stringMatching(/^[0-9a-f]{32}$/),
      token: fc.stringMatching(/^[A-Za-z0-9+/=_-]{1,200}$/),
      contentType: fc.constant('application/json;charset=UTF-8')
    },
    { requiredKeys: ['region'] }
  )
  .chain((h) =>
    fc.tuple(
      fc.constant(h),
      fc.constantFrom('region', 'Region'),
      fc.constantFrom('X-Project-Id', 'x-project-id'),
      fc.constantFrom('X-Security-Token', 'x-security-token')
    )
  )
  .map(([h, regionName, projectName, tokenName]) => {
    const out: Record<string, string> = { [regionName]: h.region }
    if (h.projectId !== undefined) out[projectName] = h.projectId
    if (h.token !== undefined) out[tokenName] = h.token
    if (h.contentType !== undefined) out['Content-Type'] = h.contentType
    return out
  })

// url.parse keeps an explicit default port (`:443`) in the host it signs,
// while Node's HTTP client leaves it out of the Host header it sends: such a
// URL is left out. Upper-case letters check that both lower-case the host.
const origin = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.domain().map((d) => d.replace(/^[a-z]/, (c) => c.toUpperCase())),
    fc.option(fc.integer({ min: 1, max: 65535 }))
  )
  .filter(([scheme, , port]) => port !== (scheme === 'https' ? 443 : 80))
  .map(
    ([scheme, host, port]) =>
      `${scheme}://${host}${port === null ? '' : `:${port}`}`
  )

const body = fc.option(fc.dictionary(fc.string(), fc.jsonValue()), {
  nil: undefined
})

const date = fc.date({
  min: new Date('1970-01-01T00:00:00Z'),
  max: new Date('2999-12-31T23:59:59Z'),
  noInvalidDate: true
})

describe('signRequest against the official Node.js signer', () => {
  it('produces the same Authorization for generated requests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        origin,
        path,
        query,
        headers,
        body,
        date,
        fc.stringMatching(/^[A-Z0-9]{20}$/),
        fc.stringMatching(/^[A-Za-z0-9]{40}$/),
        (method, origin, path, query, headers, data, now, ak, sk) => {
          const sdkDate = formatSdkDate(now)
          // The vendor sorts repeated values in place: hand it copies.
          const queryParams = Object.fromEntries(
            Object.entries(query).map(([k, v]) => [
              k,
              typeof v === 'string' ? v : [...v]
            ])
          )
          const vendor = AKSKSigner.sign(
            {
              endpoint: origin + path,
              method,
              queryParams,
              headers: { ...headers, 'X-Sdk-Date': sdkDate },
              data
            },
            { getAk: () => ak, getSk: () => sk }
          )

          const ours = signRequest(
            {
              method,
              url: origin + path,
              query,
              headers,
              body: data === undefined ? undefined : JSON.stringify(data)
            },
            { accessKey: ak, secretKey: sk },
            now
          )

          expect(ours.Authorization).toBe(vendor.Authorization)
          expect(ours['X-Sdk-Date']).toBe(vendor['X-Sdk-Date'])
        }
      ),
      { numRuns: 600 }
    )
  })
})

describe('what the gateway reads back from the request line', () => {
  // Any path, including what the vendor comparison leaves out; only lone
  // surrogates are impossible (they have no UTF-8 form).
  const anyPath = fc
    .array(fc.string({ unit: 'binary', maxLength: 8 }), { maxLength: 5 })
    .map((segments) => `/${segments.join('/')}`)

  it('leaves the encoded path untouched by the URL parser', () => {
    fc.assert(
      fc.property(anyPath, (p) => {
        expect(new URL(`https://h${encodePath(p)}`).pathname).toBe(
          encodePath(p)
        )
      }),
      { numRuns: 300 }
    )
  })

  it('canonicalises the encoded path back to what was signed', () => {
    fc.assert(
      fc.property(anyPath, (p) => {
        const decoded = encodePath(p)
          .split('/')
          .map(decodeURIComponent)
          .join('/')

        expect(canonicalUri(decoded)).toBe(canonicalUri(p))
      }),
      { numRuns: 300 }
    )
  })

  it('parses the query string back into the signed parameters', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 8 })
    fc.assert(
      fc.property(
        fc.dictionary(
          anyText,
          fc.oneof(anyText, fc.array(anyText, { maxLength: 3 }))
        ),
        (q) => {
          const qs = buildQueryString(q)
          const url = new URL(`https://h/?${qs}`)
          // A Map, since generated names include 'valueOf' and '__proto__'.
          const parsed = new Map<string, string[]>()
          for (const [k, v] of url.searchParams) {
            parsed.set(k, [...(parsed.get(k) ?? []), v])
          }

          expect(url.search).toBe(qs === '' ? '' : `?${qs}`)
          expect(canonicalQueryString(Object.fromEntries(parsed))).toBe(
            canonicalQueryString(q)
          )
        }
      ),
      { numRuns: 300 }
    )
  })
})
