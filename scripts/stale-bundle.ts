/**
 * Whether dist/ may be older than src/, for the scripts that measure the
 * bundle. File times say nothing in a fresh clone (git sets them as it
 * writes), so git is asked: a src/ that matches a commit is the one CI built
 * dist/ from; only files edited since are compared with the bundle's time.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { ACTION_ENTRY, REPO_ROOT } from '../__tests__/support/run-action.js'

/** A warning naming a src/ file edited after the last build, if any. */
export function staleBundleWarning(): string | undefined {
  if (!existsSync(ACTION_ENTRY)) {
    throw new Error(`${ACTION_ENTRY} is missing: run npm run build first`)
  }
  let changed: string[]
  try {
    changed = execFileSync(
      'git',
      ['status', '--porcelain', '--untracked-files=all', '--', 'src'],
      { cwd: REPO_ROOT, encoding: 'utf8' }
    )
      .split('\n')
      .map((line) => line.slice(3).trim())
      .filter((path) => path !== '' && existsSync(join(REPO_ROOT, path)))
  } catch {
    return undefined // Not a git checkout: nothing to compare with.
  }
  const built = statSync(ACTION_ENTRY).mtimeMs
  const newer = changed.find(
    (path) => statSync(join(REPO_ROOT, path)).mtimeMs > built
  )
  return newer
    ? `${newer} was edited after dist/index.js was built; run npm run build first, or the figures are of the old bundle`
    : undefined
}
