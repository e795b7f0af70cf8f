/**
 * The bundled action against the HSS emulator, driven like the runner: the
 * query itself, authentication, project lookup, outputs and summary.
 */
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it
} from '@jest/globals'

import { startEmulator, type Emulator } from '../support/hss-emulator.js'
import {
  DEFAULT_GITHUB_TOKEN,
  type RunOptions,
  type RunResult
} from '../support/run-action.js'
import { expectNoSecrets, runScanned } from '../support/secrets.js'

// The secret keys and tokens hold '/', '+' and '=', which encodeURIComponent
// changes, so their URL-encoded forms are scanned for in their own right.
// Access keys and tokens travel in headers: printable ASCII, no spaces.
const AK = 'AKE2EQUERY0000000001'
const SK = 'e2e/query+secret=key-9f8e7d6c5b4a'
const TEMP_AK = 'AKTEMPORARY+0000/02='
const TEMP_SK = 'temporary/secret+key=1a2b3c4d'
const SECURITY_TOKEN = 'gQpzZWN1cml0eS10b2tlbi1mb3ItdGVzdHM+temporary/token=='
const IAM_TOKEN = 'MIIEiam+token/for-tests=0123456789abcdef'
const PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9'
const SECRETS = [
  AK,
  SK,
  TEMP_AK,
  TEMP_SK,
  SECURITY_TOKEN,
  IAM_TOKEN,
  DEFAULT_GITHUB_TOKEN
]

let hss: Emulator

beforeAll(async () => {
  hss = await startEmulator({
    region: 'cn-north-4',
    credentials: [
      { accessKey: AK, secretKey: SK },
      { accessKey: TEMP_AK, secretKey: TEMP_SK, securityToken: SECURITY_TOKEN }
    ],
    tokens: [IAM_TOKEN],
    projects: [
      { id: PROJECT, name: 'cn-north-4' },
      { id: 'ffffffffffffffffffffffffffffffff', name: 'cn-north-4_sub' },
      { id: 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'ap-southeast-1' }
    ],
    images: [
      { id: '111', totalFilesNum: 12873, totalFilesSize: 1_270_000_000 },
      {
        id: 'sha256:0b08c2b4',
        imageType: 'private_image',
        namespace: 'scc_hss_container',
        imageName: 'proxy-agent',
        tagName: '24.5.0-x86_64',
        totalFilesNum: 310,
        totalFilesSize: 52_428_800
      }
    ]
  })
})

afterAll(async () => {
  await hss.close()
})

beforeEach(() => hss.reset())

/** One step with debug logging on, scanned for every form of SECRETS. */
function scannedRun(options: RunOptions): Promise<RunResult> {
  return runScanned(options, SECRETS)
}

function baseInputs(extra: Record<string, string> = {}) {
  return {
    'image-id': '111',
    region: 'cn-north-4',
    'project-id': PROJECT,
    'access-key': AK,
    'secret-key': SK,
    endpoint: hss.url,
    'iam-endpoint': hss.url,
    ...extra
  }
}

