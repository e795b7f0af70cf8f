import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import { judge } from '../../src/gate.js'
import { escapeMarkdown } from '../../src/report/markdown.js'
import { breachSentence } from '../../src/report/messages.js'
import { percentChange, type ImageResult } from '../../src/report/model.js'
import { parseCount, parseIncrease, parseSize } from '../../src/units.js'
import {
  previousStatus,
  renderComment,
  renderSummary,
  SUMMARY_MAX_BYTES
} from '../../src/report/summary.js'
import type { RunReport } from '../../src/report/model.js'

function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    schemaVersion: 1,
    status: 'pass',
    enforced: true,
    query: { imageType: 'cicd', region: 'cn-north-4', projectId: 'p' },
    limits: {},
    images: [
      {
        imageId: '111',
        status: 'pass',
        figures: { files: 1, size: 1000, requestId: 'r' },
        judgement: { status: 'pass', checks: [] }
      }
    ],
    totals: { files: 1, size: 1000 },
    ...overrides
  }
}

describe('percentChange', () => {
  it('rounds half away from zero to two decimals, with a sign', () => {
    expect(percentChange(105, 100)).toBe('+5.00')
    expect(percentChange(100, 100)).toBe('0.00')
    expect(percentChange(80, 100)).toBe('-20.00')
    expect(percentChange(10_0005, 100_000)).toBe('+0.01')
    expect(percentChange(99_995, 100_000)).toBe('-0.01')
    expect(percentChange(1, 3)).toBe('-66.67')
  })

  it('gives more decimals when asked', () => {
    expect(percentChange(102_500_001, 100_000_000, 6)).toBe('+2.500001')
    expect(percentChange(3, 2, 0)).toBe('+50')
  })

  it('has no percentage of an empty baseline', () => {
    expect(percentChange(5, 0)).toBeNull()
  })

  it('agrees with exact rational arithmetic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (now, then) => {
          // In hundredths of a percent, exactly: |h·then − Δ·10⁴| ≤ then / 2.
          const text = percentChange(now, then) ?? ''
          const hundredths = BigInt(text.replace('.', '').replace('+', ''))
          const error = hundredths * BigInt(then) - BigInt(now - then) * 10_000n
          const abs = error < 0n ? -error : error
          expect(abs * 2n <= BigInt(then)).toBe(true)
        }
      )
    )
  })
})

describe('escapeMarkdown', () => {
  it('leaves no table break, HTML, mention or reference', () => {
    const out = escapeMarkdown(
      'a|b <script>alert(1)</script> @team #12 `x` [l](u)\nnext'
    )
    expect(out).not.toMatch(/[|<>\n]/)
    expect(out).not.toContain('@team')
    expect(out).not.toContain('#12')
    expect(out).toContain('&lt;script&gt;')
    expect(out).toContain('\\`x\\`')
    expect(out).toContain('\\[l\\](u)')
  })

  it('cuts long values', () => {
    expect(escapeMarkdown('x'.repeat(500), 10)).toBe(`${'x'.repeat(10)}…`)
  })
})

describe('renderComment', () => {
  it("names each image's baseline and a growth limit it could not apply", () => {
    const figures = { files: 10, size: 5000 }
    const empty = { files: 0, size: 0 }
    const limits = {
      maxSizeIncrease: {
        text: '2.5%',
        increase: parseIncrease('2.5%', parseSize)
      }
    }
    const body = renderComment(
      report({
        limits: { 'max-size-increase': '2.5%' },
        images: [
          {
            imageId: 'app',
            status: 'pass',
            figures: { ...figures, requestId: 'r' },
            baseline: { imageId: 'b0', figures: { ...empty, requestId: 'r' } },
            judgement: judge(figures, limits, empty)
          }
        ]
      })
    )

    expect(body).toContain(
      '| app | 10 | 5.00 kB (4.88 KiB) | b0 | 🔺 +5.00 kB, +10 files | ✅ pass |'
    )
    expect(body).toContain(
      "Image app: max-size-increase 2.5% was not applied against baseline b0: the baseline's size is 0"
    )
  })

  it('says the image is back within limits after a failing comment', () => {
    const body = renderComment(report(), { previousStatus: 'fail' })
    expect(body.split('\n')[0]).toBe(
      '### ✅ HSS image size gate: back within limits'
    )
    expect(body).toContain('it was fail before')
    expect(previousStatus(body)).toBe('pass')
  })

  it('keeps the plain headline after a passing comment', () => {
    const body = renderComment(report(), { previousStatus: 'pass' })
    expect(body.split('\n')[0]).toBe('### ✅ HSS image size gate: pass')
  })

  it('ends with the limits, the run link and the commit', () => {
    const body = renderComment(report({ limits: { 'max-size': '1GB' } }), {
      runUrl: 'https://github.com/o/r/actions/runs/1',
      sha: 'abc'
    })
    expect(body.trimEnd().split('\n').at(-1)).toBe(
      'Limits: max-size 1GB · [Workflow run](https://github.com/o/r/actions/runs/1) · commit abc'
    )
  })
})

