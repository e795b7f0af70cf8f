import * as core from '@actions/core'

import { mapSettled } from './concurrency.js'
import { InputError, ServiceError } from './errors.js'
import { judge, worst, type Status } from './gate.js'
import { HuaweiClient, type Logger } from './huawei/client.js'
import { resolveProjectId } from './huawei/iam.js'
import { maskCredentials, readSettings, type Settings } from './inputs.js'
import { measureImage, PollPacer, type MeasureOptions } from './measure.js'
import {
  annotate,
  coreLogger,
  postComment,
  writeOutputs,
  writeSummary
} from './publish.js'
import {
  limitTexts,
  SCHEMA_VERSION,
  type ImageResult,
  type Measurement,
  type RunReport
} from './report/model.js'
import { formatCount, formatDuration, formatSize } from './units.js'

const log: Logger = coreLogger

/**
 * The whole step, top to bottom: settings, project id, figures, verdict,
 * then what the user sees. The only top-level try/catch lives here.
 */
export async function run(): Promise<void> {
  try {
    // Before anything can log: every credential, from inputs or environment.
    maskCredentials()
    const settings = readSettings()

    // The timeout bounds the whole step. Measuring stops a little early so
    // that what was found (an error included) still reaches the comment
    // rather than leaving an earlier, stale verdict on the pull request.
    const timeout = formatDuration(settings.timeoutMs)
    const reserveMs = Math.min(15_000, Math.floor(settings.timeoutMs / 5))
    const measuring = deadline(
      settings.timeoutMs - reserveMs,
      `the step's timeout (${timeout}) ran out, less ${formatDuration(reserveMs)} kept for the report; raise the timeout input to allow more`
    )
    const step = deadline(
      settings.timeoutMs,
      `the step's timeout (${timeout}) ran out; raise the timeout input to allow more`
    )
    try {
      await gate(settings, measuring.signal, step.signal)
    } finally {
      measuring.clear()
      step.clear()
    }
  } catch (error) {
    core.setFailed(oneLine(error))
  }
}

function deadline(ms: number, why: string) {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(new Error(why)), ms)
  return { signal: controller.signal, clear: () => clearTimeout(timer) }
}

async function gate(
  settings: Settings,
  signal: AbortSignal,
  reportSignal: AbortSignal
): Promise<void> {
  const client = new HuaweiClient({
    auth: settings.auth,
    requestTimeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
    log,
    signal
  })

  // A project that cannot be found still ends in a report: every image is
  // marked unmeasured, so outputs, summary and comment never go stale.
  let projectId = settings.projectId
  let lookupFailure: unknown
  if (projectId === '') {
    try {
      projectId = (
        await resolveProjectId(client, settings.iamEndpoint, settings.region)
      ).projectId
      core.info(
        `Project of ${settings.region}: ${projectId} (found through IAM)`
      )
    } catch (error) {
      lookupFailure = error
    }
  }

  const images =
    lookupFailure === undefined
      ? await measureAll(settings, {
          client,
          target: {
            endpoint: settings.endpoint,
            region: settings.region,
            projectId
          },
          query: {
            imageType: settings.imageType,
            namespace: settings.namespace,
            imageName: settings.imageName,
            tagName: settings.tagName,
            enterpriseProjectId: settings.enterpriseProjectId
          },
          waitForScanMs: settings.waitForScanMs,
          polls: new PollPacer(),
          log,
          signal
        })
      : unmeasured(settings, oneLine(lookupFailure))

  const report = buildReport(settings, projectId, images)
  core.info(`Verdict: ${report.status}`)

  writeOutputs(report)
  if (settings.summary) await writeSummary(report)
  await postComment(report, settings, reportSignal)
  annotate(report, settings.summary)
}

/** Every image, when there is no project to look it up in. */
function unmeasured(settings: Settings, why: string): ImageResult[] {
  return settings.imageIds.map((imageId, i) => {
    const baselineId = settings.baselineIds[i]
    return {
      imageId,
      status: 'error',
      error: why,
      ...(baselineId ? { baseline: { imageId: baselineId, error: why } } : {})
    }
  })
}

/** Every image and baseline, each id queried once, `concurrency` at a time. */
async function measureAll(
  settings: Settings,
  options: MeasureOptions
): Promise<ImageResult[]> {
  const ids = [...new Set([...settings.imageIds, ...settings.baselineIds])]
  const settled = await mapSettled(ids, settings.concurrency, async (id) => {
    const figures = await measureImage(options, id)
    core.info(
      `Image ${id}: ${formatCount(figures.files)} files, ${formatSize(figures.size)}`
    )
    return figures
  })
  const byId = new Map<string, PromiseSettledResult<Measurement>>()
  ids.forEach((id, i) => byId.set(id, settled[i] as never))

  return settings.imageIds.map((imageId, i) => {
    const own = byId.get(imageId)
    const baselineId = settings.baselineIds[i]
    const base = baselineId ? byId.get(baselineId) : undefined
    const result: ImageResult = { imageId, status: 'pass' }
    if (own?.status === 'fulfilled') result.figures = own.value
    else result.error = oneLine(own?.status === 'rejected' ? own.reason : '')
    if (baselineId) {
      result.baseline =
        base?.status === 'fulfilled'
          ? { imageId: baselineId, figures: base.value }
          : {
              imageId: baselineId,
              error: oneLine(base?.status === 'rejected' ? base.reason : '')
            }
    }
    if (result.figures && (!baselineId || result.baseline?.figures)) {
      result.judgement = judge(
        result.figures,
        settings.limits,
        result.baseline?.figures
      )
      result.status = result.judgement.status
    } else {
      result.status = 'error'
      result.error ??= `its baseline ${baselineId} could not be measured: ${result.baseline?.error ?? ''}`
    }
    return result
  })
}

function buildReport(
  settings: Settings,
  projectId: string,
  images: ImageResult[]
): RunReport {
  // An image listed twice (with two baselines) is one image: counted once.
  const distinct = [...new Map(images.map((i) => [i.imageId, i])).values()]
  const files = distinct.reduce((n, i) => n + (i.figures?.files ?? 0), 0)
  const size = distinct.reduce((n, i) => n + (i.figures?.size ?? 0), 0)
  // Each figure is a safe integer; a sum past 2^53 would not be exact.
  const summable =
    images.every((i) => i.figures) &&
    Number.isSafeInteger(files) &&
    Number.isSafeInteger(size)
  const status: Status = worst(
    images.map((i): Status => (i.status === 'error' ? 'fail' : i.status))
  )
  return {
    schemaVersion: SCHEMA_VERSION,
    status,
    enforced: settings.failOnThreshold,
    query: {
      imageType: settings.imageType,
      ...(settings.imageType !== 'cicd'
        ? {
            namespace: settings.namespace,
            imageName: settings.imageName,
            tagName: settings.tagName
          }
        : {}),
      ...(settings.enterpriseProjectId
        ? { enterpriseProjectId: settings.enterpriseProjectId }
        : {}),
      region: settings.region,
      projectId
    },
    limits: limitTexts(settings.limits),
    images,
    totals: summable ? { files, size } : undefined
  }
}

/** Anything thrown, Error or not, as the one line setFailed shows. */
export function oneLine(error: unknown): string {
  const message =
    error instanceof InputError || error instanceof ServiceError
      ? error.message
      : error instanceof Error
        ? `${error.name}: ${error.message}`
        : String(error)
  return message.replace(/\s*[\r\n]+\s*/g, ' ').trim()
}
