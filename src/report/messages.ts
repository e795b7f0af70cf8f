/**
 * The sentences a reader acts on: one per breach, used in annotations, in
 * setFailed, in the summary and in the comment. Plain text, not Markdown.
 */
import type { Check } from '../gate.js'
import { formatCount, formatSize, formatSizeShort } from '../units.js'
import type { ImageResult } from './model.js'
import { deltas } from './model.js'

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
      check.metric === 'size'
        ? `${formatSizeShort(check.actual)} of files (${binaryPart(check.actual)})`
        : `${formatCount(check.actual)} files`
    return `Image ${id} has ${what}, above ${check.input} ${check.limitText}.`
  }
  const d = deltas(image)
  const pct =
    check.metric === 'size' && d?.sizePercent ? ` (${d.sizePercent}%)` : ''
  const noun = check.metric === 'size' ? 'its size' : 'its file count'
  return `Image ${id} grew ${noun} by ${signed(check, check.actual)}${pct} over baseline ${image.baseline?.imageId ?? ''}, above ${check.input} ${check.limitText}.`
}

function binaryPart(bytes: number): string {
  // formatSize gives "1.62 GB (1.51 GiB)"; the sentence wants the part in
  // parentheses on its own.
  const match = /\(([^)]*)\)$/.exec(formatSize(bytes))
  return match?.[1] ?? `${formatCount(bytes)} B`
}

export function errorSentence(image: ImageResult): string {
  return `Image ${image.imageId} could not be measured: ${image.error ?? 'unknown error'}`
}
