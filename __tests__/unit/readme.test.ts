/**
 * The README's YAML blocks are what users copy into their workflows: each
 * must be a whole workflow or a list of steps, and every use of this action
 * must name only inputs that action.yml declares, with every output it
 * reads declared too.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'

import { readActionYml, REPO_ROOT } from '../support/run-action.js'

const THIS_ACTION = 'hss-image-size-gate/hss-image-size-gate@v1'

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map(
  (m) => m[1] ?? ''
)

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}

/** The steps of a block: a workflow's jobs' steps, or the block itself. */
function stepsOf(doc: unknown): Step[] {
  if (Array.isArray(doc)) return doc as Step[]
  const jobs = (doc as { jobs?: Record<string, { steps?: Step[] }> }).jobs
  return Object.values(jobs ?? {}).flatMap((job) => job.steps ?? [])
}

describe('README YAML', () => {
  it('has blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(5)
  })

  /** What is wrong with a block as a workflow or a list of steps. */
  function shapeProblems(doc: unknown): string[] {
    if (Array.isArray(doc)) {
      return (doc as Step[])
        .filter((step) => step.uses === undefined && step.run === undefined)
        .map(() => 'a step with neither uses nor run')
    }
    const workflow = (doc ?? {}) as Record<string, unknown>
    return [
      ...(workflow.on === undefined ? ['a workflow without on'] : []),
      ...(stepsOf(doc).length === 0 ? ['a workflow without steps'] : [])
    ]
  }

  it.each(blocks.map((b, i) => [i + 1, b]))(
    'block %i is a whole workflow or a list of steps',
    (_n, block) => {
      expect(shapeProblems(parse(block as string))).toEqual([])
    }
  )

  it('gives this action only the inputs it declares, and every required one', () => {
    const { inputs } = readActionYml()
    const declared = Object.keys(inputs)
    const required = Object.entries(inputs)
      .filter(([, spec]) => (spec as { required?: boolean }).required)
      .map(([name]) => name)
    const uses = blocks
      .flatMap((block) => stepsOf(parse(block)))
      .filter((step) => step.uses === THIS_ACTION)

    expect(uses.length).toBeGreaterThan(5)
    for (const step of uses) {
      const given = Object.keys(step.with ?? {})
      expect(given.filter((name) => !declared.includes(name))).toEqual([])
      expect(required.filter((name) => !given.includes(name))).toEqual([])
    }
  })

  it("reads only outputs that action.yml declares from this action's steps", () => {
    const outputs = Object.keys(readActionYml().outputs)
    const read = blocks.flatMap((block) => {
      const ours = stepsOf(parse(block))
        .filter((step) => step.uses === THIS_ACTION && step.id)
        .map((step) => step.id)
      return [...block.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)]
        .filter((m) => ours.includes(m[1]))
        .map((m) => m[2] ?? '')
    })

    expect(read.length).toBeGreaterThan(0)
    expect(read.filter((name) => !outputs.includes(name))).toEqual([])
  })
})
