/**
 * Region ids to HSS and IAM endpoints (../../shared/HSS-API.md, "Endpoints").
 * Pure: the caller passes the environment to regionEndpointOverride.
 */
import { InputError } from '../errors.js'

/** The regions whose endpoints this version knows, as HSS-API.md lists them. */
export const KNOWN_REGIONS: readonly string[] = Object.freeze([
  'cn-north-9',
  'cn-north-1',
  'cn-north-4',
  'cn-southwest-2',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-south-1',
  'cn-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'na-mexico-1',
  'af-south-1',
  'sa-brazil-1',
  'la-south-2',
  'cn-south-4',
  'la-north-2',
  'tr-west-1',
  'cn-north-2',
  'ap-southeast-4',
  'ae-ad-1',
  'me-east-1',
  'cn-east-5',
  'my-kualalumpur-1',
  'ru-moscow-1',
  'cn-north-12',
  'cn-southwest-3',
  'cn-north-11',
  'af-north-1',
  'ap-southeast-5',
  'eu-west-101'
])

// The one region served from Huawei Cloud Europe's own domain.
const EU_REGIONS: ReadonlySet<string> = new Set(['eu-west-101'])

const REGION_SHAPE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/

/** `https://hss.{region}.myhuaweicloud.com` (`.eu` for eu-west-101). */
export function hssEndpoint(region: string): string {
  return endpointOf('hss', region)
}

/** `https://iam.{region}.myhuaweicloud.com` (`.eu` for eu-west-101). */
export function iamEndpoint(region: string): string {
  return endpointOf('iam', region)
}

/**
 * The HSS endpoint the official SDKs would take from
 * `HUAWEICLOUD_SDK_REGION_HSS_<REGION>` (region upper-cased, '-' to '_'), or
 * undefined when it is unset or blank. The SDKs accept a comma-separated list
 * of a main endpoint and fall-backs; this action talks to one endpoint, so it
 * takes the first.
 */
export function regionEndpointOverride(
  region: string,
  env: Record<string, string | undefined>
): string | undefined {
  const name = `HUAWEICLOUD_SDK_REGION_HSS_${region.toUpperCase().replace(/-/g, '_')}`
  const first = env[name]?.split(',')[0]?.trim()
  return first ? first : undefined
}

function endpointOf(service: 'hss' | 'iam', region: string): string {
  if (!REGION_SHAPE.test(region)) {
    throw new InputError(
      'region',
      region,
      'expected a region id of lower-case letters, digits and dashes, ' +
        'such as cn-north-4'
    )
  }
  if (!KNOWN_REGIONS.includes(region)) {
    // New regions open faster than this action is released, so the message
    // says how to reach one without waiting for a new version.
    const way =
      service === 'hss'
        ? `set the 'endpoint' input to its HSS endpoint (such as ` +
          `https://hss.${region}.myhuaweicloud.com) and, if the project id ` +
          `is to be looked up, the 'iam-endpoint' input too`
        : // Only asked when 'endpoint' is given but the project id is not.
          `set 'project-id', or the 'iam-endpoint' input to its IAM ` +
          `endpoint (such as https://iam.${region}.myhuaweicloud.com)`
    throw new InputError(
      'region',
      region,
      `expected one of the regions this version knows (${KNOWN_REGIONS.join(', ')}); ` +
        `for a region it does not know yet, ${way}`
    )
  }
  const domain = EU_REGIONS.has(region)
    ? 'myhuaweicloud.eu'
    : 'myhuaweicloud.com'
  return `https://${service}.${region}.${domain}`
}
