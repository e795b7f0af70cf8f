/**
 * The emulator is only worth something if it refuses what the real gateway
 * refuses. Requests here are signed with the vendor's signer directly, never
 * with src/, so these tests pin the emulator to Huawei's own reading of the
 * signature rather than to the project's.
 */
import http from 'node:http'
import { createRequire } from 'node:module'
import {
  startEmulator,
  type Emulator,
  type EmulatorCredential,
  type EmulatorImage
} from '../support/hss-emulator.js'

interface VendorSigner {
  sign(
    request: {
      endpoint: string
      method: string
      queryParams: Record<string, string | string[]>
      headers: Record<string, string>
    },
    credential: { getAk(): string; getSk(): string }
  ): Record<string, string>
}

const { AKSKSigner } = createRequire(import.meta.url)(
  '@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner'
) as { AKSKSigner: VendorSigner }

// ---- a plain HTTP client that reports everything, failures included -------

interface Outcome {
  status?: number
  headers: http.IncomingHttpHeaders
  text: string
  /** The body arrived in full. */
  ended: boolean
  /** 'timeout', or the socket error code (ECONNRESET...). */
  error?: string
}

function exchange(
  url: string,
  headers: Record<string, string> = {},
  options: { method?: string; idleMs?: number; abortAfterBytes?: number } = {}
): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { headers: {}, text: '', ended: false }
    let settled = false
    const settle = (error?: string) => {
      if (settled) return
      settled = true
      if (error !== undefined) outcome.error = error
      resolve(outcome)
    }
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        headers,
        timeout: options.idleMs ?? 5000,
        agent: false
      },
      (res) => {
        outcome.status = res.statusCode
        outcome.headers = res.headers
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          outcome.text += chunk
          const limit = options.abortAfterBytes
          if (limit !== undefined && outcome.text.length >= limit) {
            req.destroy()
            settle('aborted')
          }
        })
        res.on('end', () => {
          outcome.ended = true
          settle()
        })
        res.on('error', (error: NodeJS.ErrnoException) =>
          settle(error.code ?? error.message)
        )
      }
    )
    req.on('timeout', () => {
      req.destroy()
      settle('timeout')
    })
    req.on('error', (error: NodeJS.ErrnoException) =>
      settle(error.code ?? error.message)
    )
    req.end()
  })
}

function json(outcome: Outcome): Record<string, unknown> {
  return JSON.parse(outcome.text) as Record<string, unknown>
}

// ---- signing with the vendor's signer ---------------------------------------

function sdkDate(date: Date): string {
  return date.toISOString().replace(/[-:]|\.\d{3}/g, '')
}

function queryString(query: Record<string, string | string[]>): string {
  const parts = Object.entries(query).flatMap(([name, value]) =>
    [value]
      .flat()
      .map((v) => `${encodeURIComponent(name)}=${encodeURIComponent(v)}`)
  )
  return parts.length === 0 ? '' : `?${parts.join('&')}`
}

interface Call {
  /** Unencoded path, as given to the signer. */
  path: string
  /** The path as put on the wire; default `path`. */
  sentPath?: string
  query?: Record<string, string | string[]>
  credential?: EmulatorCredential
  /** Extra headers, signed. */
  headers?: Record<string, string>
  date?: Date
  /** null leaves the header out. */
  region?: string | null
  projectHeader?: string | null
}

function signedHeaders(emulator: Emulator, call: Call): Record<string, string> {
  const credential = call.credential ?? emulator.credentials[0]!
  const headers: Record<string, string> = {
    'X-Sdk-Date': sdkDate(call.date ?? new Date())
  }
  if (call.region !== null) headers.region = call.region ?? emulator.region
  if (call.projectHeader !== null) {
    headers['X-Project-Id'] = call.projectHeader ?? emulator.projectId
  }
  if (credential.securityToken !== undefined) {
    headers['X-Security-Token'] = credential.securityToken
  }
  Object.assign(headers, call.headers)
  return AKSKSigner.sign(
    {
      endpoint: emulator.url + call.path,
      method: 'GET',
      queryParams: structuredClone(call.query ?? {}),
      headers
    },
    { getAk: () => credential.accessKey, getSk: () => credential.secretKey }
  )
}

function urlOf(emulator: Emulator, call: Call): string {
  return (
    emulator.url + (call.sentPath ?? call.path) + queryString(call.query ?? {})
  )
}

