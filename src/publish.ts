/**
 * The reporting step: outputs, job summary, annotations, exit status and the
 * pull request comment. Writing the summary or the comment can fail without
 * changing the verdict, which comes from the figures alone.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

import * as core from '@actions/core'

import { ServiceError } from './errors.js'
import { atLeast, type Status } from './gate.js'
import type { Settings } from './inputs.js'
import { findings } from './report/messages.js'
import { deltas, toJson, type RunReport } from './report/model.js'
import {
  previousStatus,
  renderComment,
  renderSummary,
  type RenderContext
} from './report/summary.js'
import { formatSize } from './units.js'

/** The runner's log, for the rooms that take a logger instead of core. */
export const coreLogger = {
  debug: (message: string) => core.debug(message),
  info: (message: string) => core.info(message),
  warning: (message: string) => core.warning(message)
}

export function writeOutputs(report: RunReport): void {
  core.setOutput('status', report.status)
  const totals = report.totals
  core.setOutput('total-files-num', totals ? String(totals.files) : '')
  core.setOutput('total-files-size', totals ? String(totals.size) : '')
  core.setOutput(
    'total-files-size-human',
    totals ? formatSize(totals.size) : ''
  )
  const single = report.images.length === 1 ? report.images[0] : undefined
  const d = single ? deltas(single) : undefined
  core.setOutput('size-delta', d ? String(d.size) : '')
  core.setOutput('files-delta', d ? String(d.files) : '')
  core.setOutput('size-delta-percent', d?.sizePercent ?? '')
  core.setOutput('report', JSON.stringify(toJson(report)))
}

export async function writeSummary(report: RunReport): Promise<void> {
  try {
    await core.summary.addRaw(renderSummary(report, runContext())).write()
  } catch (error) {
    core.warning(
      `The job summary could not be written: ${error instanceof Error ? error.message : String(error)}`,
      { title: 'Job summary not written' }
    )
  }
}

/**
 * Warnings for warn verdicts and for fails that are not enforced; errors and
 * setFailed for enforced fails and for images that could not be measured
 * (a gate without figures must not pass, whatever fail-on-threshold says).
 */
export function annotate(report: RunReport, withSummary: boolean): void {
  const failures: string[] = []
  for (const finding of findings(report)) {
    const { sentence } = finding
    if (finding.kind === 'skipped') {
      core.notice(sentence, { title: 'Growth limit not applied' })
    } else if (finding.kind === 'unmeasured') {
      core.error(sentence, { title: 'Image not measured' })
      failures.push(sentence)
    } else if (finding.level === 'fail' && report.enforced) {
      core.error(sentence, { title: 'Image size limit exceeded' })
      failures.push(sentence)
    } else {
      core.warning(sentence, {
        title:
          finding.level === 'fail'
            ? 'Image size limit exceeded (not enforced)'
            : 'Image size warning'
      })
    }
  }
  if (failures.length > 0) {
    const where = withSummary ? 'the job summary' : 'the annotations'
    const more =
      failures.length > 1
        ? ` (and ${failures.length - 1} more; see ${where})`
        : ''
    core.setFailed(`${failures[0]}${more}`)
  }
}

interface PullRequestEvent {
  number?: number
  repository?: { full_name?: string }
  pull_request?: { number?: number; head?: { sha?: string } }
  workflow_run?: { head_sha?: string }
}

function readEvent(): PullRequestEvent {
  const path = process.env.GITHUB_EVENT_PATH
  if (!path) return {}
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as PullRequestEvent
  } catch {
    return {}
  }
}

