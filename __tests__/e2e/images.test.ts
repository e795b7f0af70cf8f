/**
 * Several images in one step, baselines, and waiting for the CI/CD scan,
 * through the bundled action against the emulator.
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
import { DEFAULT_GITHUB_TOKEN, type RunResult } from '../support/run-action.js'
import { runAgainst } from '../support/secrets.js'

// '/', '+' and '=' make the URL-encoded form differ from the raw one.
const AK = 'AKE2EIMAGES+00/0001='
const SK = 'e2e/images+secret=key-8e7f6a5b4c3d'
const SECRETS = [AK, SK, DEFAULT_GITHUB_TOKEN]

let hss: Emulator

const MB = 1_000_000

beforeAll(async () => {
  hss = await startEmulator({
    credentials: [{ accessKey: AK, secretKey: SK }],
    images: [
      { id: 'app', totalFilesNum: 1_100, totalFilesSize: 105 * MB },
      { id: 'app-base', totalFilesNum: 1_000, totalFilesSize: 100 * MB },
      { id: 'worker', totalFilesNum: 500, totalFilesSize: 40 * MB },
      { id: 'worker-base', totalFilesNum: 500, totalFilesSize: 50 * MB },
      { id: 'empty-base', totalFilesNum: 0, totalFilesSize: 0 },
      ...Array.from({ length: 20 }, (_, i) => ({
        id: `img-${i}`,
        totalFilesNum: i,
        totalFilesSize: i * MB
      }))
    ]
  })
})

afterAll(async () => {
  await hss.close()
})

beforeEach(() => hss.reset())

/** One step with debug logging on, scanned for every form of SECRETS. */
function gate(inputs: Record<string, string>): Promise<RunResult> {
  return runAgainst(hss, inputs, SECRETS)
}

function statsRequests() {
  return hss.requests.filter((r) => r.path.endsWith('/files-statistics'))
}

describe('several images', () => {
  it('queries each id once, sums the figures and reports one row per image', async () => {
    const run = await gate({
      'image-id': 'app\n\nworker, app\n',
      'max-size': '100MB'
    })

    expect(
      statsRequests()
        .map((r) => r.path.split('/')[4])
        .sort()
    ).toEqual(['app', 'worker'])
    expect(run.outputs['total-files-num']).toBe('1600')
    expect(run.outputs['total-files-size']).toBe(String(145 * MB))
    expect(run.outputs.status).toBe('fail')
    expect(run.exitCode).toBe(1)
    const report = JSON.parse(run.outputs.report ?? '')
    expect(
      report.images.map((i: { imageId: string; status: string }) => [
        i.imageId,
        i.status
      ])
    ).toEqual([
      ['app', 'fail'],
      ['worker', 'pass']
    ])
    expect(run.summary).toMatch(/\| app \| 1,100 \| 105\.00 MB .*\| ❌ fail \|/)
    expect(run.summary).toMatch(/\| worker \| 500 \| 40\.00 MB .*\| ✅ pass \|/)
  })

  it('reports the other images when one cannot be queried, and fails the step', async () => {
    const run = await gate({ 'image-id': 'app,missing,worker' })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    const report = JSON.parse(run.outputs.report ?? '')
    expect(report.images.map((i: { status: string }) => i.status)).toEqual([
      'pass',
      'error',
      'pass'
    ])
    expect(report.images[1].error).toContain('HSS answered 404')
    expect(report.totals).toBeNull()
    expect(run.outputs['total-files-num']).toBe('')
    expect(run.summary).toMatch(/\| app \| 1,100 \|/)
    expect(run.summary).toMatch(/\| missing \| — \| — \| ❌ error \|/)
    const error = run.annotations.find((a) => a.level === 'error')
    expect(error?.message).toMatch(
      /^Image missing could not be measured: HSS answered 404/
    )
  })

  it('keeps at most `concurrency` requests in flight', async () => {
    hss.setLatency(150)
    const ids = Array.from({ length: 20 }, (_, i) => `img-${i}`)
    const run = await gate({ 'image-id': ids.join('\n'), concurrency: '5' })
    hss.setLatency(0)

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe(String((19 * 20) / 2))
    expect(statsRequests()).toHaveLength(20)
    expect(hss.maxInFlight).toBe(5)
  })

  it('queries one image at a time with concurrency 1, in order', async () => {
    const run = await gate({
      'image-id': 'img-3,img-1,img-2',
      concurrency: '1'
    })

    expect(run.exitCode).toBe(0)
    expect(hss.maxInFlight).toBe(1)
    expect(statsRequests().map((r) => r.path.split('/')[4])).toEqual([
      'img-3',
      'img-1',
      'img-2'
    ])
  })
})