function callSigned(emulator: Emulator, call: Call): Promise<Outcome> {
  return exchange(urlOf(emulator, call), signedHeaders(emulator, call))
}

function statsPath(emulator: Emulator, imageId: string, projectId?: string) {
  return `/v5/${projectId ?? emulator.projectId}/image/${imageId}/files-statistics`
}

function stats(emulator: Emulator, imageId = 'cicd-111'): Call {
  return { path: statsPath(emulator, imageId), query: { image_type: 'cicd' } }
}

function expectHuaweiError(
  outcome: Outcome,
  status: number,
  code: string,
  message?: string
) {
  expect(outcome.status).toBe(status)
  const body = json(outcome)
  expect(body.error_code).toBe(code)
  expect(body.request_id).toBe(outcome.headers['x-request-id'])
  expect(outcome.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
  if (message !== undefined) expect(body.error_msg).toContain(message)
}

const privateImage: EmulatorImage = {
  id: 'sha256:0b08c2b4',
  imageType: 'private_image',
  namespace: 'scc_hss_container',
  imageName: 'proxy-agent',
  tagName: '24.5.0-x86_64',
  totalFilesNum: 7,
  totalFilesSize: 8
}
const privateQuery = {
  image_type: 'private_image',
  namespace: 'scc_hss_container',
  image_name: 'proxy-agent',
  tag_name: '24.5.0-x86_64'
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))

// ---- the shared emulator --------------------------------------------------

let emulator: Emulator

beforeAll(async () => {
  emulator = await startEmulator({
    tokens: ['valid-token'],
    credentials: [
      { accessKey: 'AKTESTEXAMPLE000', secretKey: 'sk-test-example-secret' },
      { accessKey: 'AKSECONDKEY00000', secretKey: 'sk-second' },
      {
        accessKey: 'AKTEMPORARY00000',
        secretKey: 'sk-temporary',
        securityToken: 'security-token-123'
      }
    ],
    projects: [
      { id: '0123456789abcdef0123456789abcdef', name: 'cn-north-4' },
      { id: 'aaaabbbbccccddddeeeeffff00001111', name: 'cn-north-4_dev' }
    ],
    images: [
      {
        id: 'cicd-111',
        totalFilesNum: 1234,
        totalFilesSize: 56789,
        imageName: 'app',
        imageVersion: '1.0'
      },
      { id: 'sha256:abc', totalFilesNum: 1, totalFilesSize: 2 },
      privateImage
    ]
  })
})

afterAll(async () => {
  await emulator.close()
})

beforeEach(() => {
  emulator.reset()
  emulator.setLatency(0)
})

