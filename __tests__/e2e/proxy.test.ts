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

import { startEmulator, type Emulator } from '../support/hss-emulator.js'
import { startProxy, type LoopbackProxy } from '../support/proxy.js'
import { runAction } from '../support/run-action.js'
import { expectNoSecrets } from '../support/secrets.js'

let hss: Emulator
let proxy: LoopbackProxy

beforeAll(async () => {
  hss = await startEmulator({
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
  const [credential] = hss.credentials
  return {
    'image-id': '111',
    region: hss.region,
    'access-key': credential?.accessKey ?? '',
    'secret-key': credential?.secretKey ?? '',
    endpoint: hss.url,
    'iam-endpoint': hss.url
  }
}

describe('proxies', () => {
  it('sends every request through HTTP_PROXY, signed for the real host', async () => {
    const run = await runAction({
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
    expectNoSecrets(run.everything, [hss.credentials[0]?.secretKey ?? ''])
  })

  it('goes direct for hosts listed in NO_PROXY', async () => {
    const run = await runAction({
      inputs: inputs(),
      env: { HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }
    })

    expect(run.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
    expect(hss.requests).toHaveLength(2)
  })

  it('does not use HTTPS_PROXY for a plain http endpoint', async () => {
    const run = await runAction({
      inputs: inputs(),
      env: { HTTPS_PROXY: proxy.url }
    })

    expect(run.exitCode).toBe(0)
    expect(proxy.seen).toEqual([])
  })
})
