import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import { escapeMarkdown } from '../../src/report/markdown.js'
import { percentChange } from '../../src/report/model.js'
import { previousStatus, renderComment } from '../../src/report/summary.js'
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

  it('has no percentage of an empty baseline', () => {
    expect(percentChange(5, 0)).toBeNull()
  })

  it('agrees with exact rational arithmetic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 1, max: 2 ** 40 }),
        (now, then) => {
          const text = percentChange(now, then) ?? ''
          const value = Number(text)
          const exact = ((now - then) * 100) / then
          expect(Math.abs(value - exact)).toBeLessThanOrEqual(0.005 + 1e-9)
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