describe('signed requests', () => {
  it('answers a vendor-signed request with the image figures', async () => {
    const outcome = await callSigned(emulator, stats(emulator))

    expect(outcome.status).toBe(200)
    expect(json(outcome)).toEqual({
      total_files_num: 1234,
      total_files_size: 56789
    })
    expect(outcome.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(outcome.headers['content-type']).toContain('application/json')
  })

  it('accepts an image id with a colon sent raw or percent-encoded', async () => {
    const path = statsPath(emulator, 'sha256:abc')
    const raw = await callSigned(emulator, {
      path,
      query: { image_type: 'cicd' }
    })
    const encoded = await callSigned(emulator, {
      path,
      sentPath: path.replace('sha256:', 'sha256%3A'),
      query: { image_type: 'cicd' }
    })

    expect([raw.status, encoded.status]).toEqual([200, 200])
    expect(json(encoded)).toEqual({ total_files_num: 1, total_files_size: 2 })
    expect(emulator.requests.map((r) => r.path)).toEqual([path, path])
    expect(emulator.requests[1]!.rawUrl).toContain('sha256%3Aabc')
  })

  it('accepts query values the signer encodes differently from encodeURIComponent', async () => {
    emulator.setImage({
      ...privateImage,
      id: 'sha256:def',
      namespace: 'team (x)',
      imageName: "library/it's!",
      tagName: '1.0*'
    })
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, 'sha256:def'),
      query: {
        image_type: 'private_image',
        namespace: 'team (x)',
        image_name: "library/it's!",
        tag_name: '1.0*'
      }
    })

    expect(outcome.status).toBe(200)
  })

  it('agrees with the documented signing test vector', async () => {
    const vector = await startEmulator({
      credentials: [{ accessKey: 'AccessKey', secretKey: 'SecretKey' }],
      clockSkewToleranceMs: Infinity,
      images: [privateImage]
    })
    const url =
      `${vector.url}/v5/0123456789abcdef0123456789abcdef/image/` +
      'sha256:0b08c2b4/files-statistics?image_type=private_image&' +
      'namespace=scc_hss_container&image_name=proxy-agent&' +
      'tag_name=24.5.0-x86_64'
    const headers = (signature: string) => ({
      Host: 'hss.cn-north-4.myhuaweicloud.com',
      region: 'cn-north-4',
      'X-Project-Id': '0123456789abcdef0123456789abcdef',
      'X-Sdk-Date': '20250101T000000Z',
      Authorization:
        'SDK-HMAC-SHA256 Access=AccessKey, ' +
        `SignedHeaders=host;region;x-project-id;x-sdk-date, Signature=${signature}`
    })

    const good = await exchange(
      url,
      headers(
        'aa0e690037d1b817b170c8f86565b315b5057467d2a0d8c2aa10d776430ffe26'
      )
    )
    const bad = await exchange(
      url,
      headers(
        'ba0e690037d1b817b170c8f86565b315b5057467d2a0d8c2aa10d776430ffe26'
      )
    )
    await vector.close()

    expect(good.status).toBe(200)
    expect(json(good)).toEqual({ total_files_num: 7, total_files_size: 8 })
    expectHuaweiError(bad, 401, 'APIGW.0301', 'verify aksk signature fail')
  })

  it('gives every answer a fresh request id', async () => {
    const first = await callSigned(emulator, stats(emulator))
    const second = await callSigned(emulator, stats(emulator))

    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(first.headers['x-request-id']).not.toBe(
      second.headers['x-request-id']
    )
  })

  it('records each request with its decoded path, query and answer', async () => {
    const call = stats(emulator, 'sha256:abc')
    await callSigned(emulator, {
      ...call,
      sentPath: call.path.replace(':', '%3A')
    })

    expect(emulator.requests).toHaveLength(1)
    const [recorded] = emulator.requests
    expect(recorded).toMatchObject({
      service: 'hss',
      method: 'GET',
      path: statsPath(emulator, 'sha256:abc'),
      query: { image_type: 'cicd' },
      status: 200
    })
    expect(recorded!.headers.region).toBe('cn-north-4')
    expect(recorded!.at).toBeLessThanOrEqual(Date.now())
  })
})