function runContext(event: PullRequestEvent = readEvent()): RenderContext {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_SHA } =
    process.env
  return {
    runUrl:
      GITHUB_REPOSITORY && GITHUB_RUN_ID
        ? `${GITHUB_SERVER_URL || 'https://github.com'}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
        : undefined,
    // On pull_request events GITHUB_SHA is the merge commit, and on
    // workflow_run the default branch: the head is what was measured.
    sha:
      event.pull_request?.head?.sha ||
      event.workflow_run?.head_sha ||
      GITHUB_SHA ||
      undefined
  }
}

/**
 * The default comment key: one per workflow, job, step, place and set of
 * images (with their baselines), so matrix legs that differ in any of these,
 * and two steps of one job, keep separate comments. GITHUB_ACTION is the
 * step's id (or a name the runner derives from the action), the same on
 * every re-run. Matrix legs that differ only in their limits need
 * comment-key.
 */
export function defaultCommentKey(settings: Settings): string {
  const env = process.env
  const parts = [
    env.GITHUB_WORKFLOW ?? '',
    env.GITHUB_JOB ?? '',
    env.GITHUB_ACTION ?? '',
    settings.endpoint,
    settings.region,
    settings.projectId,
    settings.imageType,
    settings.namespace,
    settings.imageName,
    settings.tagName,
    ...settings.imageIds,
    '',
    ...settings.baselineIds
  ]
  return createHash('sha256')
    .update(parts.join('\n'))
    .digest('hex')
    .slice(0, 16)
}

export async function postComment(
  report: RunReport,
  settings: Settings,
  signal: AbortSignal
): Promise<void> {
  core.setOutput('comment-url', '')
  const { comment } = settings
  const eventName = process.env.GITHUB_EVENT_NAME ?? ''
  if (comment.mode === 'never') {
    core.debug('No pull request comment: comment is never.')
    return
  }
  const isPullRequestEvent =
    eventName === 'pull_request' || eventName === 'pull_request_target'
  if (comment.mode === 'auto' && !isPullRequestEvent) {
    const why = `No pull request comment: comment is auto and the event is ${eventName || 'unknown'}; comment: always with pr-number comments from other events.`
    // A pr-number given here was meant to be used: say so out loud.
    if (comment.prNumber !== undefined) {
      core.warning(why, { title: 'Pull request comment not written' })
    } else core.debug(why)
    return
  }
  const event = readEvent()
  const number =
    comment.prNumber ??
    (isPullRequestEvent
      ? (event.pull_request?.number ?? event.number)
      : undefined)
  if (number === undefined) {
    core.debug(
      `No pull request comment: the ${eventName || 'unknown'} event carries no pull request and pr-number is empty.`
    )
    return
  }
  const [owner, repo] = (
    process.env.GITHUB_REPOSITORY ||
    event.repository?.full_name ||
    ''
  ).split('/')
  if (!owner || !repo || !comment.token) {
    core.warning(
      `No pull request comment: ${!comment.token ? 'github-token is empty and GITHUB_TOKEN is not set' : 'GITHUB_REPOSITORY is not set and the event names no repository'}.`,
      { title: 'Pull request comment not written' }
    )
    return
  }
  const threshold: Status | 'always' = comment.when
  try {
    // Loaded here only: runs that write no comment never load Octokit.
    const { upsertStickyComment } = await import('./github/comment.js')
    const context = runContext(event)
    const result = await upsertStickyComment({
      token: comment.token,
      apiUrl: process.env.GITHUB_API_URL || 'https://api.github.com',
      owner,
      repo,
      issueNumber: number,
      key: comment.key || defaultCommentKey(settings),
      body: (previous) =>
        renderComment(report, {
          ...context,
          previousStatus: previous ? previousStatus(previous) : undefined
        }),
      createIfMissing:
        threshold === 'always' || atLeast(report.status, threshold),
      log: coreLogger,
      signal
    })
    core.setOutput('comment-url', result.url)
    if (result.action === 'skipped') {
      core.info(
        `No pull request comment: the verdict ${report.status} is below comment-when ${comment.when}.`
      )
    } else {
      core.info(`Pull request comment ${result.action}: ${result.url}`)
    }
  } catch (error) {
    // The gate's verdict never depends on the comment.
    const message =
      error instanceof ServiceError || error instanceof Error
        ? error.message
        : String(error)
    core.warning(`The pull request comment was not written: ${message}`, {
      title: 'Pull request comment not written'
    })
  }
}
