/**
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY, through the bundled action, with a
 * loopback proxy in front of the emulator.
 */
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it
} from '@jest/globals'

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { startEmulator, type Emulator } from '../support/hss-emulator.js'
import { startProxy, type LoopbackProxy } from '../support/proxy.js'
import {
  DEFAULT_GITHUB_TOKEN,
  type RunOptions,
  type RunResult
} from '../support/run-action.js'
import { runScanned } from '../support/secrets.js'
import { selfSignedCertificate } from '../support/tls.js'

// '/', '+' and '=' make the URL-encoded form differ from the raw one.
const AK = 'AKE2EPROXY+000/0001='
const SK = 'e2e/proxy+secret=key-3d2c1b0a9f8e'
const SECRETS = [AK, SK, DEFAULT_GITHUB_TOKEN]

let hss: Emulator
let proxy: LoopbackProxy

beforeAll(async () => {
  hss = await startEmulator({
    credentials: [{ accessKey: AK, secretKey: SK }],
    images: [{ id: '111', totalFilesNum: 3, totalFilesSize: 3000 }]
  })
  proxy = await startProxy()
})

afterAll(async () => {
  await hss.close()
  await proxy.close()
})

beforeEach(() => {
  hss.reset()
  proxy.seen.length = 0
})

function inputs() {
  return {
    'image-id': '111',
    region: hss.region,
    'access-key': AK,
    'secret-key': SK,
    endpoint: hss.url,
    'iam-endpoint': hss.url
  }
}

/** One step with debug logging on, scanned for every form of SECRETS. */
function scannedRun(options: RunOptions): Promise<RunResult> {
  return runScanned(options, SECRETS)
}

describe('proxies', () => {
  it('sends every request through HTTP_PROXY, signed for the real host', async () => {
    const run = await scannedRun({
      inputs: inputs(),
      env: { HTTP_PROXY: proxy.url, http_proxy: proxy.url }
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('3')
    expect(proxy.seen.map((s) => new URL(s.target).pathname)).toEqual([
      '/v3/auth/projects',
      `/v5/${hss.projectId}/image/111/files-statistics`
    ])
    expect(hss.requests.map((r) => r.status)).toEqual([200, 200])
  })

  it('goes direct for hosts listed in NO_PROXY', async () => {
    const run = await scannedRun({
      inputs: inputs(),
      env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    })

    expect(run.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
    expect(hss.requests).toHaveLength(2)
  })

  it('tunnels https requests through HTTPS_PROXY with CONNECT, certificate verified', async () => {
    const certificate = selfSignedCertificate()
    const secure = await startEmulator({
      tls: certificate,
      credentials: [{ accessKey: AK, secretKey: SK }],
      images: [{ id: '111', totalFilesNum: 3, totalFilesSize: 3000 }]
    })
    // The runner's way to trust a private CA: the action adds no trust of
    // its own, so this is what makes the emulator's certificate acceptable.
    const caFile = join(mkdtempSync(join(tmpdir(), 'hss-gate-ca-')), 'ca.pem')
    writeFileSync(caFile, certificate.cert)
    try {
      const run = await scannedRun({
        inputs: {
          ...inputs(),
          endpoint: secure.url,
          'iam-endpoint': secure.url
        },
        env: {
          HTTPS_PROXY: proxy.url,
          https_proxy: proxy.url,
          NODE_EXTRA_CA_CERTS: caFile
        }
      })

      expect(secure.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
      expect(run.exitCode).toBe(0)
      expect(run.outputs['total-files-num']).toBe('3')
      const host = new URL(secure.url).host
      expect(proxy.seen.map((s) => `${s.method} ${s.target}`)).toContain(
        `CONNECT ${host}`
      )
      expect(proxy.seen.every((s) => s.method === 'CONNECT')).toBe(true)
      expect(secure.requests.map((r) => r.path)).toEqual([
        '/v3/auth/projects',
        `/v5/${secure.projectId}/image/111/files-statistics`
      ])
      expect(secure.requests.every((r) => r.status === 200)).toBe(true)
    } finally {
      await secure.close()
    }
  })

  it('does not use HTTPS_PROXY for a plain http endpoint', async () => {
    const run = await scannedRun({
      inputs: inputs(),
      env: { HTTPS_PROXY: proxy.url }
    })

    expect(run.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
  })
})
