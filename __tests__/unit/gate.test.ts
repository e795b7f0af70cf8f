import { describe, expect, it } from '@jest/globals'

import { atLeast, judge, worst, type Limits } from '../../src/gate.js'
import { parseIncrease, parseSize } from '../../src/units.js'

const figures = { files: 25_000, size: 1_620_000_000 }

function limit(text: string) {
  return { text, value: parseSize(text) }
}

describe('judge', () => {
  it('passes with no limits and records no checks', () => {
    expect(judge(figures, {})).toEqual({ status: 'pass', checks: [] })
  })

  it('passes a figure equal to its limit: above means strictly greater', () => {
    const result = judge(figures, {
      maxSize: limit('1620000000'),
      maxFiles: { text: '25000', value: 25_000 }
    })
    expect(result.status).toBe('pass')
    expect(result.checks.map((c) => c.breached)).toEqual([false, false])
  })

  it('fails one byte above max-size', () => {
    const result = judge(figures, { maxSize: limit('1619999999') })
    expect(result.status).toBe('fail')
    expect(result.checks[0]).toMatchObject({
      input: 'max-size',
      level: 'fail',
      actual: 1_620_000_000,
      allowed: 1_619_999_999,
      breached: true
    })
  })

  it('takes the worst level when a warning and a failure are both breached', () => {
    const limits: Limits = {
      warnSize: limit('1GB'),
      maxFiles: { text: '10', value: 10 }
    }
    expect(judge(figures, limits).status).toBe('fail')
  })

  it('ignores growth limits without a baseline', () => {
    const limits: Limits = {
      maxSizeIncrease: { text: '1B', increase: parseIncrease('1B', parseSize) }
    }
    expect(judge(figures, limits).checks).toEqual([])
  })

  it('judges growth in percent exactly against the baseline', () => {
    const baseline = { files: 25_000, size: 1_000_000_000 }
    const at = (text: string) =>
      judge(
        { ...figures, size: 1_025_000_000 },
        { maxSizeIncrease: { text, increase: parseIncrease(text, parseSize) } },
        baseline
      )
    expect(at('2.5%').status).toBe('pass')
    expect(at('2.4999%').status).toBe('fail')
    expect(at('2.5%').checks[0]?.allowed).toBe(25_000_000)
  })

  it('skips a percentage of an empty baseline and says why', () => {
    const result = judge(
      figures,
      {
        maxSizeIncrease: {
          text: '5%',
          increase: parseIncrease('5%', parseSize)
        }
      },
      { files: 0, size: 0 }
    )
    expect(result.status).toBe('pass')
    expect(result.checks[0]?.skipped).toMatch(/baseline's size is 0/)
  })

  it('treats shrinkage as within any growth limit', () => {
    const result = judge(
      { files: 1, size: 1 },
      {
        maxFilesIncrease: {
          text: '0',
          increase: { kind: 'absolute', value: 0 }
        }
      },
      { files: 5, size: 5 }
    )
    expect(result.checks[0]).toMatchObject({ actual: -4, breached: false })
  })
})

describe('verdict order', () => {
  it('ranks fail above warn above pass', () => {
    expect(worst([])).toBe('pass')
    expect(worst(['pass', 'warn'])).toBe('warn')
    expect(worst(['warn', 'fail', 'pass'])).toBe('fail')
    expect(atLeast('warn', 'warn')).toBe(true)
    expect(atLeast('warn', 'fail')).toBe(false)
    expect(atLeast('fail', 'warn')).toBe(true)
  })
})
