/**
 * The job summary and the pull request comment as Markdown strings. Pure:
 * everything they show comes in through the report and the context.
 */
import type { Check } from '../gate.js'
import { formatCount, formatSize, formatSizeShort } from '../units.js'
import { escapeMarkdown as esc, ICON, table } from './markdown.js'
import { findings } from './messages.js'
import type { ImageResult, RunReport } from './model.js'
import { deltas } from './model.js'

export interface RenderContext {
  /** Link to the workflow run, when known. */
  runUrl?: string
  /** The commit the figures were measured for. */
  sha?: string
}

const TITLE = 'HSS image size gate'

/**
 * GitHub refuses a job summary above 1 MiB and a comment above 65,536
 * characters. Rows beyond these counts are left out, with a note, long
 * before either limit can be reached (a row is well under 2 kB).
 */
export const SUMMARY_MAX_IMAGES = 200
export const SUMMARY_MAX_SENTENCES = 100
/**
 * Hostile ids (every character escaped to an entity) can make the rows far
 * longer than usual; per-image details stop before the summary passes this,
 * well inside GitHub's 1 MiB.
 */
export const SUMMARY_MAX_BYTES = 768 * 1024
export const COMMENT_MAX_CHARS = 60_000
export const COMMENT_MAX_SENTENCES = 20

export function verdictHeadline(report: RunReport): string {
  const icon = ICON[report.status]
  const enforced =
    report.status === 'fail' && !report.enforced
      ? ' (not enforced: fail-on-threshold is false)'
      : ''
  return `${icon} ${TITLE}: ${report.status}${enforced}`
}

/** Images not measured and limits breached, escaped. */
function verdictText(report: RunReport): string[] {
  return findings(report)
    .filter((f) => f.kind !== 'skipped')
    .map((f) => esc(f.sentence, 600))
}

/** Growth limits that could not be applied (a baseline of zero), escaped. */
function skipNotes(report: RunReport): string[] {
  return findings(report)
    .filter((f) => f.kind === 'skipped')
    .map((f) => esc(f.sentence, 600))
}

function statusCell(status: ImageResult['status']): string {
  return `${ICON[status]} ${status}`
}

function sizeCell(bytes: number | undefined): string {
  return bytes === undefined ? '—' : formatSize(bytes)
}

function countCell(n: number | undefined): string {
  return n === undefined ? '—' : formatCount(n)
}

function deltaCell(image: ImageResult): string {
  const d = deltas(image)
  if (!image.baseline) return ''
  if (!d) return 'baseline not measured'
  const pct = d.sizePercent === null ? '' : ` (${d.sizePercent}%)`
  return `${trend(d.size)} ${signedSize(d.size)}${pct}, ${signedCount(d.files)} files`
}

/** A marker for growth and shrinkage that reads the same in both themes. */
function trend(delta: number): string {
  return delta > 0 ? '🔺' : delta < 0 ? '🔻' : '➖'
}

function signedSize(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatSizeShort(Math.abs(n))}`
}

function signedCount(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${formatCount(Math.abs(n))}`
}

function checkRow(check: Check): string[] {
  const figure =
    check.kind === 'absolute'
      ? check.metric === 'size'
        ? 'Size'
        : 'Files'
      : check.metric === 'size'
        ? 'Size growth'
        : 'Files growth'
  const increase = check.kind === 'increase'
  // Sizes exact and human; counts are exact as they are.
  const show = (n: number) =>
    check.metric === 'size'
      ? increase
        ? `${signedSize(n)} (${signedCount(n)} B)`
        : `${formatSizeShort(n)} (${formatCount(n)} B)`
      : increase
        ? signedCount(n)
        : formatCount(n)
  const comesTo = limitComesTo(check)
  const limit = `${check.input} ${esc(check.limitText)}${comesTo ? ` (${comesTo})` : ''}`
  if (check.skipped) {
    return [figure, show(check.actual), limit, esc(check.skipped), '➖ skipped']
  }
  const margin = check.allowed - check.actual
  const marginText =
    margin >= 0
      ? `${plain(check, margin)} left`
      : `**${plain(check, -margin)} over**`
  const verdict = check.breached ? statusCell(check.level) : statusCell('pass')
  return [figure, show(check.actual), limit, marginText, verdict]
}

