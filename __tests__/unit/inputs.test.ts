/**
 * The defaults readSettings falls back to for inputs given empty, against
 * the ones action.yml declares.
 */
import { afterEach, describe, expect, it } from '@jest/globals'

import { DEFAULTS, readSettings } from '../../src/inputs.js'
import { READ_SETTINGS_BASE, setInputs } from '../support/input-fuzz.js'
import { readActionYml } from '../support/run-action.js'

const saved = { ...process.env }

afterEach(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_')) delete process.env[name]
  }
  Object.assign(process.env, saved)
})

describe('defaults of inputs given empty', () => {
  it("are action.yml's own, for every input with a default but github-token", () => {
    const declared = Object.entries(readActionYml().inputs)
      .filter(([name, spec]) => spec.default && name !== 'github-token')
      .map(([name, spec]) => [name, spec.default])

    expect(Object.entries(DEFAULTS).sort()).toEqual(declared.sort())
  })

  it('give the same settings as the defaults themselves', () => {
    setInputs(READ_SETTINGS_BASE)
    const withDefaults = readSettings({})
    setInputs({
      ...READ_SETTINGS_BASE,
      ...Object.fromEntries(Object.keys(DEFAULTS).map((name) => [name, '']))
    })

    expect(readSettings({})).toEqual(withDefaults)
  })
})