describe('authentication failures', () => {
  it('refuses a request signed with the wrong secret key', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      credential: { accessKey: 'AKTESTEXAMPLE000', secretKey: 'wrong' }
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'verify aksk signature fail')
  })

  it('refuses a request whose query differs from the signed one', async () => {
    const call = stats(emulator)
    const headers = signedHeaders(emulator, call)
    const outcome = await exchange(
      `${emulator.url}${call.path}?image_type=cicd&enterprise_project_id=0`,
      headers
    )

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'verify aksk signature fail')
  })

  it('refuses an unknown access key', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      credential: { accessKey: 'AKUNKNOWN', secretKey: 'whatever' }
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'ak not exist')
  })

  it('refuses a date further off than the tolerance and accepts one within it', async () => {
    const skewed = await callSigned(emulator, {
      ...stats(emulator),
      date: new Date(Date.now() - 20 * 60_000)
    })
    const ahead = await callSigned(emulator, {
      ...stats(emulator),
      date: new Date(Date.now() + 20 * 60_000)
    })
    const close = await callSigned(emulator, {
      ...stats(emulator),
      date: new Date(Date.now() - 10 * 60_000)
    })

    expectHuaweiError(skewed, 401, 'APIGW.0301', 'signature expired')
    expectHuaweiError(ahead, 401, 'APIGW.0301', 'signature expired')
    expect(close.status).toBe(200)
  })

  it.each([
    ['missing', undefined],
    ['malformed', '2025-01-01T00:00:00Z'],
    ['impossible', '20250231T000000Z']
  ])('refuses a %s X-Sdk-Date as expired', async (_case, value) => {
    const call = stats(emulator)
    const headers = signedHeaders(emulator, call)
    delete headers['X-Sdk-Date']
    const outcome = await exchange(urlOf(emulator, call), {
      ...headers,
      ...(value === undefined ? {} : { 'X-Sdk-Date': value })
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'signature expired')
  })

  it('refuses a signature that does not cover x-sdk-date', async () => {
    const call = stats(emulator)
    const headers = signedHeaders(emulator, call)
    headers.Authorization = headers.Authorization!.replace(';x-sdk-date', '')
    const outcome = await exchange(urlOf(emulator, call), headers)

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'x-sdk-date')
  })

  it('refuses a request with no credentials at all', async () => {
    const outcome = await exchange(urlOf(emulator, stats(emulator)), {
      region: 'cn-north-4'
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301')
  })

  it('refuses an Authorization header of another form', async () => {
    const outcome = await exchange(urlOf(emulator, stats(emulator)), {
      region: 'cn-north-4',
      Authorization: 'Bearer abc'
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301')
  })

  it('locks an access key after five failed attempts in a row, even for a correct signature', async () => {
    const wrong = { accessKey: 'AKTESTEXAMPLE000', secretKey: 'wrong' }
    const failures: Outcome[] = []
    for (let i = 0; i < 5; i++) {
      failures.push(
        await callSigned(emulator, { ...stats(emulator), credential: wrong })
      )
    }
    const locked = await callSigned(emulator, stats(emulator))
    const otherKey = await callSigned(emulator, {
      ...stats(emulator),
      credential: emulator.credentials[1]
    })
    emulator.reset()
    const afterReset = await callSigned(emulator, stats(emulator))

    for (const failure of failures) {
      expectHuaweiError(failure, 401, 'APIGW.0301', 'verify aksk signature')
    }
    expectHuaweiError(locked, 401, 'APIGW.0301', 'locked')
    expect(otherKey.status).toBe(200)
    expect(afterReset.status).toBe(200)
  })

  it('starts the failure count again after a successful request', async () => {
    const wrong = { accessKey: 'AKTESTEXAMPLE000', secretKey: 'wrong' }
    const fail = () =>
      callSigned(emulator, { ...stats(emulator), credential: wrong })
    for (let i = 0; i < 4; i++) await fail()
    const between = await callSigned(emulator, stats(emulator))
    for (let i = 0; i < 4; i++) await fail()
    const after = await callSigned(emulator, stats(emulator))

    expect([between.status, after.status]).toEqual([200, 200])
  })
})

describe('temporary credentials and tokens', () => {
  const temporary = {
    accessKey: 'AKTEMPORARY00000',
    secretKey: 'sk-temporary',
    securityToken: 'security-token-123'
  }

  it('accepts a temporary key with its signed security token', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      credential: temporary
    })

    expect(outcome.status).toBe(200)
  })

  it('refuses a temporary key without its security token', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      credential: { accessKey: temporary.accessKey, secretKey: 'sk-temporary' }
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'security token')
  })

  it('refuses a security token added after signing', async () => {
    const call = stats(emulator)
    const headers = signedHeaders(emulator, {
      ...call,
      credential: { accessKey: temporary.accessKey, secretKey: 'sk-temporary' }
    })
    const outcome = await exchange(urlOf(emulator, call), {
      ...headers,
      'X-Security-Token': temporary.securityToken
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'x-security-token')
  })

  it('refuses a wrong security token', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      credential: { ...temporary, securityToken: 'another-token' }
    })

    expectHuaweiError(outcome, 401, 'APIGW.0301', 'security token')
  })

  it('accepts a known X-Auth-Token and refuses an unknown one', async () => {
    const url = urlOf(emulator, stats(emulator))
    const good = await exchange(url, {
      'X-Auth-Token': 'valid-token',
      region: 'cn-north-4'
    })
    const bad = await exchange(url, {
      'X-Auth-Token': 'expired-token',
      region: 'cn-north-4'
    })

    expect(good.status).toBe(200)
    expectHuaweiError(bad, 401, 'APIGW.0301', 'token expires')
  })
})