/**
 * What a limit comes to, unless it was typed as that very number: the amount
 * for a percentage, the bytes for a size with a unit.
 */
function limitComesTo(check: Check): string {
  if (check.skipped) return ''
  const typed = check.limitText.replace(/[\s,_]/g, '')
  const size = check.metric === 'size'
  if (typed.endsWith('%')) {
    return size
      ? `${signedSize(check.allowed)}, ${signedCount(check.allowed)} B`
      : signedCount(check.allowed)
  }
  if (typed === String(check.allowed)) return ''
  return size ? `${formatCount(check.allowed)} B` : formatCount(check.allowed)
}

function plain(check: Check, n: number): string {
  return check.metric === 'size' ? formatSizeShort(n) : formatCount(n)
}

function imagesTable(images: ImageResult[], withBaseline: boolean): string {
  const header = ['Image', 'Files', 'Size', 'Verdict']
  if (withBaseline) header.splice(3, 0, 'Baseline', 'Change vs baseline')
  const rows = images.map((image) => {
    const row = [
      esc(image.imageId, 100),
      countCell(image.figures?.files),
      sizeCell(image.figures?.size),
      statusCell(image.status)
    ]
    if (withBaseline) {
      const baseline = image.baseline
      row.splice(
        3,
        0,
        baseline ? esc(baseline.imageId, 100) : '',
        deltaCell(image)
      )
    }
    return row
  })
  return table(header, rows)
}

function queryLine(report: RunReport): string {
  const q = report.query
  const parts = [
    `image type ${esc(q.imageType)}`,
    `region ${esc(q.region)}`,
    `project ${esc(q.projectId)}`
  ]
  if (q.namespace) {
    parts.push(
      `image ${esc(q.namespace)}/${esc(q.imageName ?? '')}:${esc(q.tagName ?? '')}`
    )
  }
  if (q.enterpriseProjectId) {
    parts.push(`enterprise project ${esc(q.enterpriseProjectId)}`)
  }
  return `Queried ${parts.join(', ')}. Sizes are the total file size HSS reports, taken to be bytes; kB, MB, GB are powers of 1000, KiB, MiB, GiB powers of 1024.`
}

export function renderSummary(
  report: RunReport,
  context: RenderContext = {}
): string {
  const parts: string[] = [`## ${verdictHeadline(report)}`]
  const sentences = verdictText(report)
  if (sentences.length > 0) {
    const more = sentences.length - SUMMARY_MAX_SENTENCES
    parts.push(
      [
        ...sentences.slice(0, SUMMARY_MAX_SENTENCES),
        ...(more > 0
          ? [`…and ${more} more; the report output lists every breach.`]
          : [])
      ].join('\n\n')
    )
  } else if (Object.keys(report.limits).length === 0) {
    parts.push('No limits are set: the figures are reported only.')
  } else parts.push('Every image is within its limits.')
  const notes = skipNotes(report)
  if (notes.length > 0) {
    parts.push(notes.slice(0, SUMMARY_MAX_SENTENCES).join('\n\n'))
  }

  const shown = report.images.slice(0, SUMMARY_MAX_IMAGES)
  const withBaseline = report.images.some((i) => i.baseline)
  parts.push(imagesTable(shown, withBaseline))
  if (report.images.length > shown.length) {
    parts.push(
      `${report.images.length - shown.length} more image(s) are not shown here; the report output holds them all.`
    )
  }
  if (report.totals && report.images.length > 1) {
    parts.push(
      `Total: ${formatCount(report.totals.files)} files, ${formatSize(report.totals.size)}.`
    )
  }

  let size = Buffer.byteLength(parts.join('\n\n'))
  let detailed = 0
  for (const image of shown) {
    const checks = image.judgement?.checks ?? []
    const details: string[] = []
    if (image.figures) {
      details.push(
        `Files: **${formatCount(image.figures.files)}**; size: **${formatCount(image.figures.size)} bytes**, ${formatSize(image.figures.size)}; request id ${esc(image.figures.requestId || 'none')}.`
      )
    }
    if (image.baseline) {
      const b = image.baseline.figures
      details.push(
        b
          ? `Baseline ${esc(image.baseline.imageId, 100)}: ${formatCount(b.files)} files, ${formatSize(b.size)}.`
          : `Baseline ${esc(image.baseline.imageId, 100)}: not measured (${esc(image.baseline.error ?? 'unknown error', 400)}).`
      )
    }
    if (checks.length > 0) {
      details.push(
        table(
          ['Figure', 'Value', 'Limit', 'Margin', 'Verdict'],
          checks.map(checkRow)
        )
      )
    }
    if (details.length > 0) {
      const section = `### ${ICON[image.status]} Image ${esc(image.imageId, 100)}\n\n${details.join('\n\n')}`
      size += Buffer.byteLength(section) + 2
      if (size > SUMMARY_MAX_BYTES) break
      parts.push(section)
    }
    detailed++
  }
  if (detailed < shown.length) {
    parts.push(
      `The details of ${shown.length - detailed} more image(s) are left out to keep this summary under GitHub's size limit; the report output holds them all.`
    )
  }

  parts.push(queryLine(report))
  const footer: string[] = []
  if (context.sha) footer.push(`Measured for commit ${esc(context.sha)}`)
  if (context.runUrl) footer.push(`[workflow run](${context.runUrl})`)
  if (footer.length > 0) parts.push(`${footer.join(' · ')}.`)
  return `${parts.join('\n\n')}\n`
}

