/**
 * Property tests over every input parser and over whole input sets read by
 * readSettings, the way the runner hands them over (INPUT_* variables):
 * every combination either gives fully validated Settings or throws an
 * InputError whose message is one line naming the input; never anything
 * else, and never a credential in the message.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'

import { InputError } from '../../src/errors.js'
import {
  parseEndpoint,
  splitList,
  readSettings,
  type Settings
} from '../../src/inputs.js'
import {
  parseCount,
  parseDuration,
  parseIncrease,
  parseSize,
  UnitError
} from '../../src/units.js'
import { SECRETS } from '../support/fault-scenarios.js'
import {
  anyText,
  fallbackEnvs,
  INPUT_ERROR,
  INPUT_NAMES,
  READ_SETTINGS_BASE,
  readSettingsSets,
  setInputs
} from '../support/input-fuzz.js'

const SECRET_VALUES = Object.values(SECRETS)
const RUNS = Number(process.env.PROPERTY_RUNS ?? 2000)
const DAY_MS = 24 * 3600 * 1000

const saved = { ...process.env }

afterEach(() => {
  for (const name of Object.keys(process.env)) {
    if (name.startsWith('INPUT_')) delete process.env[name]
  }
  Object.assign(process.env, saved)
})

function expectOneLineNamingAnInput(error: unknown): void {
  expect(error).toBeInstanceOf(InputError)
  const { message, input } = error as InputError
  expect(message).not.toMatch(/[\r\n]/)
  expect(INPUT_ERROR.exec(message)?.[1]).toBe(input)
  expect(INPUT_NAMES).toContain(input)
  for (const secret of SECRET_VALUES) expect(message).not.toContain(secret)
}

const LOOPBACK = /^(localhost|\[::1\]|127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/

function expectUsableEndpoint(endpoint: string): void {
  const url = new URL(endpoint)
  expect(
    url.protocol === 'https:' ||
      (url.protocol === 'http:' && LOOPBACK.test(url.hostname))
  ).toBe(true)
  expect(url.username + url.password + url.search + url.hash).toBe('')
}

const imageIdOk = (id: string) =>
  id !== '' &&
  id === id.trim() &&
  id.length <= 256 &&
  !/[/\\,\p{Cc}]/u.test(id) &&
  id !== '.' &&
  id !== '..'

const headerSafe = (value: string) => /^[\x21-\x7e]+$/.test(value)

/** Nothing half-validated can reach a request: every field is usable as is. */
function expectFullyValidated(settings: Settings): void {
  expect(settings.imageIds.length).toBeGreaterThan(0)
  expect(settings.imageIds.every(imageIdOk)).toBe(true)
  expect(settings.baselineIds.every(imageIdOk)).toBe(true)
  expect([0, settings.imageIds.length]).toContain(settings.baselineIds.length)
  for (const value of [
    settings.namespace,
    settings.imageName,
    settings.tagName
  ]) {
    expect(value.length).toBeLessThanOrEqual(256)
    expect(value).not.toMatch(/\p{Cc}/u)
  }
  if (settings.imageType !== 'cicd') {
    expect(
      settings.namespace && settings.imageName && settings.tagName
    ).not.toBe('')
  }
  expect(settings.region).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  expect(settings.projectId).toMatch(/^([A-Za-z0-9_-]{1,64})?$/)
  expect(settings.enterpriseProjectId).toMatch(/^([A-Za-z0-9_-]{1,64})?$/)
  expectUsableEndpoint(settings.endpoint)
  if (settings.projectId === '') expectUsableEndpoint(settings.iamEndpoint)
  if (settings.auth.kind === 'token') {
    expect(headerSafe(settings.auth.token)).toBe(true)
  } else {
    expect(headerSafe(settings.auth.accessKey)).toBe(true)
    expect(settings.auth.secretKey).not.toBe('')
    if (settings.auth.securityToken !== undefined) {
      expect(headerSafe(settings.auth.securityToken)).toBe(true)
    }
  }
  for (const ms of [settings.requestTimeoutMs, settings.timeoutMs]) {
    expect(Number.isSafeInteger(ms) && ms > 0 && ms <= DAY_MS).toBe(true)
  }
  expect(settings.waitForScanMs >= 0 && settings.waitForScanMs <= DAY_MS).toBe(
    true
  )
  expect(Number.isInteger(settings.maxRetries)).toBe(true)
  expect(settings.maxRetries >= 0 && settings.maxRetries <= 10).toBe(true)
  expect(settings.concurrency >= 1 && settings.concurrency <= 64).toBe(true)
  for (const limit of Object.values(settings.limits)) {
    if (limit === undefined) continue
    const value =
      'value' in limit
        ? limit.value
        : limit.increase.kind === 'absolute'
          ? limit.increase.value
          : 0
    expect(Number.isSafeInteger(value) && value >= 0).toBe(true)
  }
  const pr = settings.comment.prNumber
  if (pr !== undefined) expect(pr >= 1 && pr <= 9_999_999_999).toBe(true)
}