describe('files-statistics parameters', () => {
  it('requires the region header', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      region: null
    })

    expectHuaweiError(outcome, 400, 'HSS.0001', 'region')
  })

  it('refuses a region header of another region', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      region: 'cn-east-3'
    })

    expectHuaweiError(outcome, 400, 'HSS.0001', 'region')
  })

  it('accepts a request without X-Project-Id', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      projectHeader: null
    })

    expect(outcome.status).toBe(200)
  })

  it('refuses an X-Project-Id that differs from the path', async () => {
    const outcome = await callSigned(emulator, {
      ...stats(emulator),
      projectHeader: 'aaaabbbbccccddddeeeeffff00001111'
    })

    expectHuaweiError(outcome, 403, 'APIGW.0302', 'X-Project-Id')
  })

  it('refuses a project the account does not have', async () => {
    const project = '99999999999999999999999999999999'
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, 'cicd-111', project),
      query: { image_type: 'cicd' },
      projectHeader: project
    })

    expectHuaweiError(outcome, 403, 'APIGW.0302', project)
  })

  it.each([
    ['is missing', {}],
    ['is not a known type', { image_type: 'docker' }]
  ])('refuses an image_type that %s', async (_case, query) => {
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, 'cicd-111'),
      query
    })

    expectHuaweiError(outcome, 400, 'HSS.0001', 'image_type')
  })

  it.each(['namespace', 'image_name', 'tag_name'])(
    'requires %s for a non-cicd image type',
    async (name) => {
      const query: Record<string, string> = { ...privateQuery }
      delete query[name]
      const outcome = await callSigned(emulator, {
        path: statsPath(emulator, privateImage.id),
        query
      })

      expectHuaweiError(outcome, 400, 'HSS.0001', name)
    }
  )

  it('answers a private image when namespace, name and tag match', async () => {
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, privateImage.id),
      query: { ...privateQuery, enterprise_project_id: 'all_granted_eps' }
    })

    expect(outcome.status).toBe(200)
    expect(json(outcome)).toEqual({ total_files_num: 7, total_files_size: 8 })
  })

  it('treats a private image with another tag as missing', async () => {
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, privateImage.id),
      query: { ...privateQuery, tag_name: 'latest' }
    })

    expectHuaweiError(outcome, 404, 'HSS.1011', 'image not found')
  })

  it('refuses query parameters the API does not define', async () => {
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, 'cicd-111'),
      query: { image_type: 'cicd', limit: '10' }
    })

    expectHuaweiError(outcome, 400, 'HSS.0001', "'limit'")
  })

  it('refuses a repeated query parameter', async () => {
    const outcome = await callSigned(emulator, {
      path: statsPath(emulator, 'cicd-111'),
      query: { image_type: ['cicd', 'registry'] }
    })

    expectHuaweiError(outcome, 400, 'HSS.0001', 'image_type')
  })

  it('answers an unknown image with the configured missing-image error', async () => {
    const custom = await startEmulator({
      missingImage: { status: 400, code: 'HSS.1234', message: 'no such image' }
    })
    const byDefault = await callSigned(emulator, stats(emulator, 'nope'))
    const configured = await callSigned(custom, stats(custom, 'nope'))
    await custom.close()

    expectHuaweiError(byDefault, 404, 'HSS.1011', 'image not found')
    expectHuaweiError(configured, 400, 'HSS.1234', 'no such image')
  })

  it('serves figures as given, omitted fields and big integers included', async () => {
    emulator.setImage({
      id: 'odd',
      totalFilesNum: '12',
      totalFilesSize: 2n ** 63n
    })
    emulator.setImage({ id: 'partial', omit: ['total_files_size'] })
    const odd = await callSigned(emulator, stats(emulator, 'odd'))
    const partial = await callSigned(emulator, stats(emulator, 'partial'))

    expect(odd.text).toBe(
      '{"total_files_num":"12","total_files_size":9223372036854775808}'
    )
    expect(json(partial)).toEqual({ total_files_num: 0 })
  })

  it('replaces an image given again with the same id and type', async () => {
    emulator.setImage({ id: 'cicd-111', totalFilesNum: 99, totalFilesSize: 1 })
    const outcome = await callSigned(emulator, stats(emulator))
    emulator.setImage({
      id: 'cicd-111',
      totalFilesNum: 1234,
      totalFilesSize: 56789,
      imageName: 'app',
      imageVersion: '1.0'
    })

    expect(json(outcome)).toEqual({ total_files_num: 99, total_files_size: 1 })
  })

  it('answers an unknown path or method with APIGW.0101', async () => {
    const unknownPath = await callSigned(emulator, {
      path: `/v5/${emulator.projectId}/image/cicd-111/vulnerabilities`
    })
    const call = stats(emulator)
    const wrongMethod = await exchange(
      urlOf(emulator, call),
      signedHeaders(emulator, call),
      { method: 'POST' }
    )

    expectHuaweiError(unknownPath, 404, 'APIGW.0101')
    expectHuaweiError(wrongMethod, 404, 'APIGW.0101')
  })
})

