/**
 * The size gate: figures and limits in, a verdict out. Pure: no I/O, no
 * clock, no environment.
 */
import { exceedsPercent, type Increase } from './units.js'

export type Status = 'pass' | 'warn' | 'fail'
export type Metric = 'size' | 'files'
export type Level = 'warn' | 'fail'

/** An absolute limit as the user wrote it and as parsed. */
export interface Limit {
  text: string
  value: number
}

/** A limit on growth over the baseline: an amount or a percentage. */
export interface IncreaseLimit {
  text: string
  increase: Increase
}

export interface Limits {
  maxSize?: Limit
  warnSize?: Limit
  maxFiles?: Limit
  warnFiles?: Limit
  maxSizeIncrease?: IncreaseLimit
  warnSizeIncrease?: IncreaseLimit
  maxFilesIncrease?: IncreaseLimit
  warnFilesIncrease?: IncreaseLimit
}

export interface Figures {
  files: number
  size: number
}

export interface Check {
  metric: Metric
  /** The input that set the limit, e.g. 'max-size'. */
  input: string
  level: Level
  kind: 'absolute' | 'increase'
  limitText: string
  /** The figure compared: the value, or its growth over the baseline. */
  actual: number
  /**
   * The largest figure that passes. For a percentage it is the exact
   * threshold rounded down for display; the comparison itself is exact.
   */
  allowed: number
  breached: boolean
  /** Why the check was not applied (then breached is false). */
  skipped?: string
}

export interface Judgement {
  status: Status
  checks: Check[]
}

const ORDER: Record<Status, number> = { pass: 0, warn: 1, fail: 2 }

export function worst(statuses: Iterable<Status>): Status {
  let result: Status = 'pass'
  for (const s of statuses) if (ORDER[s] > ORDER[result]) result = s
  return result
}

/** True when the verdict reaches the level named by comment-when. */
export function atLeast(status: Status, threshold: Status): boolean {
  return ORDER[status] >= ORDER[threshold]
}

const ABSOLUTE = [
  ['size', 'max-size', 'fail', 'maxSize'],
  ['size', 'warn-size', 'warn', 'warnSize'],
  ['files', 'max-files', 'fail', 'maxFiles'],
  ['files', 'warn-files', 'warn', 'warnFiles']
] as const

const INCREASE = [
  ['size', 'max-size-increase', 'fail', 'maxSizeIncrease'],
  ['size', 'warn-size-increase', 'warn', 'warnSizeIncrease'],
  ['files', 'max-files-increase', 'fail', 'maxFilesIncrease'],
  ['files', 'warn-files-increase', 'warn', 'warnFilesIncrease']
] as const

/**
 * "Above" is strictly greater: a figure equal to its limit passes. Growth
 * limits are judged only when a baseline was measured.
 */
export function judge(
  figures: Figures,
  limits: Limits,
  baseline?: Figures
): Judgement {
  const checks: Check[] = []
  for (const [metric, input, level, key] of ABSOLUTE) {
    const limit = limits[key]
    if (!limit) continue
    const actual = figures[metric]
    checks.push({
      metric,
      input,
      level,
      kind: 'absolute',
      limitText: limit.text,
      actual,
      allowed: limit.value,
      breached: actual > limit.value
    })
  }
  if (baseline) {
    for (const [metric, input, level, key] of INCREASE) {
      const limit = limits[key]
      if (!limit) continue
      checks.push(increaseCheck(metric, input, level, limit, figures, baseline))
    }
  }
  const status = worst(
    checks.filter((c) => c.breached).map((c): Status => c.level)
  )
  return { status, checks }
}

function increaseCheck(
  metric: Metric,
  input: string,
  level: Level,
  limit: IncreaseLimit,
  figures: Figures,
  baseline: Figures
): Check {
  const base = baseline[metric]
  const actual = figures[metric] - base
  const common = {
    metric,
    input,
    level,
    kind: 'increase' as const,
    limitText: limit.text,
    actual
  }
  const increase = limit.increase
  if (increase.kind === 'absolute') {
    return {
      ...common,
      allowed: increase.value,
      breached: actual > increase.value
    }
  }
  if (base === 0) {
    return {
      ...common,
      allowed: 0,
      breached: false,
      skipped: `the baseline's ${metric === 'size' ? 'size' : 'file count'} is 0, so a percentage of it means nothing; only absolute limits apply`
    }
  }
  const allowed = Number(
    (BigInt(base) * increase.numerator) / (increase.denominator * 100n)
  )
  return {
    ...common,
    allowed,
    breached: exceedsPercent(actual, base, increase)
  }
}
