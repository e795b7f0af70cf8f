/**
 * The sentences a reader acts on: one per breach, used in annotations, in
 * setFailed, in the summary and in the comment. Plain text, not Markdown.
 */
import type { Check, Level } from '../gate.js'
import { formatCount, formatSize, formatSizeShort } from '../units.js'
import type { ImageResult, RunReport } from './model.js'
import { deltas, percentChange } from './model.js'

/** What a reader is told about a run, in the order the images were given. */
export type Finding =
  | { kind: 'unmeasured'; sentence: string }
  | { kind: 'breach'; level: Level; sentence: string }
  | { kind: 'skipped'; sentence: string }

/**
 * Every finding of the run: one per distinct reason images could not be
 * measured (said at the first image it names), one per breached limit, one
 * per growth limit that could not be applied. The summary, the comment and
 * the annotations all read this one list.
 */
export function findings(report: RunReport): Finding[] {
  const unmeasured = errorSentences(report.images)
  return report.images.flatMap((image): Finding[] => {
    if (image.status === 'error') {
      const sentence = unmeasured.get(image)
      return sentence ? [{ kind: 'unmeasured', sentence }] : []
    }
    return (image.judgement?.checks ?? []).flatMap((check): Finding[] => {
      if (check.skipped) {
        return [{ kind: 'skipped', sentence: skipSentence(image, check) }]
      }
      if (!check.breached) return []
      const sentence = breachSentence(image, check)
      return [{ kind: 'breach', level: check.level, sentence }]
    })
  })
}

function signed(check: Check, value: number): string {
  const sign = value > 0 ? '+' : value < 0 ? '-' : ''
  const abs = Math.abs(value)
  return `${sign}${check.metric === 'size' ? formatSizeShort(abs) : formatCount(abs)}`
}

/** e.g. "Image 111 has 1.62 GB of files (1.51 GiB), above max-size 1.5 GB." */
export function breachSentence(image: ImageResult, check: Check): string {
  const id = image.imageId
  if (check.kind === 'absolute') {
    const what =
      check.metric === 'files'
        ? `${formatCount(check.actual)} files`
        : sizeOfFiles(check)
    return `Image ${id} has ${what}, above ${check.input} ${check.limitText}.`
  }
  const shown = check.metric === 'size' ? growthPercent(image, check) : null
  const pct = shown ? ` (${shown}%)` : ''
  const noun = check.metric === 'size' ? 'its size' : 'its file count'
  return `Image ${id} grew ${noun} by ${signed(check, check.actual)}${pct} over baseline ${image.baseline?.imageId ?? ''}, above ${check.input} ${check.limitText}.`
}

/**
 * Why a growth limit was not applied to an image, e.g. "Image app:
 * max-size-increase 1% was not applied: the baseline's size is 0, …".
 */
function skipSentence(image: ImageResult, check: Check): string {
  const baseline = image.baseline?.imageId ?? ''
  return `Image ${image.imageId}: ${check.input} ${check.limitText} was not applied against baseline ${baseline}: ${check.skipped ?? ''}.`
}

/**
 * The size growth as a percentage, with two decimals, or more (up to six)
 * when two would round a breach of a percentage limit down to the limit
 * itself: "+2.500004%", never "+2.50%, above 2.5%".
 */
function growthPercent(image: ImageResult, check: Check): string | null {
  const d = deltas(image)
  const now = image.figures?.size
  const then = image.baseline?.figures?.size
  if (!d?.sizePercent || now === undefined || then === undefined) return null
  const limit = /^\s*([\d.]+)\s*%\s*$/.exec(check.limitText)?.[1]
  if (limit === undefined) return d.sizePercent
  for (let decimals = 2; decimals <= 6; decimals++) {
    const text = percentChange(now, then, decimals)
    if (text !== null && Number(text) > Number(limit)) return text
  }
  return percentChange(now, then, 6)
}

/**
 * "1.62 GB of files (1.51 GiB)"; the bytes when two decimals would make a
 * size just above its limit read as the limit itself ("1.50 GB, above
 * max-size 1.5GB").
 */
function sizeOfFiles(check: Check): string {
  const short = formatSizeShort(check.actual)
  return short === formatSizeShort(check.allowed)
    ? `${formatCount(check.actual)} bytes of files (${short})`
    : `${short} of files (${binaryPart(check.actual)})`
}

function binaryPart(bytes: number): string {
  // formatSize gives "1.62 GB (1.51 GiB)"; the sentence wants the part in
  // parentheses on its own.
  const match = /\(([^)]*)\)$/.exec(formatSize(bytes))
  return match?.[1] ?? `${formatCount(bytes)} B`
}

/**
 * One sentence per distinct failure among the images that could not be
 * measured, keyed by the first image it names: a project that cannot be
 * found, or credentials refused, fail every image alike and are said once.
 */
function errorSentences(
  images: readonly ImageResult[]
): Map<ImageResult, string> {
  const groups = new Map<string, ImageResult[]>()
  for (const image of images) {
    if (image.status !== 'error') continue
    const why = image.error ?? 'unknown error'
    groups.set(why, [...(groups.get(why) ?? []), image])
  }
  const sentences = new Map<ImageResult, string>()
  for (const [why, group] of groups) {
    const ids = group.map((i) => i.imageId)
    const names =
      ids.length === 1
        ? `Image ${ids[0]}`
        : `Images ${ids.slice(0, -1).join(', ')} and ${ids.at(-1)}`
    sentences.set(
      group[0] as ImageResult,
      `${names} could not be measured: ${why}`
    )
  }
  return sentences
}
