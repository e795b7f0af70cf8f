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

function options(waitForScanMs: number, polls: PollPacer): MeasureOptions {
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
      maxRetries: 0,
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
    const times = hss.requests
      .filter((r) => r.path.endsWith('/cicd/images'))
      .map((r) => r.at)
    for (let i = 1; i < times.length; i++) {
      // Sent at least 1000 ms apart; arrival on loopback may differ slightly.
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(980)
    }
  })
})

describe('PollPacer', () => {
  it('gives a due poll the moment itself, or the next free second', () => {
    const polls = new PollPacer()

    expect(polls.slot(10_000)).toBe(10_000)
    expect(polls.slot(10_000)).toBe(11_000)
    expect(polls.slot(10_500)).toBe(12_000)
    expect(polls.slot(20_000)).toBe(20_000)
  })
})
