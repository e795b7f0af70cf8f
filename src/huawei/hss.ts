import { ServiceError } from '../errors.js'
import type { HuaweiClient } from './client.js'
import { shorten } from './client.js'

export interface ImageQuery {
  imageId: string
  imageType: string
  /** Only sent for non-cicd types, where HSS needs them to find the image. */
  namespace?: string
  imageName?: string
  tagName?: string
  enterpriseProjectId?: string
}

export interface HssTarget {
  endpoint: string
  region: string
  projectId: string
}

export interface FileStatistics {
  totalFilesNum: number
  totalFilesSize: number
  requestId: string
}

function commonHeaders(target: HssTarget): Record<string, string> {
  // Both are documented as required and signed by the official SDKs.
  return { region: target.region, 'X-Project-Id': target.projectId }
}

/** GET /v5/{project_id}/image/{image_id}/files-statistics */
export async function getFileStatistics(
  client: HuaweiClient,
  target: HssTarget,
  image: ImageQuery
): Promise<FileStatistics> {
  const operation = `reading the file statistics of image ${image.imageId}`
  const query: Record<string, string> = { image_type: image.imageType }
  if (image.enterpriseProjectId) {
    query.enterprise_project_id = image.enterpriseProjectId
  }
  if (image.imageType !== 'cicd') {
    query.namespace = image.namespace ?? ''
    query.image_name = image.imageName ?? ''
    query.tag_name = image.tagName ?? ''
  }
  const response = await client.get({
    operation,
    service: 'HSS',
    baseUrl: target.endpoint,
    segments: [
      'v5',
      target.projectId,
      'image',
      image.imageId,
      'files-statistics'
    ],
    query,
    headers: commonHeaders(target)
  })
  const body = response.body
  const num = field(body, response.text, 'total_files_num')
  const size = field(body, response.text, 'total_files_size')
  const problem = num.problem ?? size.problem
  if (problem !== undefined) {
    // An absent figure is never read as 0: a gate must not pass on no data.
    const hint =
      (num.missing ?? size.missing)
        ? 'the scan may not have finished; see wait-for-scan.'
        : 'the figure cannot be judged; report it to Huawei Cloud with the request id.'
    throw new ServiceError(
      `HSS answered ${response.status} without usable figures while ${operation}: ${problem} (request id ${response.requestId || 'none'}). Body: ${shorten(response.text)}. Hint: ${hint}`,
      {
        operation,
        status: response.status,
        requestId: response.requestId
      }
    )
  }
  return {
    totalFilesNum: num.value as number,
    totalFilesSize: size.value as number,
    requestId: response.requestId
  }
}

function field(
  body: unknown,
  text: string,
  name: string
): { value?: number; problem?: string; missing?: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the body is not a JSON object' }
  }
  const value = (body as Record<string, unknown>)[name]
  if (value === undefined || value === null) {
    return { problem: `${name} is missing`, missing: true }
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return { value }
  }
  // Quoted as sent: JSON.parse has already rounded a number above 2^53.
  const sent =
    new RegExp(`"${name}"\\s*:\\s*(-?[0-9][0-9.eE+-]*)`).exec(text)?.[1] ??
    JSON.stringify(value)
  if (typeof value !== 'number') {
    return { problem: `${name} is ${sent}, not a number` }
  }
  if (!Number.isInteger(value)) {
    return { problem: `${name} is ${sent}, not a whole number` }
  }
  if (value < 0) {
    // The SDK models declare int32: a size past 2 GiB may wrap negative.
    return {
      problem: `${name} is ${sent}, a negative figure; HSS's models declare it a 32-bit integer, which wraps negative past 2,147,483,647`
    }
  }
  return {
    problem: `${name} is ${sent}, above ${Number.MAX_SAFE_INTEGER} (2^53 - 1), too large to be read exactly`
  }
}

export const SCAN_DONE = 'success'
export const SCAN_FAILED = ['failed', 'download_failed', 'image_oversized']

export interface ScanState {
  /** Undefined while HSS lists no CI/CD image with this id. */
  status?: string
  failedCode?: string
  requestId: string
}

/** GET /v5/{project_id}/image/cicd/images?image_id=... : the CI/CD scan state. */
export async function getCicdScanState(
  client: HuaweiClient,
  target: HssTarget,
  imageId: string,
  enterpriseProjectId?: string,
  /** Awaited before each attempt; see ApiRequest.pace. */
  pace?: () => Promise<void>
): Promise<ScanState> {
  const operation = `reading the scan status of CI/CD image ${imageId}`
  const query: Record<string, string> = {
    image_id: imageId,
    limit: '10',
    offset: '0'
  }
  if (enterpriseProjectId) query.enterprise_project_id = enterpriseProjectId
  const response = await client.get({
    operation,
    service: 'HSS',
    baseUrl: target.endpoint,
    segments: ['v5', target.projectId, 'image', 'cicd', 'images'],
    query,
    headers: commonHeaders(target),
    pace
  })
  const list = (response.body as { data_list?: unknown } | null)?.data_list
  const entry = Array.isArray(list)
    ? (list as Array<Record<string, unknown>>).find(
        (e) => e && e.image_id === imageId
      )
    : undefined
  if (!Array.isArray(list)) {
    throw new ServiceError(
      `HSS answered without an image list while ${operation} (request id ${response.requestId || 'none'}): ${shorten(JSON.stringify(response.body))}. Hint: check endpoint; the CI/CD image listing answers {"total_num", "data_list"}.`,
      { operation, status: response.status, requestId: response.requestId }
    )
  }
  // Not listed (yet): a pipeline's scan reports the image once it has
  // started, so the caller keeps waiting rather than giving up at once.
  if (!entry) return { requestId: response.requestId }
  if (typeof entry.scan_status !== 'string' || entry.scan_status === '') {
    throw new ServiceError(
      `HSS lists CI/CD image ${imageId} without a scan_status while ${operation} (request id ${response.requestId || 'none'}): ${shorten(JSON.stringify(entry))}.`,
      { operation, status: response.status, requestId: response.requestId }
    )
  }
  const code: unknown = entry.scan_failed_code
  return {
    status: entry.scan_status,
    failedCode:
      (typeof code === 'string' && code !== '') || typeof code === 'number'
        ? String(code)
        : undefined,
    requestId: response.requestId
  }
}
