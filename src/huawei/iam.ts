import { ServiceError } from '../errors.js'
import type { HuaweiClient } from './client.js'
import { shorten } from './client.js'

interface Project {
  id: string
  name: string
}

/**
 * Finds the project named like the region through GET /v3/auth/projects,
 * which lists the projects the caller may use and needs no IAM policy (unlike
 * GET /v3/projects, which a least-privilege CI user may not be allowed).
 */
export async function resolveProjectId(
  client: HuaweiClient,
  iamEndpoint: string,
  region: string
): Promise<{ projectId: string; requestId: string }> {
  const operation = `looking up the project of region ${region} in IAM`
  const response = await client.get({
    operation,
    service: 'IAM',
    baseUrl: iamEndpoint,
    segments: ['v3', 'auth', 'projects']
  })
  const raw = (response.body as { projects?: unknown } | null)?.projects
  if (!Array.isArray(raw)) {
    throw new ServiceError(
      `IAM answered without a project list while ${operation} (request id ${response.requestId || 'none'}): ${shorten(JSON.stringify(response.body))}`,
      { operation, status: response.status, requestId: response.requestId }
    )
  }
  const projects: Project[] = raw
    .filter(
      (p): p is Project =>
        typeof p === 'object' &&
        p !== null &&
        typeof (p as Project).id === 'string' &&
        typeof (p as Project).name === 'string'
    )
    .map((p) => ({ id: p.id, name: p.name }))
  const matches = projects.filter((p) => p.name === region)
  if (matches.length === 1 && matches[0]) {
    return { projectId: matches[0].id, requestId: response.requestId }
  }
  const listed =
    projects.length === 0
      ? 'none'
      : projects.map((p) => `${p.name} (${p.id})`).join(', ')
  const problem =
    matches.length === 0
      ? `no project is named ${region}`
      : `${matches.length} projects are named ${region}`
  throw new ServiceError(
    `IAM lists ${projects.length} project(s) and ${problem}: ${listed} (request id ${response.requestId || 'none'}). Hint: set project-id to the id of the project to use.`,
    { operation, status: response.status, requestId: response.requestId }
  )
}
