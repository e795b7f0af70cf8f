/**
 * Waiting for the scans of several images in one step, through measureImage
 * and the real client, against the loopback emulator.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { HuaweiClient } from '../../src/huawei/client.js'
import {
  measureImage,
  PollPacer,
  type MeasureOptions
} from '../../src/measure.js'
import { startEmulator, type Emulator } from '../support/hss-emulator.js'

let hss: Emulator

beforeAll(async () => {
  hss = await startEmulator({
    images: [
      { id: 'long', scan: [{ status: 'scanning' }] },
      { id: 'short', totalFilesNum: 2, totalFilesSize: 20 }
    ]
  })
})

afterAll(async () => {
  await hss.close()
})

function options(
  waitForScanMs: number,
  polls: PollPacer,
  maxRetries = 0
): MeasureOptions {
  const [credential] = hss.credentials
  const quiet = { debug: () => {}, info: () => {}, warning: () => {} }
  return {
    client: new HuaweiClient({
      auth: {
        kind: 'aksk',
        accessKey: credential?.accessKey ?? '',
        secretKey: credential?.secretKey ?? ''
      },
      requestTimeoutMs: 5000,
      maxRetries,
      log: quiet
    }),
    target: { endpoint: hss.url, region: hss.region, projectId: hss.projectId },
    query: { imageType: 'cicd' },
    waitForScanMs,
    polls,
    log: quiet
  }
}

describe('polls of several images', () => {
  it("are never held behind another image's later poll", async () => {
    const polls = new PollPacer()
    // 'long' polls at 0 s and 2 s, then is due again at 5 s.
    const long = measureImage(options(5500, polls), 'long').catch(
      (error: unknown) => error
    )
    while (hss.requests.length < 2) await new Promise((r) => setTimeout(r, 20))

    // 'short' starts waiting after the second of them: its first poll goes
    // at the next free second, before 'long' is due again.
    await measureImage(options(60_000, polls), 'short')
    await long

    const order = hss.requests.map(
      (r) => `${r.query.image_id ?? r.path.split('/')[4]}`
    )
    expect(order.slice(0, 5)).toEqual([
      'long',
      'long',
      'short',
      'short',
      'long'
    ])
    expectOnePollASecond()
  })

  it('space a retried poll like any other', async () => {
    hss.reset()
    hss.inject({
      path: /\/cicd\/images$/,
      fault: { type: 'status', status: 503 },
      times: 2
    })
    const polls = new PollPacer()

    // Both first polls get a 503; each retry, due at once after a short
    // backoff, must still wait for its own slot of the step's pacer.
    const [a, b] = await Promise.all([
      measureImage(options(60_000, polls, 2), 'short'),
      measureImage(options(60_000, polls, 2), 'short')
    ])

    expect(a.files).toBe(2)
    expect(b.files).toBe(2)
    const polled = hss.requests.filter((r) => r.path.endsWith('/cicd/images'))
    expect(polled.map((r) => r.status)).toEqual([503, 503, 200, 200])
    expectOnePollASecond()
  })
})

/** What HSS must see: at most one scan poll a second from the step. */
function expectOnePollASecond(): void {
  const times = hss.requests
    .filter((r) => r.path.endsWith('/cicd/images'))
    .map((r) => r.at)
  for (let i = 1; i < times.length; i++) {
    expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000)
  }
}

describe('PollPacer', () => {
  it('gives a due poll the moment itself, or the next free second and a margin', () => {
    const polls = new PollPacer()

    expect(polls.slot(10_000)).toBe(10_000)
    expect(polls.slot(10_000)).toBe(11_050)
    expect(polls.slot(10_500)).toBe(12_100)
    expect(polls.slot(20_000)).toBe(20_000)
  })
})