describe('baselines', () => {
  it('reports the growth over the baseline as outputs and in the summary', async () => {
    const run = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['size-delta']).toBe(String(5 * MB))
    expect(run.outputs['files-delta']).toBe('100')
    expect(run.outputs['size-delta-percent']).toBe('+5.00')
    expect(run.summary).toContain('🔺 +5.00 MB (+5.00%), +100 files')
    expect(run.summary).toContain('Baseline app-base: 1,000 files, 100.00 MB')
    const report = JSON.parse(run.outputs.report ?? '')
    expect(report.images[0].baseline).toMatchObject({
      imageId: 'app-base',
      totalFilesSize: 100 * MB,
      sizeDelta: 5 * MB,
      filesDelta: 100,
      sizeDeltaPercent: '+5.00'
    })
  })

  it('marks shrinkage', async () => {
    const run = await gate({
      'image-id': 'worker',
      'baseline-image-id': 'worker-base',
      'max-size-increase': '0'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['size-delta']).toBe(String(-10 * MB))
    expect(run.outputs['size-delta-percent']).toBe('-20.00')
    expect(run.summary).toContain('🔻 −10.00 MB (-20.00%), ±0 files')
  })

  it('fails on growth above an absolute limit and passes below it', async () => {
    const above = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'max-size-increase': '4.9MB'
    })
    const below = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'max-size-increase': '5MB'
    })

    expect(above.exitCode).toBe(1)
    expect(above.outputs.status).toBe('fail')
    expect(above.annotations.find((a) => a.level === 'error')?.message).toBe(
      'Image app grew its size by +5.00 MB (+5.00%) over baseline app-base, above max-size-increase 4.9MB.'
    )
    expect(below.exitCode).toBe(0)
    expect(below.outputs.status).toBe('pass')
  })

  it('judges percentages exactly: 5% passes a growth of exactly 5%, 4.99% fails it', async () => {
    const exact = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'max-size-increase': '5%'
    })
    const under = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'max-size-increase': '4.99%'
    })

    expect(exact.outputs.status).toBe('pass')
    expect(under.outputs.status).toBe('fail')
    expect(under.summary).toMatch(
      /\| Size growth \| \+5\.00 MB \(\+5,000,000 B\) \| max-size-increase 4\.99% \(\+4\.99 MB, \+4,990,000 B\) \|/
    )
  })

  it('warns on file count growth above a percentage', async () => {
    const run = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'warn-files-increase': '2.5%',
      'max-files-increase': '20%'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('warn')
    expect(
      run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)
    ).toEqual([
      'Image app grew its file count by +100 over baseline app-base, above warn-files-increase 2.5%.'
    ])
  })

  it('skips percentage limits when the baseline is empty, and says so', async () => {
    const run = await gate({
      'image-id': 'app',
      'baseline-image-id': 'empty-base',
      'max-size-increase': '1%',
      'max-size': '1GB'
    })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
    expect(run.outputs['size-delta-percent']).toBe('')
    const note =
      "Image app: max-size-increase 1% was not applied against baseline empty-base: the baseline's size is 0, so a percentage of it means nothing; only absolute limits apply."
    expect(run.summary).toContain(note)
    expect(run.annotations).toContainEqual({
      level: 'notice',
      title: 'Growth limit not applied',
      message: note
    })
    expect(run.summary).toMatch(/\| app \| .* \| empty-base \| 🔺/)
  })

  it('pairs baselines with images in order', async () => {
    const run = await gate({
      'image-id': 'app\nworker',
      'baseline-image-id': 'app-base\nworker-base',
      'max-size-increase': '1MB'
    })

    expect(run.exitCode).toBe(1)
    const report = JSON.parse(run.outputs.report ?? '')
    expect(
      report.images.map(
        (i: {
          imageId: string
          baseline: { imageId: string }
          status: string
        }) => [i.imageId, i.baseline.imageId, i.status]
      )
    ).toEqual([
      ['app', 'app-base', 'fail'],
      ['worker', 'worker-base', 'pass']
    ])
    // Scalar deltas describe one image only.
    expect(run.outputs['size-delta']).toBe('')
  })

  it('compares one image with two baselines, and counts it once in the totals', async () => {
    const run = await gate({
      'image-id': 'app, app',
      'baseline-image-id': 'app-base, worker-base'
    })

    expect(run.exitCode).toBe(0)
    expect(statsRequests()).toHaveLength(3)
    const report = JSON.parse(run.outputs.report ?? '')
    expect(
      report.images.map(
        (i: { baseline: { imageId: string } }) => i.baseline.imageId
      )
    ).toEqual(['app-base', 'worker-base'])
    expect(run.outputs['total-files-num']).toBe('1100')
    expect(run.outputs['total-files-size']).toBe(String(105 * MB))
  })

  it('rejects a baseline count that does not match the images', async () => {
    const run = await gate({
      'image-id': 'app\nworker',
      'baseline-image-id': 'app-base'
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(run.annotations[0]?.message).toContain(
      'Input \'baseline-image-id\' has an invalid value "app-base": expected one baseline per image-id'
    )
  })

  it('rejects a malformed percentage before any request', async () => {
    const run = await gate({
      'image-id': 'app',
      'baseline-image-id': 'app-base',
      'max-size-increase': '5%%'
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(run.annotations[0]?.message).toMatch(
      /^Input 'max-size-increase' has an invalid value "5%%": expected a percentage such as 5% or 2\.5%/
    )
  })
})

describe('waiting for the scan', () => {
  it('polls until the scan succeeds, then reads the statistics', async () => {
    hss.setImage({
      id: 'scanning',
      totalFilesNum: 7,
      totalFilesSize: 7000,
      scan: [
        { status: 'waiting_for_scan', forMs: 1000 },
        { status: 'scanning', forMs: 1500 },
        { status: 'success' }
      ]
    })
    const run = await gate({ 'image-id': 'scanning', 'wait-for-scan': '1m' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('7')
    const paths = hss.requests.map((r) => r.path.split('/').slice(3).join('/'))
    const polls = paths.filter((p) => p === 'image/cicd/images')
    expect(polls.length).toBeGreaterThanOrEqual(2)
    expect(paths.at(-1)).toBe('image/scanning/files-statistics')
    expect(hss.requests[0]?.query).toMatchObject({ image_id: 'scanning' })
    // Never more than one poll a second.
    const times = hss.requests.slice(0, polls.length).map((r) => r.at)
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(1000)
    }
  })

  it('ends with the status and scan_failed_code of a failed scan', async () => {
    hss.setImage({
      id: 'broken',
      scan: [{ status: 'download_failed', failedCode: 'DOWNLOAD_TIMEOUT' }]
    })
    const run = await gate({ 'image-id': 'broken', 'wait-for-scan': '1m' })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(
      'ended with status download_failed (scan_failed_code DOWNLOAD_TIMEOUT)'
    )
  })

  it('gives up after wait-for-scan and names the last status seen', async () => {
    hss.setImage({ id: 'stuck', scan: [{ status: 'scanning' }] })
    const run = await gate({ 'image-id': 'stuck', 'wait-for-scan': '3s' })

    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(
      'did not finish within wait-for-scan (3s): the last status seen was scanning'
    )
    expect(hss.requests.every((r) => r.path.endsWith('/cicd/images'))).toBe(
      true
    )
    expect(hss.requests.length).toBeLessThanOrEqual(3)
  })

  it('names a numeric scan_failed_code too', async () => {
    hss.setImage({
      id: 'too-big',
      scan: [{ status: 'image_oversized', failedCode: 4031 }]
    })
    const run = await gate({ 'image-id': 'too-big', 'wait-for-scan': '1m' })

    expect(run.exitCode).toBe(1)
    expect(run.annotations.find((a) => a.level === 'error')?.message).toContain(
      'ended with status image_oversized (scan_failed_code 4031)'
    )
  })

  it('keeps waiting while HSS does not list the image yet', async () => {
    hss.setImage({
      id: 'late',
      totalFilesNum: 3,
      totalFilesSize: 3000,
      scan: [
        { status: null, forMs: 1500 },
        { status: 'scanning', forMs: 1500 },
        { status: 'success' }
      ]
    })
    const run = await gate({ 'image-id': 'late', 'wait-for-scan': '1m' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs['total-files-num']).toBe('3')
    const polls = hss.requests.filter((r) => r.path.endsWith('/cicd/images'))
    expect(polls.length).toBeGreaterThanOrEqual(2)
    expect(hss.requests.at(-1)?.path).toMatch(
      /\/image\/late\/files-statistics$/
    )
  })

  it('gives up on an image HSS never lists, and says so', async () => {
    const run = await gate({
      'image-id': 'never-scanned',
      'wait-for-scan': '3s'
    })

    expect(run.exitCode).toBe(1)
    const error = run.annotations.find((a) => a.level === 'error')?.message
    expect(error).toContain(
      'did not finish within wait-for-scan (3s): the last status seen was not listed by HSS yet'
    )
    expect(error).toContain('check image-id, region and project-id')
    expect(statsRequests()).toEqual([])
  })

  it('spaces the polls of several waiting images a second apart', async () => {
    for (const id of ['wait-a', 'wait-b', 'wait-c']) {
      hss.setImage({
        id,
        totalFilesNum: 1,
        totalFilesSize: 1,
        scan: [{ status: 'scanning', forMs: 2500 }, { status: 'success' }]
      })
    }
    const run = await gate({
      'image-id': 'wait-a, wait-b, wait-c',
      'wait-for-scan': '1m'
    })

    expect(run.exitCode).toBe(0)
    expect(statsRequests()).toHaveLength(3)
    const polls = hss.requests.filter((r) => r.path.endsWith('/cicd/images'))
    expect(new Set(polls.map((r) => r.query.image_id))).toEqual(
      new Set(['wait-a', 'wait-b', 'wait-c'])
    )
    // The action sends them at least 1000 ms apart; arrival times on
    // loopback may differ from send times by a few milliseconds.
    const times = polls.map((r) => r.at).sort((a, b) => a - b)
    for (let i = 1; i < times.length; i++) {
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(980)
    }
  })

  it('refuses to wait for a non-cicd image', async () => {
    const run = await gate({
      'image-id': 'sha256:ab',
      'image-type': 'private_image',
      namespace: 'ns',
      'image-name': 'n',
      'tag-name': 't',
      'wait-for-scan': '1m'
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(run.annotations[0]?.message).toContain("Input 'wait-for-scan'")
  })

  it('refuses a wait that the step timeout would cut short', async () => {
    const run = await gate({
      'image-id': 'scanning',
      'wait-for-scan': '10m',
      timeout: '5m'
    })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(run.annotations[0]?.message).toBe(
      `Input 'wait-for-scan' has an invalid value "10m": expected a duration shorter than timeout (5m), which bounds the whole step; raise timeout as well.`
    )
  })
})
