/**
 * The run's results as one plain structure: the `report` output is this
 * object as JSON, and the summary and the comment are rendered from it.
 */
import type { Check, Figures, Judgement, Limits, Status } from '../gate.js'
import { formatSize } from '../units.js'

export const SCHEMA_VERSION = 1

export interface Measurement extends Figures {
  requestId: string
}

export interface ImageResult {
  imageId: string
  /** Absent when the image could not be measured (see error). */
  figures?: Measurement
  baseline?: {
    imageId: string
    figures?: Measurement
    error?: string
  }
  judgement?: Judgement
  /** 'error' when the image, or its baseline, could not be measured. */
  status: Status | 'error'
  error?: string
}

export interface Query {
  imageType: string
  namespace?: string
  imageName?: string
  tagName?: string
  enterpriseProjectId?: string
  region: string
  projectId: string
}

export interface RunReport {
  schemaVersion: number
  /** The overall verdict: the worst image's; an image not measured is a fail. */
  status: Status
  query: Query
  limits: Record<string, string>
  images: ImageResult[]
  /** Sums over the images; absent when one of them was not measured. */
  totals?: Figures
  /** Whether a fail verdict fails the step (fail-on-threshold). */
  enforced: boolean
}

/** The `report` output's shape, documented in the README. */
export interface ReportJson {
  schemaVersion: number
  status: Status
  enforced: boolean
  query: Query
  limits: Record<string, string>
  totals: { totalFilesNum: number; totalFilesSize: number } | null
  images: Array<{
    imageId: string
    status: Status | 'error'
    totalFilesNum: number | null
    totalFilesSize: number | null
    totalFilesSizeHuman: string | null
    requestId: string | null
    error?: string
    baseline?: {
      imageId: string
      totalFilesNum: number | null
      totalFilesSize: number | null
      error?: string
      sizeDelta: number | null
      filesDelta: number | null
      sizeDeltaPercent: string | null
    }
    checks: Check[]
    breaches: Check[]
  }>
}

/** Input name to the text the user wrote, for every limit that is set. */
export function limitTexts(limits: Limits): Record<string, string> {
  const names: Record<keyof Limits, string> = {
    maxSize: 'max-size',
    warnSize: 'warn-size',
    maxFiles: 'max-files',
    warnFiles: 'warn-files',
    maxSizeIncrease: 'max-size-increase',
    warnSizeIncrease: 'warn-size-increase',
    maxFilesIncrease: 'max-files-increase',
    warnFilesIncrease: 'warn-files-increase'
  }
  const texts: Record<string, string> = {}
  for (const key of Object.keys(names) as Array<keyof Limits>) {
    const limit = limits[key]
    if (limit) texts[names[key]] = limit.text
  }
  return texts
}

export interface Deltas {
  size: number
  files: number
  /** Two decimals, signed ('+5.25', '-0.10'); null when the baseline is 0. */
  sizePercent: string | null
}

export function deltas(image: ImageResult): Deltas | undefined {
  const now = image.figures
  const then = image.baseline?.figures
  if (!now || !then) return undefined
  return {
    size: now.size - then.size,
    files: now.files - then.files,
    sizePercent: percentChange(now.size, then.size)
  }
}

/**
 * Exact to `decimals` places (two by default; rounded half away from zero),
 * computed in BigInt.
 */
export function percentChange(
  now: number,
  then: number,
  decimals = 2
): string | null {
  if (then === 0) return null
  const unit = 10n ** BigInt(decimals)
  const delta = BigInt(now - then)
  const scaled = (delta * 200n * unit) / BigInt(then)
  const rounded = scaled >= 0n ? (scaled + 1n) / 2n : (scaled - 1n) / 2n
  const sign = rounded > 0n ? '+' : rounded < 0n ? '-' : ''
  const abs = rounded < 0n ? -rounded : rounded
  const whole = abs / unit
  const frac = (abs % unit).toString().padStart(decimals, '0')
  return `${sign}${whole}${decimals > 0 ? `.${frac}` : ''}`
}

export function toJson(report: RunReport): ReportJson {
  return {
    schemaVersion: report.schemaVersion,
    status: report.status,
    enforced: report.enforced,
    query: report.query,
    limits: report.limits,
    totals: report.totals
      ? {
          totalFilesNum: report.totals.files,
          totalFilesSize: report.totals.size
        }
      : null,
    images: report.images.map((image) => {
      const d = deltas(image)
      const checks = image.judgement?.checks ?? []
      return {
        imageId: image.imageId,
        status: image.status,
        totalFilesNum: image.figures?.files ?? null,
        totalFilesSize: image.figures?.size ?? null,
        totalFilesSizeHuman: image.figures
          ? formatSize(image.figures.size)
          : null,
        requestId: image.figures?.requestId ?? null,
        ...(image.error ? { error: image.error } : {}),
        ...(image.baseline
          ? {
              baseline: {
                imageId: image.baseline.imageId,
                totalFilesNum: image.baseline.figures?.files ?? null,
                totalFilesSize: image.baseline.figures?.size ?? null,
                ...(image.baseline.error
                  ? { error: image.baseline.error }
                  : {}),
                sizeDelta: d?.size ?? null,
                filesDelta: d?.files ?? null,
                sizeDeltaPercent: d?.sizePercent ?? null
              }
            }
          : {}),
        checks,
        breaches: checks.filter((c) => c.breached)
      }
    })
  }
}