/** 'ok' for a safe, non-negative value or a one-line UnitError; else what happened. */
function outcomeOf(parse: (text: string) => unknown, text: string): string {
  let value: unknown
  try {
    value = parse(text)
  } catch (error) {
    return error instanceof UnitError && !/[\r\n]/.test(error.message)
      ? 'ok'
      : `threw ${String(error)}`
  }
  const increase = value as { kind?: string; value?: number }
  const number =
    typeof value === 'number'
      ? value
      : increase.kind === 'percent'
        ? 0
        : increase.value
  return Number.isSafeInteger(number) && (number ?? -1) >= 0
    ? 'ok'
    : `gave ${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`
}

/** The message of what `fn` throws, or a note that it threw nothing. */
function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  }
  return '(accepted)'
}

describe('readSettings over generated input sets', () => {
  it('returns fully validated settings or one line naming the input', () => {
    fc.assert(
      fc.property(readSettingsSets, fallbackEnvs, (inputs, env) => {
        setInputs(inputs)
        let settings: Settings
        try {
          settings = readSettings(env)
        } catch (error) {
          expectOneLineNamingAnInput(error)
          return
        }
        expectFullyValidated(settings)
      }),
      { numRuns: RUNS }
    )
  })

  it('accepts the base input set as it is', () => {
    setInputs(READ_SETTINGS_BASE)

    expect(readSettings({}).imageIds).toEqual(['111'])
  })
})

describe('each parser on any text', () => {
  const parsers: Array<[string, (text: string) => unknown]> = [
    ['parseSize', parseSize],
    ['parseCount', parseCount],
    ['parseDuration', parseDuration],
    ['parseIncrease (sizes)', (t) => parseIncrease(t, parseSize)],
    ['parseIncrease (counts)', (t) => parseIncrease(t, parseCount)]
  ]

  it.each(parsers)('%s returns a value or throws UnitError', (_name, parse) => {
    fc.assert(
      fc.property(anyText, (text) => {
        expect(outcomeOf(parse, text)).toBe('ok')
      }),
      { numRuns: RUNS }
    )
  })

  it('splitList gives trimmed, non-empty items without separators', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const items = splitList(text)
        for (const item of items) {
          expect(item).not.toBe('')
          expect(item).toBe(item.trim())
          expect(item).not.toMatch(/[,\n]/)
        }
      }),
      { numRuns: RUNS }
    )
  })

  it('parseEndpoint gives https or loopback http, or one line naming the input', () => {
    const urlish = fc.oneof(
      anyText,
      fc
        .tuple(
          fc.constantFrom('http', 'https', 'HTTPS', 'ftp', 'javascript', ''),
          fc.constantFrom('://', ':', ':///', '//'),
          fc.constantFrom(
            '',
            'user@',
            'user:pw@',
            '127.0.0.1',
            'localhost',
            '[::1]',
            '[::ffff:127.0.0.1]',
            '0x7f.1',
            'hss.example.com',
            '127.0.0.1.nip.io'
          ),
          fc.constantFrom('', ':8080', ':0', ':99999', ':x'),
          fc.constantFrom('', '/', '/v5', '/a b', '?q=1', '#f', '/..', '@x')
        )
        .map((parts) => parts.join(''))
    )
    fc.assert(
      fc.property(urlish, (text) => {
        let endpoint: string
        try {
          endpoint = parseEndpoint('endpoint', text)
        } catch (error) {
          expectOneLineNamingAnInput(error)
          return
        }
        expectUsableEndpoint(endpoint)
      }),
      { numRuns: RUNS }
    )
  })

  it('never quotes the password of an endpoint it refuses', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/)
    fc.assert(
      fc.property(
        password,
        fc.constantFrom('http://hss.example.com', 'https://h', 'ftp://h', 'h'),
        (pw, url) => {
          const withUser = url.replace(/^([a-z]+:\/\/)?/, `$1ci:${pw}@`)
          const message = refusal(() => parseEndpoint('endpoint', withUser))

          expect(message).toMatch(INPUT_ERROR)
          expect(message).not.toContain(pw)
        }
      ),
      { numRuns: 200 }
    )
  })
})
