/**
 * One image's figures: wait for its CI/CD scan when asked to, then read its
 * file statistics. Knows HSS, not GitHub or the runner.
 */
import { sleep } from './concurrency.js'
import { ServiceError } from './errors.js'
import type { HuaweiClient, Logger } from './huawei/client.js'
import {
  getCicdScanState,
  getFileStatistics,
  SCAN_DONE,
  SCAN_FAILED,
  type HssTarget,
  type ImageQuery
} from './huawei/hss.js'
import type { Measurement } from './report/model.js'
import { formatDuration } from './units.js'

export interface MeasureOptions {
  client: HuaweiClient
  target: HssTarget
  /** Everything of the query but the id. */
  query: Omit<ImageQuery, 'imageId'>
  waitForScanMs: number
  log: Logger
  signal?: AbortSignal
}

/**
 * Poll intervals start at 2 s and grow by half each time, up to 9 s: a scan
 * that finishes is noticed within 10 s even when a poll's answer takes most
 * of a second, and HSS never sees more than one poll a second from a step.
 */
export const POLL_FIRST_MS = 2000
export const POLL_MAX_MS = 9000

export async function measureImage(
  options: MeasureOptions,
  imageId: string
): Promise<Measurement> {
  if (options.waitForScanMs > 0) await waitForScan(options, imageId)
  const stats = await getFileStatistics(options.client, options.target, {
    ...options.query,
    imageId
  })
  return {
    files: stats.totalFilesNum,
    size: stats.totalFilesSize,
    requestId: stats.requestId
  }
}

async function waitForScan(
  options: MeasureOptions,
  imageId: string
): Promise<void> {
  const { client, target, log, signal } = options
  const deadline = Date.now() + options.waitForScanMs
  let interval = POLL_FIRST_MS
  let polls = 0
  for (;;) {
    const polledAt = Date.now()
    const state = await getCicdScanState(
      client,
      target,
      imageId,
      options.query.enterpriseProjectId
    )
    polls++
    if (state.status === SCAN_DONE) {
      log.info(`Image ${imageId}: scan finished (after ${polls} poll(s)).`)
      return
    }
    if (SCAN_FAILED.includes(state.status)) {
      throw new ServiceError(
        `The HSS scan of image ${imageId} ended with status ${state.status}${state.failedCode ? ` (scan_failed_code ${state.failedCode})` : ''}, so it has no file statistics (request id ${state.requestId || 'none'}). Hint: re-run the scan in the pipeline; image_oversized means the image is above HSS's scan size limit.`,
        {
          operation: `waiting for the scan of image ${imageId}`,
          requestId: state.requestId
        }
      )
    }
    const left = deadline - Date.now()
    if (left <= 0) {
      throw new ServiceError(
        `The HSS scan of image ${imageId} did not finish within wait-for-scan (${formatDuration(options.waitForScanMs)}): the last status seen was ${state.status} after ${polls} poll(s). Hint: raise wait-for-scan, or check that the pipeline's scan is running.`,
        { operation: `waiting for the scan of image ${imageId}` }
      )
    }
    // Intervals count from the start of the previous poll, so a slow answer
    // does not stretch the gap past POLL_MAX_MS, and never fall below 1 s;
    // the last poll lands on the deadline (or 1 s after the one before).
    const nextAt =
      polledAt + Math.max(1000, Math.min(interval, deadline - polledAt))
    const wait = Math.max(0, nextAt - Date.now())
    log.debug(
      `Image ${imageId}: scan status ${state.status}; next poll in ${wait} ms`
    )
    try {
      await sleep(wait, signal)
    } catch (reason) {
      const why = reason instanceof Error ? reason.message : 'stopped'
      throw new ServiceError(
        `Stopped while waiting for the scan of image ${imageId} (last status ${state.status}): ${why}`,
        { operation: `waiting for the scan of image ${imageId}` }
      )
    }
    interval = Math.min(Math.round(interval * 1.5), POLL_MAX_MS)
  }
}