export function renderComment(
  report: RunReport,
  context: RenderContext & { previousStatus?: string } = {}
): string {
  const backWithin =
    report.status === 'pass' &&
    (context.previousStatus === 'warn' || context.previousStatus === 'fail')
  const head = backWithin
    ? `### ${ICON.pass} ${TITLE}: back within limits`
    : `### ${verdictHeadline(report)}`
  // The status travels in a hidden line so the next run can tell that the
  // image is back within limits.
  const parts: string[] = [head, `<!-- status: ${report.status} -->`]
  const sentences = verdictText(report)
  if (backWithin) {
    parts.push(
      `The image is back within its limits (it was ${context.previousStatus} before).`
    )
  }
  // The sentences are capped so that the figures, the limits, the run link
  // and the commit always fit; the job summary lists every breach.
  if (sentences.length > 0) {
    const kept = sentences.slice(0, COMMENT_MAX_SENTENCES)
    const more = sentences.length - kept.length
    parts.push(
      [
        ...kept,
        ...(more > 0 ? [`…and ${more} more; see the job summary.`] : [])
      ].join('\n')
    )
  }
  const notes = skipNotes(report)
  if (notes.length > 0) {
    parts.push(notes.slice(0, COMMENT_MAX_SENTENCES).join('\n'))
  }

  const footer: string[] = []
  if (Object.keys(report.limits).length > 0) {
    footer.push(
      `Limits: ${Object.entries(report.limits)
        .map(([name, text]) => `${name} ${esc(text)}`)
        .join(' · ')}`
    )
  }
  if (context.runUrl) footer.push(`[Workflow run](${context.runUrl})`)
  if (context.sha) footer.push(`commit ${esc(context.sha)}`)
  const tail = footer.join(' · ')

  // Rows are added while they fit, so the cut is deterministic and the note
  // says how many were left out.
  const withBaseline = report.images.some((i) => i.baseline)
  const fixed = parts.join('\n\n').length + tail.length + 400
  let shown = report.images.length
  let body = imagesTable(report.images, withBaseline)
  while (fixed + body.length > COMMENT_MAX_CHARS && shown > 1) {
    shown = Math.max(1, Math.floor(shown * 0.9))
    body = imagesTable(report.images.slice(0, shown), withBaseline)
  }
  parts.push(body)
  if (shown < report.images.length) {
    parts.push(
      `_${report.images.length - shown} more image(s) are not shown to keep this comment under GitHub's size limit; the job summary and the report output hold them all._`
    )
  }
  const text = parts.join('\n\n')
  // A last guard that should not fire with the caps above: cut at a line
  // boundary, say so, and keep the footer.
  const room = COMMENT_MAX_CHARS - tail.length - 100
  const fitted =
    text.length > room
      ? `${text.slice(0, text.lastIndexOf('\n', room))}\n\n_Truncated to stay under GitHub's comment size limit._`
      : text
  return tail ? `${fitted}\n\n${tail}` : fitted
}

/** The status a previous comment recorded, to tell "back within limits". */
export function previousStatus(body: string): string | undefined {
  return /<!-- status: (pass|warn|fail) -->/.exec(body)?.[1]
}
