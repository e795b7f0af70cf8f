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
  /** Shared by every image of the step; see PollPacer. */
  polls: PollPacer
  log: Logger
  signal?: AbortSignal
}

/**
 * Poll intervals start at 2 s and grow by half each time, up to 9 s: a scan
 * that finishes is noticed within 10 s even when a poll's answer takes most
 * of a second.
 */
export const POLL_FIRST_MS = 2000
export const POLL_MAX_MS = 9000
/** The shortest gap between two scan polls of the whole step. */
export const POLL_GAP_MS = 1000
/**
 * Polls are booked this much further apart: a poll that opens a new
 * connection reaches HSS a few milliseconds later than one that reuses a
 * kept-alive connection, and HSS must still see at most one a second.
 */
const POLL_MARGIN_MS = 50

/**
 * Spaces the scan polls of all the images a step waits for, so that HSS
 * never sees more than one a second from it, however many images wait at
 * once. With more than a few images waiting side by side (a high
 * concurrency), each one is therefore polled less often than its own
 * schedule asks, and a finished scan is noticed later.
 */
export class PollPacer {
  private next = 0

  /**
   * Asked when a poll is due, at `now`: the moment it may be sent, `now` or
   * the next free second. Asking only once due (never for a time ahead)
   * keeps the bookings in the clock's order, so a poll that is due is never
   * held behind one booked for later.
   */
  slot(now: number): number {
    const at = Math.max(now, this.next)
    this.next = at + POLL_GAP_MS + POLL_MARGIN_MS
    return at
  }
}

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

const NOT_LISTED = 'not listed by HSS yet'

async function waitForScan(
  options: MeasureOptions,
  imageId: string
): Promise<void> {
  const { client, target, log, polls: pacer, signal } = options
  const operation = `waiting for the scan of image ${imageId}`
  const deadline = Date.now() + options.waitForScanMs
  let interval = POLL_FIRST_MS
  let polls = 0
  let last = NOT_LISTED
  let wanted = Date.now()
  for (;;) {
    await pause(wanted - Date.now(), operation, last, signal)
    // Every attempt of a poll, a retry after a 503 included, takes a slot
    // of the step's pacer: retries count towards one poll a second too.
    let polledAt = 0
    const pace = async () => {
      await pause(pacer.slot(Date.now()) - Date.now(), operation, last, signal)
      polledAt ||= Date.now()
    }
    const state = await getCicdScanState(
      client,
      target,
      imageId,
      options.query.enterpriseProjectId,
      pace
    )
    polls++
    last = state.status ?? NOT_LISTED
    if (state.status === SCAN_DONE) {
      log.info(`Image ${imageId}: scan finished (after ${polls} poll(s)).`)
      return
    }
    if (state.status !== undefined && SCAN_FAILED.includes(state.status)) {
      throw new ServiceError(
        `The HSS scan of image ${imageId} ended with status ${state.status}${state.failedCode ? ` (scan_failed_code ${state.failedCode})` : ''}, so it has no file statistics (request id ${state.requestId || 'none'}). Hint: re-run the scan in the pipeline; image_oversized means the image is above HSS's scan size limit.`,
        { operation, requestId: state.requestId }
      )
    }
    if (deadline - Date.now() <= 0) {
      const hint =
        state.status === undefined
          ? 'check image-id, region and project-id, and that the pipeline scanned the image into this project.'
          : "raise wait-for-scan, or check that the pipeline's scan is running."
      throw new ServiceError(
        `The HSS scan of image ${imageId} did not finish within wait-for-scan (${formatDuration(options.waitForScanMs)}): the last status seen was ${last} after ${polls} poll(s). Hint: ${hint}`,
        { operation }
      )
    }
    // Intervals count from the start of the previous poll, so a slow answer
    // does not stretch the gap past POLL_MAX_MS, and never fall below 1 s;
    // the last poll lands on the deadline (or 1 s after the one before).
    // Other images' polls may push it later still (PollPacer).
    wanted =
      polledAt + Math.max(POLL_GAP_MS, Math.min(interval, deadline - polledAt))
    log.debug(
      `Image ${imageId}: scan status ${last}; next poll in ${Math.max(0, wanted - Date.now())} ms or later`
    )
    interval = Math.min(Math.round(interval * 1.5), POLL_MAX_MS)
  }
}

async function pause(
  ms: number,
  operation: string,
  last: string,
  signal: AbortSignal | undefined
): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return
  try {
    await sleep(Math.max(0, ms), signal)
  } catch (reason) {
    const why = reason instanceof Error ? reason.message : 'stopped'
    throw new ServiceError(
      `Stopped while ${operation} (last status ${last}): ${why}`,
      { operation }
    )
  }
}
