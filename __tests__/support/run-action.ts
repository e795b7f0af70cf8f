/**
 * Runs the bundled action the way GitHub's runner does: `node dist/index.js`
 * in a child process, inputs as INPUT_* variables with action.yml's defaults
 * applied, fresh GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files, and a working
 * directory outside the repository.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { parse } from 'yaml'

import { findLeaks, type Leak } from './leaks.js'

export const REPO_ROOT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..'
)
export const ACTION_ENTRY = join(REPO_ROOT, 'dist', 'index.js')

/** The token the runner would put in `${{ github.token }}`. */
export const DEFAULT_GITHUB_TOKEN = 'ghs_testtoken000'

interface ActionYml {
  inputs: Record<string, { default?: string; required?: boolean }>
  outputs: Record<string, { description: string }>
}

let actionYml: ActionYml | undefined
export function readActionYml(): ActionYml {
  actionYml ??= parse(
    readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')
  ) as ActionYml
  return actionYml
}

export interface RunOptions {
  /** Inputs by their action.yml names; the rest take action.yml's defaults. */
  inputs?: Record<string, string>
  /** Extra environment (e.g. HUAWEI_CLOUD_REGION, HTTPS_PROXY). */
  env?: Record<string, string>
  event?: { name: string; payload?: unknown }
  /** GITHUB_API_URL, for the loopback GitHub server. */
  githubApiUrl?: string
  githubToken?: string
  debug?: boolean
  /** Kill the child after this long (a safety net, not an assertion). */
  killAfterMs?: number
  /**
   * More texts the user could see, read once the run is over (e.g. the
   * bodies of the comments it wrote), scanned for secrets with the rest.
   */
  alsoScan?: () => Record<string, string>
  /** More secrets to scan for, by name, besides the run's own credentials. */
  secrets?: Record<string, string>
  /**
   * Report leaks in `leaks` instead of failing. By default a run that shows
   * any form of a credential it was given throws, so that every end-to-end
   * test scans for secrets whether or not it asks.
   */
  allowLeaks?: boolean
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  title?: string
  message: string
}

export interface RunResult {
  exitCode: number | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
  annotations: Annotation[]
  durationMs: number
  /**
   * From the action's first output (it masks the credentials first thing)
   * to its exit: the duration without node's start-up and the bundle's
   * loading, which a loaded machine can stretch by seconds.
   */
  activeMs: number
  /** Values the action asked the runner to mask (::add-mask::). */
  masked: string[]
  /**
   * Everything the user could see, for secret scans. The runner consumes
   * ::add-mask:: lines and never shows them, so they are left out.
   */
  everything: string
  /** Credentials found in stdout, stderr, summary, outputs or `alsoScan`. */
  leaks: Leak[]
}

/** Inputs and environment variables that hold credentials. */
export const SECRET_INPUTS = [
  'access-key',
  'secret-key',
  'security-token',
  'auth-token',
  'github-token'
] as const
export const SECRET_ENV = [
  'HUAWEI_CLOUD_ACCESS_KEY_ID',
  'HUAWEI_CLOUD_SECRET_ACCESS_KEY',
  'HUAWEICLOUD_SDK_AK',
  'HUAWEICLOUD_SDK_SK',
  'HUAWEICLOUD_SDK_SECURITY_TOKEN',
  'CLOUD_SDK_AK',
  'CLOUD_SDK_SK'
] as const

