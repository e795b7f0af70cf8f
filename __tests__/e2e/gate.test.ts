/**
 * The size gate through the bundled action: limits, tiers, units and the
 * verdict in outputs, summary, annotations and exit status.
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
const AK = 'AKE2EGATE+0000/0001='
const SK = 'e2e/gate+secret=key-2b3c4d5e6f70'
const SECRETS = [AK, SK, DEFAULT_GITHUB_TOKEN]

let hss: Emulator

// 1,620,000,000 bytes is 1.62 GB and 1.51 GiB; 1,000,500 bytes sits between
// 1 MB (1,000,000) and 1 MiB (1,048,576).
beforeAll(async () => {
  hss = await startEmulator({
    credentials: [{ accessKey: AK, secretKey: SK }],
    images: [
      { id: '111', totalFilesNum: 25_000, totalFilesSize: 1_620_000_000 },
      { id: 'between', totalFilesNum: 10, totalFilesSize: 1_000_500 }
    ]
  })
})

afterAll(async () => {
  await hss.close()
})

beforeEach(() => hss.reset())

/** One step with debug logging on, scanned for every form of SECRETS. */
function gate(inputs: Record<string, string>): Promise<RunResult> {
  return runAgainst(hss, { 'image-id': '111', ...inputs }, SECRETS)
}

function errors(run: RunResult) {
  return run.annotations.filter((a) => a.level === 'error')
}

function warnings(run: RunResult) {
  return run.annotations.filter((a) => a.level === 'warning')
}