describe('CI/CD image listing', () => {
  const listing = (query: Record<string, string>): Call => ({
    path: `/v5/${emulator.projectId}/image/cicd/images`,
    query
  })

  it('moves the scan status on over time from the first listing', async () => {
    emulator.setImage({
      id: 'cicd-scan',
      imageName: 'web',
      imageVersion: '2.0',
      scan: [
        { status: 'waiting_for_scan', forMs: 300 },
        { status: 'scanning', forMs: 300 },
        { status: 'success' }
      ]
    })
    const status = async () => {
      const outcome = await callSigned(
        emulator,
        listing({ image_id: 'cicd-scan', limit: '10', offset: '0' })
      )
      const body = json(outcome) as {
        data_list: Array<{ scan_status: string }>
      }
      return body.data_list[0]?.scan_status
    }

    const first = await status()
    await wait(450)
    const second = await status()
    await wait(300)
    const third = await status()

    expect([first, second, third]).toEqual([
      'waiting_for_scan',
      'scanning',
      'success'
    ])
  })

  it('lists a cicd image with its name, version and failure code', async () => {
    emulator.setImage({
      id: 'cicd-broken',
      imageName: 'api',
      imageVersion: '3.1',
      scan: [{ status: 'failed', failedCode: 'image_oversized' }]
    })
    const outcome = await callSigned(
      emulator,
      listing({ image_id: 'cicd-broken' })
    )

    expect(outcome.status).toBe(200)
    expect(json(outcome)).toEqual({
      total_num: 1,
      data_list: [
        {
          image_id: 'cicd-broken',
          image_name: 'api',
          image_version: '3.1',
          image_digest: '',
          scan_status: 'failed',
          scan_failed_code: 'image_oversized',
          latest_scan_time: expect.any(Number)
        }
      ]
    })
  })

  it('reports success by default and pages through cicd images only', async () => {
    // Its own emulator: other tests add images to the shared one.
    const own = await startEmulator({
      images: [{ id: 'cicd-1' }, { id: 'cicd-2' }, privateImage]
    })
    const page = await callSigned(own, {
      path: `/v5/${own.projectId}/image/cicd/images`,
      query: { limit: '1', offset: '1' }
    })
    await own.close()
    const body = json(page) as {
      total_num: number
      data_list: Array<{ image_id: string; scan_status: string }>
    }

    expect(body.total_num).toBe(2)
    expect(body.data_list).toEqual([
      expect.objectContaining({ image_id: 'cicd-2', scan_status: 'success' })
    ])
  })

  it('applies the same region and parameter checks', async () => {
    const noRegion = await callSigned(emulator, {
      ...listing({}),
      region: null
    })
    const badLimit = await callSigned(emulator, listing({ limit: 'ten' }))
    const unknown = await callSigned(emulator, listing({ image_type: 'cicd' }))

    expectHuaweiError(noRegion, 400, 'HSS.0001', 'region')
    expectHuaweiError(badLimit, 400, 'HSS.0001', 'limit')
    expectHuaweiError(unknown, 400, 'HSS.0001', 'image_type')
  })
})

