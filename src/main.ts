import * as core from '@actions/core'
export async function run(): Promise<void> {
  core.info('hello')
  if (process.env.X) {
    const gh = await import('@actions/github')
    core.info(String(typeof gh.getOctokit))
  }
}