describe('report sizes', () => {
  const many = (count: number): RunReport =>
    report({
      status: 'fail',
      limits: { 'max-size': '1B', 'max-files': '0' },
      images: Array.from({ length: count }, (_, i) => ({
        imageId: `${'<|>'.repeat(60)}-${i}`,
        status: 'fail' as const,
        figures: { files: 10 + i, size: 2_000 + i, requestId: 'r'.repeat(64) },
        judgement: {
          status: 'fail' as const,
          checks: [
            {
              metric: 'size' as const,
              input: 'max-size',
              level: 'fail' as const,
              kind: 'absolute' as const,
              limitText: '1B',
              actual: 2_000 + i,
              allowed: 1,
              breached: true
            }
          ]
        }
      }))
    })

  it("keeps the job summary well under GitHub's 1 MiB with thousands of images", () => {
    const summary = renderSummary(many(5000))
    expect(Buffer.byteLength(summary)).toBeLessThan(512 * 1024)
    expect(summary).toContain('4800 more image(s) are not shown here')
  })

  it('keeps the job summary under its byte budget when every character of every id is escaped', () => {
    const limits = {
      maxSize: { text: '1B', value: 1 },
      warnSize: { text: '1B', value: 1 },
      maxFiles: { text: '1', value: 1 },
      warnFiles: { text: '1', value: 1 },
      maxSizeIncrease: { text: '1%', increase: parseIncrease('1%', parseSize) },
      warnSizeIncrease: {
        text: '1B',
        increase: parseIncrease('1B', parseSize)
      },
      maxFilesIncrease: {
        text: '1%',
        increase: parseIncrease('1%', parseCount)
      },
      warnFilesIncrease: { text: '1', increase: parseIncrease('1', parseCount) }
    }
    const figures = { files: 1000, size: 5000 }
    const base = { files: 10, size: 50 }
    const worst = report({
      status: 'fail',
      images: Array.from({ length: 2000 }, (_, i) => ({
        imageId: `${'|'.repeat(250)}${i}`,
        status: 'fail' as const,
        figures: { ...figures, requestId: '|'.repeat(300) },
        baseline: {
          imageId: `${'@'.repeat(250)}${i}`,
          figures: { ...base, requestId: '|'.repeat(300) }
        },
        judgement: judge(figures, limits, base)
      }))
    })

    const summary = renderSummary(worst)

    expect(Buffer.byteLength(summary)).toBeLessThan(SUMMARY_MAX_BYTES + 4096)
    expect(summary).toMatch(
      /The details of \d+ more image\(s\) are left out to keep this summary under GitHub's size limit/
    )
  })

  it('keeps the comment under 65,536 characters with thousands of images, with a note', () => {
    const body = renderComment(many(5000), { sha: 'abc' })
    expect(body.length).toBeLessThan(65_536 - 200)
    expect(body).toMatch(/more image\(s\) are not shown to keep this comment/)
    expect(body).toContain('…and 4980 more; see the job summary.')
    expect(body.trimEnd().endsWith('commit abc')).toBe(true)
    // Deterministic: the same report is cut at the same place.
    expect(renderComment(many(5000), { sha: 'abc' })).toBe(body)
  })
})

describe('breachSentence', () => {
  function grown(now: number, then: number, limitText: string) {
    const figures = { files: 1, size: now }
    const baseline = { files: 1, size: then }
    const limits = {
      maxSizeIncrease: {
        text: limitText,
        increase: parseIncrease(limitText, parseSize)
      }
    }
    const image: ImageResult = {
      imageId: 'app',
      status: 'fail',
      figures: { ...figures, requestId: 'r' },
      baseline: { imageId: 'base', figures: { ...baseline, requestId: 'r' } },
      judgement: judge(figures, limits, baseline)
    }
    const [check] = image.judgement?.checks ?? []
    if (!check) throw new Error('no check')
    return { image, check }
  }

  it('never rounds a breach of a percentage down to the limit itself', () => {
    const { image, check } = grown(102_500_001, 100_000_000, '2.5%')

    expect(check.breached).toBe(true)
    expect(breachSentence(image, check)).toBe(
      'Image app grew its size by +2.50 MB (+2.500001%) over baseline base, above max-size-increase 2.5%.'
    )
  })

  it('keeps two decimals when they already show the breach', () => {
    const { image, check } = grown(110_000_000, 100_000_000, '5%')

    expect(breachSentence(image, check)).toContain('(+10.00%)')
  })

  function sized(size: number, limitText: string) {
    const figures = { files: 1, size }
    const judgement = judge(figures, {
      maxSize: { text: limitText, value: parseSize(limitText) }
    })
    const image: ImageResult = {
      imageId: 'app',
      status: judgement.status,
      figures: { ...figures, requestId: 'r' },
      judgement
    }
    const [check] = judgement.checks
    if (!check) throw new Error('no check')
    return { image, check }
  }

  it('shows the bytes when rounding would make a size read as its limit', () => {
    const { image, check } = sized(1_500_000_001, '1.5GB')

    expect(check.breached).toBe(true)
    expect(breachSentence(image, check)).toBe(
      'Image app has 1,500,000,001 bytes of files (1.50 GB), above max-size 1.5GB.'
    )
  })

  it('keeps the short form when the rounded size already shows the breach', () => {
    const { image, check } = sized(1_620_000_000, '1.5 GB')

    expect(breachSentence(image, check)).toBe(
      'Image app has 1.62 GB of files (1.51 GiB), above max-size 1.5 GB.'
    )
  })
})