describe('IAM projects', () => {
  it('lists the projects for a signed request without a region header', async () => {
    const outcome = await callSigned(emulator, {
      path: '/v3/auth/projects',
      region: null,
      projectHeader: null
    })
    const body = json(outcome) as {
      projects: Array<Record<string, unknown>>
      links: Record<string, unknown>
    }

    expect(outcome.status).toBe(200)
    expect(outcome.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(body.projects).toEqual([
      expect.objectContaining({
        id: '0123456789abcdef0123456789abcdef',
        name: 'cn-north-4',
        enabled: true,
        domain_id: expect.any(String)
      }),
      expect.objectContaining({ name: 'cn-north-4_dev' })
    ])
    expect(body.links).toHaveProperty('self')
    expect(emulator.requests[0]!.service).toBe('iam')
  })

  it('filters /v3/projects by name', async () => {
    const found = await callSigned(emulator, {
      path: '/v3/projects',
      query: { name: 'cn-north-4' },
      region: null,
      projectHeader: null
    })
    const none = await callSigned(emulator, {
      path: '/v3/projects',
      query: { name: 'eu-west-101' },
      region: null,
      projectHeader: null
    })

    expect(json(found).projects).toEqual([
      expect.objectContaining({ name: 'cn-north-4' })
    ])
    expect(json(none).projects).toEqual([])
  })

  it('accepts a token and refuses a bad signature with the gateway body', async () => {
    const token = await exchange(`${emulator.url}/v3/auth/projects`, {
      'X-Auth-Token': 'valid-token'
    })
    const badSignature = await callSigned(emulator, {
      path: '/v3/auth/projects',
      region: null,
      credential: { accessKey: 'AKTESTEXAMPLE000', secretKey: 'wrong' }
    })

    expect(token.status).toBe(200)
    expectHuaweiError(badSignature, 401, 'APIGW.0301', 'verify aksk')
  })
})

describe('injected faults', () => {
  it('answers an injected gateway error once, then serves normally', async () => {
    emulator.inject({ fault: { type: 'status', status: 503 } })
    const failed = await callSigned(emulator, stats(emulator))
    const next = await callSigned(emulator, stats(emulator))

    expectHuaweiError(failed, 503, 'APIGW.0202')
    expect(next.status).toBe(200)
    expect(emulator.requests.map((r) => r.status)).toEqual([503, 200])
  })

  it('answers an injected 429 with APIGW.0308 and the given headers', async () => {
    emulator.inject({
      fault: { type: 'status', status: 429, headers: { 'Retry-After': '3' } }
    })
    const outcome = await callSigned(emulator, stats(emulator))

    expectHuaweiError(outcome, 429, 'APIGW.0308')
    expect(outcome.headers['retry-after']).toBe('3')
  })

  it('gives an IAM route its own error body for a non-gateway code', async () => {
    emulator.inject({
      service: 'iam',
      fault: { type: 'status', status: 403, code: 'IAM.0003', message: 'no' }
    })
    const outcome = await exchange(`${emulator.url}/v3/auth/projects`)

    expect(outcome.status).toBe(403)
    expect(json(outcome)).toEqual({
      error: { code: 'IAM.0003', message: 'no' }
    })
  })

  it('takes precedence over authentication and keeps to its service and path', async () => {
    emulator.inject({
      service: 'iam',
      fault: { type: 'status', status: 500 },
      times: Infinity
    })
    emulator.inject({
      path: /files-statistics$/,
      fault: { type: 'status', status: 502 },
      times: 2
    })
    const iam = await exchange(`${emulator.url}/v3/auth/projects`)
    const iamAgain = await exchange(`${emulator.url}/v3/auth/projects`)
    const listing = await callSigned(emulator, {
      path: `/v5/${emulator.projectId}/image/cicd/images`
    })
    const stats1 = await exchange(urlOf(emulator, stats(emulator)))
    const stats2 = await exchange(urlOf(emulator, stats(emulator)))
    const stats3 = await exchange(urlOf(emulator, stats(emulator)))

    expect([iam.status, iamAgain.status]).toEqual([500, 500])
    expect(listing.status).toBe(200)
    expect([stats1.status, stats2.status, stats3.status]).toEqual([
      502, 502, 401
    ])
  })

  it('serves a raw HTML page or broken JSON', async () => {
    emulator.inject({
      fault: { type: 'raw', status: 502, body: '<html>Bad Gateway</html>' }
    })
    emulator.inject({ fault: { type: 'raw', body: '{"total_files_num":' } })
    const html = await callSigned(emulator, stats(emulator))
    const broken = await callSigned(emulator, stats(emulator))

    expect(html.status).toBe(502)
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.text).toBe('<html>Bad Gateway</html>')
    expect(html.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)
    expect(broken.status).toBe(200)
    expect(broken.text).toBe('{"total_files_num":')
  })

  it('resets the connection without answering', async () => {
    emulator.inject({ fault: { type: 'reset' } })
    const outcome = await callSigned(emulator, stats(emulator))

    expect(outcome.status).toBeUndefined()
    expect(outcome.error).toBe('ECONNRESET')
    expect(emulator.requests[0]!.status).toBe(0)
  })

  it('hangs without answering until the client gives up', async () => {
    emulator.inject({ fault: { type: 'hang' } })
    const outcome = await exchange(
      urlOf(emulator, stats(emulator)),
      {},
      {
        idleMs: 200
      }
    )

    expect(outcome.error).toBe('timeout')
    expect(outcome.status).toBeUndefined()
    expect(emulator.requests[0]!.status).toBe(0)
  })

  it('stalls after the headers and part of the body', async () => {
    emulator.inject({
      fault: { type: 'stall', partialBody: '{"total_files_num":12' }
    })
    const outcome = await exchange(
      urlOf(emulator, stats(emulator)),
      {},
      {
        idleMs: 200
      }
    )

    expect(outcome.status).toBe(200)
    expect(outcome.text).toBe('{"total_files_num":12')
    expect(outcome.ended).toBe(false)
    expect(outcome.error).toBe('timeout')
  })

  it('streams a large JSON-looking body of the given size', async () => {
    emulator.inject({ fault: { type: 'large', bytes: 300_000 } })
    const outcome = await exchange(urlOf(emulator, stats(emulator)))

    expect(outcome.status).toBe(200)
    expect(outcome.headers['content-length']).toBe('300000')
    expect(outcome.text).toHaveLength(300_000)
    expect(outcome.text.startsWith('{"total_files_num":')).toBe(true)
    expect(outcome.text.endsWith('"}')).toBe(true)
    expect(emulator.requests[0]!.bodyBytesSent).toBe(300_000)
  })

  it('stops streaming a large body when the client goes away', async () => {
    emulator.inject({ fault: { type: 'large', bytes: 2 * 1024 ** 3 } })
    const aborted = await exchange(
      urlOf(emulator, stats(emulator)),
      {},
      {
        abortAfterBytes: 100_000
      }
    )
    const next = await callSigned(emulator, stats(emulator))

    expect(aborted.error).toBe('aborted')
    expect(next.status).toBe(200)
    // What was written before the client went away, far short of the whole.
    expect(emulator.requests[0]!.bodyBytesSent).toBeGreaterThanOrEqual(100_000)
    expect(emulator.requests[0]!.bodyBytesSent).toBeLessThan(2 * 1024 ** 3)
  })

  it('redirects elsewhere', async () => {
    emulator.inject({
      fault: { type: 'redirect', location: 'http://127.0.0.1:1/elsewhere' }
    })
    const outcome = await exchange(urlOf(emulator, stats(emulator)))

    expect(outcome.status).toBe(302)
    expect(outcome.headers.location).toBe('http://127.0.0.1:1/elsewhere')
    expect(emulator.requests[0]!.status).toBe(302)
  })

  it('delays every answer by the set latency', async () => {
    emulator.setLatency(150)
    const started = Date.now()
    const outcome = await callSigned(emulator, stats(emulator))

    expect(outcome.status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(140)
  })

  it('ends hung connections when closed', async () => {
    const own = await startEmulator()
    own.inject({ fault: { type: 'hang' } })
    const pending = exchange(urlOf(own, stats(own)), {}, { idleMs: 10_000 })
    while (own.requests.length === 0) await wait(10)
    await own.close()
    const outcome = await pending

    // Ended by close(), not by the client giving up after 10 s of silence.
    expect(outcome.status).toBeUndefined()
    expect(outcome.error).toBeDefined()
    expect(outcome.error).not.toBe('timeout')
  })
})

describe('rate limit', () => {
  it('answers 429 APIGW.0308 past the limit and lets requests through once the window moves', async () => {
    const limited = await startEmulator({
      images: [{ id: 'cicd-111' }],
      rateLimit: { requests: 2, perMs: 400 }
    })
    const call = stats(limited)
    const first = await callSigned(limited, call)
    const second = await callSigned(limited, call)
    const third = await callSigned(limited, call)
    await wait(450)
    const later = await callSigned(limited, call)
    await limited.close()

    expect([first.status, second.status]).toEqual([200, 200])
    expectHuaweiError(third, 429, 'APIGW.0308', 'throttling')
    expect(later.status).toBe(200)
  })
})

describe('defaults', () => {
  it('uses the documented default region, project and credential', async () => {
    const plain = await startEmulator({ images: [{ id: 'cicd-111' }] })
    const outcome = await callSigned(plain, stats(plain))
    await plain.close()

    expect(plain.region).toBe('cn-north-4')
    expect(plain.projectId).toBe('0123456789abcdef0123456789abcdef')
    expect(plain.credentials).toEqual([
      { accessKey: 'AKTESTEXAMPLE000', secretKey: 'sk-test-example-secret' }
    ])
    expect(plain.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(json(outcome)).toEqual({ total_files_num: 0, total_files_size: 0 })
  })
})