/** Applies action.yml's defaults the way the runner does. */
export function inputEnv(
  inputs: Record<string, string>,
  githubToken: string
): Record<string, string> {
  const declared = readActionYml().inputs
  const env: Record<string, string> = {}
  for (const name of Object.keys(inputs)) {
    if (!(name in declared)) {
      throw new Error(`test uses input '${name}', not declared in action.yml`)
    }
  }
  for (const [name, spec] of Object.entries(declared)) {
    let value = inputs[name] ?? spec.default ?? ''
    value = value.replace(/\$\{\{\s*github\.token\s*\}\}/g, githubToken)
    // The runner keeps dashes and upper-cases the rest.
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return env
}

/** Parses the `name<<delimiter` blocks that @actions/core writes. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^<=]+)<<(.+)$/.exec(line)
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) {
        value.push(lines[i] ?? '')
      }
      outputs[name as string] = value.join('\n')
    } else if (line.includes('=')) {
      const at = line.indexOf('=')
      outputs[line.slice(0, at)] = line.slice(at + 1)
    }
  }
  return outputs
}

function parseAnnotations(stdout: string): Annotation[] {
  const found: Annotation[] = []
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)( [^:]*)?::(.*)$/.exec(line)
    if (!m) continue
    const title = /title=([^,]*)/.exec(m[2] ?? '')?.[1]
    found.push({
      level: m[1] as Annotation['level'],
      title: title ? unescapeProperty(title) : undefined,
      message: unescapeData(m[3] ?? '')
    })
  }
  return found
}

function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
}

function unescapeProperty(s: string): string {
  return unescapeData(s).replace(/%3A/g, ':').replace(/%2C/g, ',')
}

export async function runAction(options: RunOptions = {}): Promise<RunResult> {
  const work = mkdtempSync(join(tmpdir(), 'hss-gate-run-'))
  const outputPath = join(work, 'github_output')
  const summaryPath = join(work, 'step_summary')
  const eventPath = join(work, 'event.json')
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  writeFileSync(eventPath, JSON.stringify(options.event?.payload ?? {}))
  const githubToken = options.githubToken ?? DEFAULT_GITHUB_TOKEN

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: work,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_TEMP: work,
    RUNNER_OS: 'Linux',
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_STATE: join(work, 'github_state'),
    GITHUB_ENV: join(work, 'github_env'),
    GITHUB_EVENT_NAME: options.event?.name ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_RUN_ID: '1658821493',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: options.githubApiUrl ?? 'http://127.0.0.1:9',
    GITHUB_WORKFLOW: 'image-size',
    GITHUB_JOB: 'gate',
    GITHUB_ACTION: 'size',
    GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
    GITHUB_REF: 'refs/heads/main',
    ...(options.debug ? { RUNNER_DEBUG: '1', ACTIONS_STEP_DEBUG: 'true' } : {}),
    ...inputEnv(options.inputs ?? {}, githubToken),
    ...options.env
  }

  const started = Date.now()
  // ACTION_NODE runs the action on another Node.js (the runners' node24)
  // while jest itself stays on this one.
  const child = spawn(
    process.env.ACTION_NODE || process.execPath,
    [ACTION_ENTRY],
    {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  let stdout = ''
  let stderr = ''
  let firstOutput: number | undefined
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    firstOutput ??= Date.now()
    stdout += d
  })
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const killer = setTimeout(
    () => child.kill('SIGKILL'),
    options.killAfterMs ?? 60_000
  )
  const exitCode = await new Promise<number | null>((done) =>
    child.on('close', (code) => done(code))
  )
  clearTimeout(killer)
  const ended = Date.now()
  const durationMs = ended - started
  const activeMs = ended - (firstOutput ?? started)

  const outputs = parseOutputFile(readFileSync(outputPath, 'utf8'))
  const summary = readFileSync(summaryPath, 'utf8')
  rmSync(work, { recursive: true, force: true })

  // The runner consumes ::add-mask:: lines and never shows them.
  const shown = stdout.replace(/^::add-mask::.*$/gm, '')
  const secrets: Record<string, string> = { ...options.secrets }
  for (const name of SECRET_INPUTS) {
    const value = env[`INPUT_${name.toUpperCase()}`]?.trim()
    if (value) secrets[name] = value
  }
  for (const name of SECRET_ENV) {
    const value = env[name]?.trim()
    if (value) secrets[name] = value
  }
  const leaks = findLeaks(
    {
      stdout: shown,
      stderr,
      summary,
      outputs: JSON.stringify(outputs),
      ...options.alsoScan?.()
    },
    secrets
  )
  if (leaks.length > 0 && !options.allowLeaks) {
    // Names and places only: the message must not leak the value itself.
    throw new Error(
      `runAction: credentials leaked: ${leaks.map((l) => `${l.secret} (${l.form}) in ${l.where}`).join('; ')}`
    )
  }

  return {
    exitCode,
    stdout,
    stderr,
    outputs,
    summary,
    annotations: parseAnnotations(stdout),
    durationMs,
    activeMs,
    masked: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) =>
      unescapeData(m[1] ?? '')
    ),
    everything: [shown, stderr, summary, JSON.stringify(outputs)].join('\n'),
    leaks
  }
}

/** A fresh, unguessable-looking value for secrets in a test. */
export function fakeSecret(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`
}