describe('querying an image', () => {
  it('reports the figures of a CI/CD image as outputs and in the summary', async () => {
    const run = await scannedRun({ inputs: baseInputs() })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('12873')
    expect(run.outputs['total-files-size']).toBe('1270000000')
    expect(run.outputs['total-files-size-human']).toBe('1.27 GB (1.18 GiB)')
    expect(run.outputs.status).toBe('pass')
    const report = JSON.parse(run.outputs.report ?? '')
    expect(report).toMatchObject({
      schemaVersion: 1,
      status: 'pass',
      query: { imageType: 'cicd', region: 'cn-north-4', projectId: PROJECT },
      totals: { totalFilesNum: 12873, totalFilesSize: 1270000000 },
      images: [
        { imageId: '111', totalFilesNum: 12873, totalFilesSize: 1270000000 }
      ]
    })
    expect(run.summary).toContain('HSS image size gate: pass')
    expect(run.summary).toContain('12,873')
    expect(run.summary).toContain('1.27 GB (1.18 GiB)')
    expect(run.summary).toContain('region cn-north-4')
    expect(run.summary).toContain(PROJECT)

    expect(hss.requests).toHaveLength(1)
    const [request] = hss.requests
    expect(request?.path).toBe(`/v5/${PROJECT}/image/111/files-statistics`)
    expect(request?.query).toEqual({ image_type: 'cicd' })
    expect(request?.status).toBe(200)
    expect(request?.headers.region).toBe('cn-north-4')
    expect(request?.headers['x-project-id']).toBe(PROJECT)
    expect(String(request?.headers.authorization)).toMatch(
      /^SDK-HMAC-SHA256 Access=\S+, SignedHeaders=host;region;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/
    )
    // The request id of the answer reaches the summary.
    expect(report.images[0].requestId).toMatch(/^[0-9a-f]+$/)
    expect(run.summary).toContain(report.images[0].requestId)
    expectNoSecrets(run.everything, SECRETS)
  })

  it('takes the documented default of an input given empty, as an unset variable gives it', async () => {
    const run = await scannedRun({
      inputs: baseInputs({
        'image-type': '',
        'request-timeout': '',
        'max-retries': '',
        timeout: '',
        'wait-for-scan': '',
        concurrency: '',
        summary: '',
        'fail-on-threshold': '',
        comment: '',
        'comment-when': ''
      })
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('12873')
    expect(run.summary).toContain('HSS image size gate: pass')
    expect(hss.requests.map((r) => r.query)).toEqual([{ image_type: 'cicd' }])
  })

  const TEMPORARY = {
    'access-key': TEMP_AK,
    'secret-key': TEMP_SK,
    'security-token': SECURITY_TOKEN
  }

  it('signs with temporary credentials and sends the security token signed', async () => {
    const run = await scannedRun({ inputs: baseInputs(TEMPORARY) })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('12873')
    expect(hss.requests).toHaveLength(1)
    expect(hss.requests[0]?.headers['x-security-token']).toBe(SECURITY_TOKEN)
    expect(String(hss.requests[0]?.headers.authorization)).toContain(
      'SignedHeaders=host;region;x-project-id;x-sdk-date;x-security-token'
    )
    expectNoSecrets(run.everything, SECRETS)
  })

  it('asks the runner to mask each credential raw, URL-encoded and in base64', async () => {
    const run = await scannedRun({ inputs: baseInputs(TEMPORARY) })

    expect(run.exitCode).toBe(0)
    for (const secret of [TEMP_AK, TEMP_SK, SECURITY_TOKEN]) {
      // These hold characters that URL-encoding changes.
      expect(encodeURIComponent(secret)).not.toBe(secret)
      expect(run.masked).toEqual(
        expect.arrayContaining([
          secret,
          encodeURIComponent(secret),
          Buffer.from(secret).toString('base64'),
          Buffer.from(secret).toString('base64url')
        ])
      )
    }
  })

  it('authenticates with an IAM token instead of signing', async () => {
    const inputs: Record<string, string> = baseInputs({
      'auth-token': IAM_TOKEN
    })
    delete inputs['access-key']
    delete inputs['secret-key']
    const run = await scannedRun({ inputs })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-size']).toBe('1270000000')
    expect(hss.requests).toHaveLength(1)
    expect(hss.requests[0]?.headers['x-auth-token']).toBe(IAM_TOKEN)
    expect(hss.requests[0]?.headers.authorization).toBeUndefined()
    expectNoSecrets(run.everything, SECRETS)
  })

  it('reads region, project and credentials from the environment of huaweicloud/auth-action', async () => {
    const run = await scannedRun({
      inputs: { 'image-id': '111', endpoint: hss.url },
      env: {
        HUAWEI_CLOUD_REGION: 'cn-north-4',
        HUAWEI_CLOUD_PROJECT_ID: PROJECT,
        HUAWEI_CLOUD_ACCESS_KEY_ID: AK,
        HUAWEI_CLOUD_SECRET_ACCESS_KEY: SK
      }
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('12873')
    expect(hss.requests).toHaveLength(1)
    expectNoSecrets(run.everything, SECRETS)
  })

  it("reads the SDKs' environment variables too", async () => {
    const run = await scannedRun({
      inputs: { 'image-id': '111', endpoint: hss.url },
      env: {
        HUAWEICLOUD_SDK_REGION: 'cn-north-4',
        HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
        HUAWEICLOUD_SDK_AK: TEMP_AK,
        HUAWEICLOUD_SDK_SK: TEMP_SK,
        HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN
      }
    })

    expect(run.exitCode).toBe(0)
    expect(hss.requests[0]?.headers['x-security-token']).toBe(SECURITY_TOKEN)
    expectNoSecrets(run.everything, SECRETS)
  })

  it('looks the project up in IAM once when no project id is given', async () => {
    const inputs: Record<string, string> = baseInputs({ 'image-id': '111' })
    delete inputs['project-id']
    const run = await scannedRun({ inputs })

    expect(run.exitCode).toBe(0)
    expect(hss.requests.map((r) => `${r.service} ${r.path}`)).toEqual([
      'iam /v3/auth/projects',
      `hss /v5/${PROJECT}/image/111/files-statistics`
    ])
    expect(run.stdout).toContain(`Project of cn-north-4: ${PROJECT}`)
    expect(JSON.parse(run.outputs.report ?? '').query.projectId).toBe(PROJECT)
  })

  it('looks the project up with the IAM token when authenticating by token', async () => {
    const run = await scannedRun({
      inputs: {
        'image-id': '111',
        region: 'cn-north-4',
        'auth-token': IAM_TOKEN,
        endpoint: hss.url,
        'iam-endpoint': hss.url
      }
    })

    expect(run.exitCode).toBe(0)
    expect(hss.requests[0]?.path).toBe('/v3/auth/projects')
    expect(hss.requests[0]?.headers['x-auth-token']).toBe(IAM_TOKEN)
  })

  it('lists what IAM returned when no project is named like the region', async () => {
    const inputs: Record<string, string> = baseInputs({ region: 'cn-east-3' })
    delete inputs['project-id']
    const run = await scannedRun({ inputs })

    expect(run.exitCode).toBe(1)
    const error = run.annotations.find((a) => a.level === 'error')
    expect(error?.message).toContain('no project is named cn-east-3')
    expect(error?.message).toContain(`cn-north-4 (${PROJECT})`)
    expect(error?.message).toContain(
      'ap-southeast-1 (eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee)'
    )
    expect(error?.message).toContain('project-id')
    expect(hss.requests).toHaveLength(1)
  })

  it('says once that no image could be measured when the project cannot be found', async () => {
    const inputs: Record<string, string> = baseInputs({
      region: 'cn-east-3',
      'image-id': '111, 222, 333'
    })
    delete inputs['project-id']
    const run = await scannedRun({ inputs })

    expect(run.exitCode).toBe(1)
    const errors = run.annotations.filter((a) => a.level === 'error')
    // The titled annotation, then the one setFailed writes.
    expect(errors).toHaveLength(2)
    expect(errors[0]?.title).toBe('Image not measured')
    expect(errors[0]?.message).toMatch(
      /^Images 111, 222 and 333 could not be measured: .*no project is named cn-east-3/
    )
    expect(errors[1]?.message).toBe(errors[0]?.message)
    expect(run.summary.match(/could not be measured/g)).toHaveLength(1)
    expect(hss.requests).toHaveLength(1)
  })

  it('queries a registry image by namespace, name and tag, with a digest id', async () => {
    const run = await scannedRun({
      inputs: baseInputs({
        'image-id': 'sha256:0b08c2b4',
        'image-type': 'private_image',
        namespace: 'scc_hss_container',
        'image-name': 'proxy-agent',
        'tag-name': '24.5.0-x86_64',
        'enterprise-project-id': 'all_granted_eps'
      })
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('310')
    expect(run.outputs['total-files-size-human']).toBe('52.43 MB (50.00 MiB)')
    expect(hss.requests[0]?.path).toBe(
      `/v5/${PROJECT}/image/sha256:0b08c2b4/files-statistics`
    )
    expect(hss.requests[0]?.query).toEqual({
      image_type: 'private_image',
      namespace: 'scc_hss_container',
      image_name: 'proxy-agent',
      tag_name: '24.5.0-x86_64',
      enterprise_project_id: 'all_granted_eps'
    })
  })
})

describe('service errors', () => {
  it('names the status, code, message, request id and a hint for an unknown image', async () => {
    const run = await scannedRun({ inputs: baseInputs({ 'image-id': 'nope' }) })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(1)
    const error = run.annotations.filter((a) => a.level === 'error').at(-1)
    expect(error?.message).toContain('HSS answered 404')
    expect(error?.message).toContain('HSS.1011')
    expect(error?.message).toContain('image not found')
    expect(error?.message).toMatch(/request id [0-9a-f]+/)
    expect(error?.message).toContain('check image-id')
    expect(run.outputs.status).toBe('fail')
    expect(run.outputs['total-files-num']).toBe('')
  })

  it('sends a rejected signature exactly once and points at the credentials and the clock', async () => {
    const run = await scannedRun({
      inputs: baseInputs({ 'secret-key': 'not/the+right=secret-key' })
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(1)
    expect(hss.requests[0]?.status).toBe(401)
    const error = run.annotations.filter((a) => a.level === 'error').at(-1)
    expect(error?.message).toContain('HSS answered 401')
    expect(error?.message).toContain('APIGW.0301')
    expect(error?.message).toContain("runner's clock")
    expect(error?.message).toContain('Not retried')
    expectNoSecrets(run.everything, [...SECRETS, 'not/the+right=secret-key'])
  })

  it('logs the encoded authorization message of a refused permission at debug level, and points at it', async () => {
    hss.inject({ fault: { type: 'status', status: 403 } })
    const run = await scannedRun({ inputs: baseInputs() })

    expect(run.exitCode).toBe(1)
    expect(hss.requests.map((r) => r.status)).toEqual([403])
    const error = run.annotations.filter((a) => a.level === 'error').at(-1)
    expect(error?.message).toContain('HSS answered 403')
    expect(error?.message).toContain('APIGW.0302')
    expect(error?.message).toContain(
      "logged at debug level (re-run with debug logging): IAM's decode-authorization-message API names the missing permission"
    )
    // Whole, as HSS sent it: only then can IAM decode it.
    const logged = /^::debug::HSS encoded_authorization_message: (\S+)$/m.exec(
      run.stdout
    )?.[1]
    expect(Buffer.from(logged ?? '', 'base64').toString()).toMatch(
      /^denied hss:image:list for \S+$/
    )
  })

  it("blames the runner's clock, once, when the gateway calls the signature expired", async () => {
    const strict = await startEmulator({
      region: 'cn-north-4',
      credentials: [{ accessKey: AK, secretKey: SK }],
      projects: [{ id: PROJECT, name: 'cn-north-4' }],
      images: [{ id: '111', totalFilesNum: 1, totalFilesSize: 1 }],
      // Any date is too far off: as if the runner's clock were skewed.
      clockSkewToleranceMs: -1
    })
    try {
      const run = await scannedRun({
        inputs: baseInputs({ endpoint: strict.url })
      })

      expect(run.exitCode).toBe(1)
      expect(strict.requests.map((r) => r.status)).toEqual([401])
      const error = run.annotations.filter((a) => a.level === 'error').at(-1)
      expect(error?.message).toContain('HSS answered 401')
      expect(error?.message).toMatch(/expired/i)
      expect(error?.message).toMatch(
        /The runner's clock reads \d{4}-\d\d-\d\dT[\d:.]+Z; the gateway refuses signatures more than 15 minutes off/
      )
    } finally {
      await strict.close()
    }
  })

  it('sends an unknown access key exactly once', async () => {
    const run = await scannedRun({
      inputs: baseInputs({ 'access-key': 'AKUNKNOWN+0000/0000=' })
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(1)
    expectNoSecrets(run.everything, [...SECRETS, 'AKUNKNOWN+0000/0000='])
  })
})

describe('input errors', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    [
      'an empty image-id',
      { 'image-id': ' ' },
      /Input 'image-id' has an invalid value/
    ],
    [
      'an unknown image-type',
      { 'image-type': 'docker' },
      /Input 'image-type' has an invalid value "docker": expected one of cicd, private_image/
    ],
    [
      'a registry image without namespace',
      { 'image-type': 'private_image' },
      /Input 'namespace' .*required when image-type is private_image/
    ],
    [
      'a region of the wrong shape',
      { region: 'CN North 4' },
      /Input 'region' has an invalid value "CN North 4"/
    ],
    [
      'an unknown region without endpoint',
      { region: 'xx-nowhere-9', endpoint: '' },
      /Input 'region' has an invalid value "xx-nowhere-9".*endpoint/
    ],
    [
      'plain http to a remote host',
      { endpoint: 'http://hss.example.com' },
      /Input 'endpoint' has an invalid value "http:\/\/hss.example.com": expected an https:\/\//
    ],
    [
      'userinfo in the endpoint',
      { endpoint: 'https://user:pw@hss.example.com' },
      /Input 'endpoint'/
    ],
    [
      'a non-URL endpoint',
      { endpoint: 'hss' },
      /Input 'endpoint' has an invalid value "hss"/
    ],
    [
      'a bad iam-endpoint',
      { 'iam-endpoint': 'ftp://x' },
      /Input 'iam-endpoint'/
    ],
    [
      'a malformed request-timeout',
      { 'request-timeout': 'soon' },
      /Input 'request-timeout' has an invalid value "soon"/
    ],
    [
      'a zero request-timeout',
      { 'request-timeout': '0' },
      /Input 'request-timeout' has an invalid value "0"/
    ],
    [
      'a negative max-retries',
      { 'max-retries': '-1' },
      /Input 'max-retries' has an invalid value "-1": expected a whole number from 0 to 10/
    ],
    [
      'a non-boolean summary',
      { summary: 'maybe' },
      /Input 'summary' has an invalid value "maybe": expected true or false/
    ],
    [
      'both a token and keys',
      { 'auth-token': 'tok' },
      /Input 'auth-token'.*not both/
    ],
    [
      'an access key without a secret key',
      { 'secret-key': '' },
      /Input 'secret-key'.*must both be set/
    ],
    [
      'a malformed project-id',
      { 'project-id': 'a b' },
      /Input 'project-id' has an invalid value "a b"/
    ],
    [
      'an image id with a slash',
      { 'image-id': '11/1' },
      /Input 'image-id' has an invalid value "11\/1"/
    ],
    [
      'no region at all',
      { region: '' },
      /Input 'region' has an invalid value "": required: set region .*HUAWEI_CLOUD_REGION/
    ],
    [
      'a malformed enterprise-project-id',
      { 'enterprise-project-id': 'all granted' },
      /Input 'enterprise-project-id' has an invalid value "all granted": expected an enterprise project id, '0' .* 'all_granted_eps'/
    ],
    [
      'a security token with a line break',
      { 'security-token': 'line\nbreak-token' },
      /Input 'security-token' has an invalid value "\*\*\*": expected printable ASCII/
    ]
  ]

  it.each(cases)(
    'rejects %s before any request',
    async (_name, inputs, message) => {
      const run = await scannedRun({ inputs: baseInputs(inputs) })

      expect(run.exitCode).toBe(1)
      expect(hss.requests).toHaveLength(0)
      const errors = run.annotations.filter((a) => a.level === 'error')
      expect(errors).toHaveLength(1)
      expect(errors[0]?.message).toMatch(message)
      expect(errors[0]?.message).not.toContain('\n')
      expect(run.stderr).not.toMatch(/at .*\.js:\d+/)
      // Nothing half-done reaches the user: no outputs, no summary.
      expect(run.outputs).toEqual({})
      expect(run.summary).toBe('')
      expectNoSecrets(run.everything, SECRETS)
    }
  )

  it('rejects a run with no credentials at all', async () => {
    const inputs: Record<string, string> = baseInputs()
    delete inputs['access-key']
    delete inputs['secret-key']
    const run = await scannedRun({ inputs })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(run.annotations[0]?.message).toMatch(/no credentials/)
  })
})