describe('size limits', () => {
  it('passes when the size is below max-size', async () => {
    const run = await gate({ 'max-size': '2GB' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
    expect(errors(run)).toEqual([])
    expect(warnings(run)).toEqual([])
    expect(run.summary).toContain('✅ HSS image size gate: pass')
    expect(run.summary).toMatch(
      /\| Size \| 1\.62 GB \(1,620,000,000 B\) \| max-size 2GB \(2,000,000,000 B\) \| 380\.00 MB left \| ✅ pass \|/
    )
  })

  it('warns, and passes the step, when the size is above warn-size only', async () => {
    const run = await gate({ 'warn-size': '1.5GB', 'max-size': '2GB' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('warn')
    expect(warnings(run)).toEqual([
      {
        level: 'warning',
        title: 'Image size warning',
        message:
          'Image 111 has 1.62 GB of files (1.51 GiB), above warn-size 1.5GB.'
      }
    ])
    expect(run.summary).toContain('⚠️ HSS image size gate: warn')
    expect(run.summary).toMatch(
      /\| Size \| 1\.62 GB \(1,620,000,000 B\) \| warn-size 1\.5GB \(1,500,000,000 B\) \| \*\*120\.00 MB over\*\* \| ⚠️ warn \|/
    )
  })

  it('fails with one sentence a reader can act on when the size is above max-size', async () => {
    const run = await gate({ 'max-size': '1.5 GB' })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    const sentence =
      'Image 111 has 1.62 GB of files (1.51 GiB), above max-size 1.5 GB.'
    expect(errors(run).map((e) => e.message)).toEqual([sentence, sentence])
    expect(errors(run)[0]?.title).toBe('Image size limit exceeded')
    expect(run.summary).toContain('❌ HSS image size gate: fail')
    expect(run.summary).toContain(sentence)
    const report = JSON.parse(run.outputs.report ?? '')
    expect(report.limits).toEqual({ 'max-size': '1.5 GB' })
    expect(report.images[0].breaches).toEqual([
      expect.objectContaining({
        input: 'max-size',
        level: 'fail',
        actual: 1_620_000_000,
        allowed: 1_500_000_000,
        breached: true
      })
    ])
  })

  it('passes a size exactly at the limit', async () => {
    const run = await gate({ 'max-size': '1620000000', 'warn-size': '1.62GB' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
  })

  it('tells 1MB from 1MiB for a size between the two', async () => {
    const mb = await gate({ 'image-id': 'between', 'max-size': '1MB' })
    const mib = await gate({ 'image-id': 'between', 'max-size': '1MiB' })

    expect(mb.outputs.status).toBe('fail')
    expect(mb.exitCode).toBe(1)
    expect(mib.outputs.status).toBe('pass')
    expect(mib.exitCode).toBe(0)
  })

  it('reads a decimal of a binary unit to the byte below, as 1.6GiB', async () => {
    // 1.6GiB is 1,717,986,918.4 bytes; 1.5GiB is 1,610,612,736.
    const pass = await gate({ 'max-size': '1.6GiB' })
    const fail = await gate({ 'max-size': '1.5GiB' })

    expect(pass.exitCode).toBe(0)
    expect(pass.summary).toContain('max-size 1.6GiB (1,717,986,918 B)')
    expect(fail.exitCode).toBe(1)
    expect(errors(fail)[0]?.message).toBe(
      'Image 111 has 1.62 GB of files (1.51 GiB), above max-size 1.5GiB.'
    )
  })

  it('reports a failing verdict without failing the step when fail-on-threshold is false', async () => {
    const run = await gate({ 'max-size': '1GiB', 'fail-on-threshold': 'false' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('fail')
    expect(errors(run)).toEqual([])
    expect(warnings(run)).toEqual([
      expect.objectContaining({
        title: 'Image size limit exceeded (not enforced)',
        message:
          'Image 111 has 1.62 GB of files (1.51 GiB), above max-size 1GiB.'
      })
    ])
    expect(run.summary).toContain(
      '❌ HSS image size gate: fail (not enforced: fail-on-threshold is false)'
    )
  })
})

describe('file count limits', () => {
  it('passes when the count is below max-files', async () => {
    const run = await gate({ 'max-files': '30,000' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
    expect(run.summary).toMatch(
      /\| Files \| 25,000 \| max-files 30,000 \| 5,000 left \| ✅ pass \|/
    )
  })

  it('warns when the count is above warn-files', async () => {
    const run = await gate({ 'warn-files': '20_000', 'max-files': '30000' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('warn')
    expect(warnings(run).map((w) => w.message)).toEqual([
      'Image 111 has 25,000 files, above warn-files 20_000.'
    ])
  })

  it('fails when the count is above max-files', async () => {
    const run = await gate({ 'max-files': '24999' })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    expect(errors(run)[0]?.message).toBe(
      'Image 111 has 25,000 files, above max-files 24999.'
    )
  })

  it('passes a count exactly at the limit', async () => {
    const run = await gate({ 'max-files': '25,000', 'warn-files': '25000' })

    expect(run.exitCode).toBe(0)
    expect(run.outputs.status).toBe('pass')
  })

  it('names every breach and fails on the worst', async () => {
    const run = await gate({ 'warn-size': '1GB', 'max-files': '100' })

    expect(run.exitCode).toBe(1)
    expect(run.outputs.status).toBe('fail')
    expect(warnings(run).map((w) => w.message)).toEqual([
      'Image 111 has 1.62 GB of files (1.51 GiB), above warn-size 1GB.'
    ])
    expect(errors(run).at(-1)?.message).toBe(
      'Image 111 has 25,000 files, above max-files 100.'
    )
  })
})

describe('malformed limits', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['max-size', '-1GB', /expected a size such as/],
    ['max-size', '1e9', /expected a size such as/],
    [
      'max-size',
      '12XB',
      /B, kB, MB, GB, TB \(powers of 1000\) and KiB, MiB, GiB, TiB \(powers of 1024\)/
    ],
    ['warn-size', '1.5', /expected a size such as/],
    ['max-files', '1,00', /expected a whole number/],
    ['warn-files', '-5', /expected a whole number/],
    ['max-files', '2.5', /expected a whole number/],
    ['fail-on-threshold', 'sometimes', /expected true or false/]
  ]

  it.each(cases)(
    'rejects %s %p before any request',
    async (input, value, accepted) => {
      const run = await gate({ [input]: value })

      expect(run.exitCode).toBe(1)
      expect(hss.requests).toHaveLength(0)
      expect(errors(run)).toHaveLength(1)
      expect(errors(run)[0]?.message).toContain(
        `Input '${input}' has an invalid value ${JSON.stringify(value)}:`
      )
      expect(errors(run)[0]?.message).toMatch(accepted)
    }
  )

  it('rejects a warning tier above the failing one', async () => {
    const run = await gate({ 'warn-size': '2GB', 'max-size': '1GB' })

    expect(run.exitCode).toBe(1)
    expect(hss.requests).toHaveLength(0)
    expect(errors(run)[0]?.message).toBe(
      `Input 'warn-size' has an invalid value "2GB": expected a limit no larger than max-size (1GB), since a warning tier above the failing one would never be seen.`
    )
  })
})
