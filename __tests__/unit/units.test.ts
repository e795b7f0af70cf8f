import fc from 'fast-check'
import { InputError } from '../../src/errors.js'
import {
  UnitError,
  exceedsPercent,
  formatCount,
  formatDuration,
  formatPercent,
  formatSize,
  formatSizeExact,
  formatSizeShort,
  parseCount,
  parseDuration,
  parseIncrease,
  parseSize,
  type Increase
} from '../../src/units.js'

const MAX = Number.MAX_SAFE_INTEGER

// The unit values typed out independently of src/units.ts, so that a wrong
// power or base there cannot be mirrored here.
const SIZE_UNITS: Record<string, bigint> = {
  b: 1n,
  kb: 1_000n,
  mb: 1_000_000n,
  gb: 1_000_000_000n,
  tb: 1_000_000_000_000n,
  kib: 1_024n,
  mib: 1_048_576n,
  gib: 1_073_741_824n,
  tib: 1_099_511_627_776n
}
const DURATION_UNITS: Record<string, bigint> = {
  h: 3_600_000n,
  m: 60_000n,
  s: 1_000n,
  ms: 1n
}
const DAY_MS = 86_400_000

/**
 * What a parser did with a text, in a form `toEqual` can compare: the value,
 * or which kind of UnitError. Any other exception escapes and fails the test.
 */
type Outcome =
  { value: number } | { rejected: 'form' | 'fraction' | 'range' | 'other' }

function outcome(parse: () => number): Outcome {
  try {
    return { value: parse() }
  } catch (error) {
    if (!(error instanceof UnitError)) throw error
    return { rejected: kindOf(error.message) }
  }
}

function kindOf(message: string): 'form' | 'fraction' | 'range' | 'other' {
  if (message.startsWith('expected ')) return 'form'
  if (/which is not a whole number of/.test(message)) return 'fraction'
  if (/^it exceeds /.test(message)) return 'range'
  return 'other'
}

function messageOf(parse: () => unknown): string {
  try {
    parse()
  } catch (error) {
    if (error instanceof UnitError) return error.message
    throw error
  }
  throw new Error('expected a UnitError, but the value was accepted')
}

const digits = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(...'0123456789'),
    minLength: min,
    maxLength: max
  })

/** Short numbers most of the time, so that most values are in range. */
const wholeDigits = fc.oneof(
  { weight: 4, arbitrary: digits(1, 4) },
  { weight: 1, arbitrary: digits(1, 22) }
)

const garbage = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom(...'0123456789.,_ +-eExXkKmMgGtTiIbBsh%') })
)

/**
 * Characters that are never part of a valid size, count or duration, wherever
 * they are put (so no whitespace: at either end it would be trimmed).
 */
const stray = fc.constantFrom(
  '+',
  '-',
  'e',
  'x',
  '%',
  '/',
  '\u0663', // ARABIC-INDIC DIGIT THREE: \d must mean ASCII digits only
  '\uff11', // FULLWIDTH DIGIT ONE
  '\u212a' // KELVIN SIGN, which lower-cases to an ASCII k
)

function insertAt(text: string, index: number, char: string): string {
  const at = index % (text.length + 1)
  return text.slice(0, at) + char + text.slice(at)
}

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['1234', 1234],
    ['007', 7],
    ['1B', 1],
    ['1b', 1],
    ['1MB', 1_000_000],
    ['1MiB', 1_048_576],
    ['1 MB', 1_000_000],
    ['1kB', 1000],
    ['1KB', 1000],
    ['1kb', 1000],
    ['1Kb', 1000],
    ['1KiB', 1024],
    ['1kib', 1024],
    ['1KIB', 1024],
    ['1mib', 1_048_576],
    ['1.5GB', 1_500_000_000],
    ['1.5GiB', 1_610_612_736],
    ['1.1GB', 1_100_000_000],
    ['0.5KiB', 512],
    ['1.0B', 1],
    ['1.000kB', 1000],
    ['2TB', 2_000_000_000_000],
    ['2 TiB', 2_199_023_255_552],
    ['0.001kB', 1],
    ['  500 MiB\n', 524_288_000],
    ['9007199254740991', MAX],
    ['9007199254740991B', MAX],
    ['9007.199254740991TB', MAX]
  ])('reads %p as %p bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it.each([
    '',
    '   ',
    'MB',
    '-1',
    '-1MB',
    '+1',
    '+1MB',
    '1e9',
    '1E3kB',
    '0x10',
    '1.2.3MB',
    '1,000',
    '1_000',
    '1,5MB',
    '.5MB',
    '1.MB',
    '1.5',
    '12XB',
    '1PB',
    '1 PiB',
    '1Mb/s',
    '1  MB',
    '1\tMB',
    '1\u00a0MB',
    '1 constructor',
    '1 __proto__',
    'Infinity',
    'NaN',
    '\uff11MB'
  ])('rejects %p with the list of accepted forms', (text) => {
    expect(outcome(() => parseSize(text))).toEqual({ rejected: 'form' })
  })

  it('tells which forms and units it accepts', () => {
    expect(messageOf(() => parseSize('12XB'))).toBe(
      'expected a size such as 1048576 (bytes), 1.5GB or 500 MiB; the units ' +
        'are B, kB, MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB ' +
        '(powers of 1024)'
    )
  })

  it('reads well after the name and value of the input', () => {
    const message = messageOf(() => parseSize('12XB'))

    expect(new InputError('max-size', '12XB', message).message).toBe(
      `Input 'max-size' has an invalid value "12XB": ${message}`
    )
  })

  it.each([
    ['1.5B', 1],
    ['1.0001kB', 1000],
    ['0.1KiB', 102],
    ['1.2GiB', 1_288_490_188],
    ['1.3 gib', 1_395_864_371],
    ['1.1MiB', 1_153_433]
  ])('rounds %p down to the whole byte, %p', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes)
  })

  it('judges every whole figure as the exact value of a fractional size would', () => {
    const fractional = fc.record({
      // At most 999TiB: well inside the largest size supported.
      whole: digits(1, 3),
      fraction: digits(1, 6),
      unit: fc.constantFrom('kB', 'MB', 'GB', 'KiB', 'MiB', 'GiB', 'TiB')
    })

    fc.assert(
      fc.property(fractional, fc.bigInt(-3n, 3n), (t, offset) => {
        const limit = parseSize(`${t.whole}.${t.fraction}${t.unit}`)
        const tenths = 10n ** BigInt(t.fraction.length)
        const exact =
          BigInt(t.whole + t.fraction) *
          (SIZE_UNITS[t.unit.toLowerCase()] ?? 0n)
        // Figures around the limit: the exact value / tenths, plus a little.
        const figure = exact / tenths + offset
        if (figure < 0n) return
        expect(figure > BigInt(limit)).toBe(figure * tenths > exact)
      }),
      { numRuns: 2000 }
    )
  })

  it.each([
    '9007199254740992',
    '9007.199254740992TB',
    '8193TiB',
    '99999999999999999999999999'
  ])('rejects %p as beyond the largest safe integer', (text) => {
    expect(outcome(() => parseSize(text))).toEqual({ rejected: 'range' })
  })

  it('names the largest size it supports', () => {
    expect(messageOf(() => parseSize('10000TB'))).toBe(
      'it exceeds 9007199254740991 bytes (9.01 PB), the largest size ' +
        `supported; ${messageOf(() => parseSize('nonsense'))}`
    )
  })

  it('reads any well-formed size as what its unit defines, to the byte below, or rejects it', () => {
    const unitNames = Object.keys(SIZE_UNITS)
    const sizeText = fc.record({
      whole: wholeDigits,
      fraction: fc.option(digits(1, 12), { nil: undefined }),
      space: fc.boolean(),
      unit: fc.option(fc.mixedCase(fc.constantFrom(...unitNames)), {
        nil: undefined
      }),
      before: fc.constantFrom('', ' ', '\t', '\n'),
      after: fc.constantFrom('', ' ', '\r\n')
    })

    fc.assert(
      fc.property(sizeText, (t) => {
        const number =
          t.fraction === undefined ? t.whole : `${t.whole}.${t.fraction}`
        const unit =
          t.unit === undefined ? '' : `${t.space ? ' ' : ''}${t.unit}`
        const text = `${t.before}${number}${unit}${t.after}`

        expect(outcome(() => parseSize(text))).toEqual(expectedSize(t))
      }),
      { numRuns: 2000 }
    )
  })

  it('rejects a size with a sign, exponent, separator or non-ASCII character anywhere in it', () => {
    const valid = fc
      .tuple(
        digits(1, 6),
        fc.option(digits(1, 3), { nil: undefined }),
        fc.constantFrom('', 'B', ' kB', 'MiB', 'gib')
      )
      .map(([w, f, u]) =>
        f === undefined ? `${w}${u}` : `${w}.${f}${u || 'kB'}`
      )

    fc.assert(
      fc.property(valid, fc.nat(), stray, (text, index, char) => {
        expect(outcome(() => parseSize(insertAt(text, index, char)))).toEqual({
          rejected: 'form'
        })
      }),
      { numRuns: 1000 }
    )
  })

  it('either reads arbitrary text as a safe byte count or throws a UnitError', () => {
    fc.assert(
      fc.property(garbage, (text) => {
        const result = outcome(() => parseSize(text))
        const accepted = 'value' in result ? result.value : 0

        expect(result).not.toEqual({ rejected: 'other' })
        expect(Number.isSafeInteger(accepted) && accepted >= 0).toBe(true)
        expect(parseSize(formatSizeExact(accepted))).toBe(accepted)
      }),
      { numRuns: 3000 }
    )
  })
})

/** What parseSize must do, worked out from the parts of the text. */
function expectedSize(t: {
  whole: string
  fraction?: string
  unit?: string
}): Outcome {
  if (t.unit === undefined && t.fraction !== undefined) {
    return { rejected: 'form' }
  }
  const factor = SIZE_UNITS[(t.unit ?? 'b').toLowerCase()] ?? 0n
  const fraction = t.fraction ?? ''
  const tenths = 10n ** BigInt(fraction.length)
  const scaled = (BigInt(t.whole) * tenths + BigInt(fraction || '0')) * factor

  // Rounded down: see the test of whole figures against fractional sizes.
  if (scaled / tenths > BigInt(MAX)) return { rejected: 'range' }
  return { value: Number(scaled / tenths) }
}

describe('parseCount', () => {
  it.each([
    ['0', 0],
    ['10000', 10_000],
    ['1,000', 1000],
    ['1_000_000', 1_000_000],
    ['12,345,678', 12_345_678],
    ['999', 999],
    ['  42 ', 42],
    ['007', 7],
    ['9,007,199,254,740,991', MAX]
  ])('reads %p as %p', (text, count) => {
    expect(parseCount(text)).toBe(count)
  })

  it.each([
    '',
    '1,00',
    ',100',
    '100,',
    '1__000',
    '1,,000',
    '1,000_000',
    '1000,000',
    '0,000',
    '1 000',
    '1.000',
    '1.5',
    '-1',
    '+1',
    '1e3',
    '0x10',
    'ten',
    '\u0663'
  ])('rejects %p with the list of accepted forms', (text) => {
    expect(outcome(() => parseCount(text))).toEqual({ rejected: 'form' })
  })

  it('explains where separators may go', () => {
    expect(messageOf(() => parseCount('1,00'))).toBe(
      'expected a whole number such as 25000, 25,000 or 25_000 (with a ' +
        'separator between every group of three digits, or none)'
    )
  })

  it('names the largest count it supports', () => {
    expect(messageOf(() => parseCount('9007199254740992'))).toBe(
      'it exceeds 9,007,199,254,740,991, the largest count supported; ' +
        messageOf(() => parseCount('nonsense'))
    )
  })

  it('reads a number written with or without separators as that number', () => {
    const written = fc.record({
      n: fc.oneof(fc.bigInt(0n, 10n ** 6n), fc.bigInt(0n, 10n ** 20n)),
      separator: fc.constantFrom('', ',', '_'),
      zeros: fc.constantFrom('', '0', '00')
    })

    fc.assert(
      fc.property(written, ({ n, separator, zeros }) => {
        const text = separator === '' ? zeros + String(n) : group(n, separator)
        const expected =
          n > BigInt(MAX) ? { rejected: 'range' } : { value: Number(n) }

        expect(outcome(() => parseCount(text))).toEqual(expected)
      }),
      { numRuns: 2000 }
    )
  })

  it('accepts separators only in proper groups of three', () => {
    const text = fc.string({
      unit: fc.constantFrom(...'0123456789,_'),
      minLength: 1,
      maxLength: 12
    })

    fc.assert(
      fc.property(text, (t) => {
        const expected = properlyGrouped(t)
          ? { value: Number(t.replace(/[,_]/g, '')) }
          : { rejected: 'form' }

        expect(outcome(() => parseCount(t))).toEqual(expected)
      }),
      { numRuns: 3000 }
    )
  })

  it('rejects a count with a sign, exponent or non-ASCII character anywhere in it', () => {
    const valid = fc
      .tuple(fc.bigInt(0n, 10n ** 12n), fc.constantFrom('', ',', '_'))
      .map(([n, separator]) => group(n, separator))

    fc.assert(
      fc.property(valid, fc.nat(), stray, (text, index, char) => {
        expect(outcome(() => parseCount(insertAt(text, index, char)))).toEqual({
          rejected: 'form'
        })
      }),
      { numRuns: 1000 }
    )
  })

  it('either reads arbitrary text as a safe count or throws a UnitError', () => {
    fc.assert(
      fc.property(garbage, (text) => {
        const result = outcome(() => parseCount(text))
        const accepted = 'value' in result ? result.value : 0

        expect(result).not.toEqual({ rejected: 'other' })
        expect(Number.isSafeInteger(accepted) && accepted >= 0).toBe(true)
      }),
      { numRuns: 3000 }
    )
  })
})

/** Groups of three from the right, written without a regular expression. */
function group(n: bigint, separator: string): string {
  const text = String(n)
  const groups: string[] = []
  for (let end = text.length; end > 0; end -= 3) {
    groups.unshift(text.slice(Math.max(0, end - 3), end))
  }
  return groups.join(separator)
}

/**
 * The grouping rule, stated by splitting rather than by pattern: one kind of
 * separator, a first group of one to three digits not starting with 0, then
 * groups of exactly three.
 */
function properlyGrouped(text: string): boolean {
  const hasComma = text.includes(',')
  const hasUnderscore = text.includes('_')
  if (hasComma && hasUnderscore) return false
  if (!hasComma && !hasUnderscore) return text.length > 0

  const [first = '', ...rest] = text.split(hasComma ? ',' : '_')
  return (
    first.length >= 1 &&
    first.length <= 3 &&
    !first.startsWith('0') &&
    rest.every((g) => g.length === 3)
  )
}

describe('parseIncrease', () => {
  it.each([
    ['5%', 5n, 1n],
    ['2.5%', 5n, 2n],
    ['0.125 %', 1n, 8n],
    ['0%', 0n, 1n],
    ['100%', 100n, 1n],
    ['150%', 150n, 1n],
    [' 10% ', 10n, 1n],
    ['2.50%', 5n, 2n],
    ['33.333%', 33_333n, 1000n]
  ])('reads %p as the percentage %p/%p, in lowest terms', (text, num, den) => {
    expect(parseIncrease(text, parseSize)).toEqual({
      kind: 'percent',
      text: text.trim(),
      numerator: num,
      denominator: den
    })
  })

  it('keeps the percentage, so the share of the baseline is a hundredth of it', () => {
    const { numerator, denominator } = percentOf(
      parseIncrease('2.5%', parseSize)
    )

    expect((1000n * numerator) / (denominator * 100n)).toBe(25n)
    expect(formatPercent(numerator, denominator)).toBe('2.5%')
  })

  it.each([
    ['1.5MB', parseSize, 1_500_000],
    ['100', parseSize, 100],
    ['1,000', parseCount, 1000]
  ])('reads %p as an absolute amount', (text, absolute, value) => {
    expect(parseIncrease(text, absolute)).toEqual({ kind: 'absolute', value })
  })

  it.each(['-5%', '5%%', '%', '5 %%', '.5%', '5,0%', '1e2%', '5  %', 'five%'])(
    'rejects %p as a malformed percentage',
    (text) => {
      expect(messageOf(() => parseIncrease(text, parseSize))).toBe(
        'expected a percentage such as 5% or 2.5%'
      )
    }
  )

  it('offers percentages alongside the absolute forms', () => {
    expect(messageOf(() => parseIncrease('lots', parseCount))).toBe(
      'expected a percentage such as 5% or 2.5%, or a whole number such as ' +
        '25000, 25,000 or 25_000 (with a separator between every group of ' +
        'three digits, or none)'
    )
  })

  it('passes on why a well-formed absolute amount is unusable', () => {
    expect(messageOf(() => parseIncrease('10000TB', parseSize))).toBe(
      messageOf(() => parseSize('10000TB'))
    )
  })

  it('lets errors other than UnitError through untouched', () => {
    const boom = new TypeError('boom')

    expect(() =>
      parseIncrease('12', () => {
        throw boom
      })
    ).toThrow(boom)
  })
})

describe('exceedsPercent', () => {
  const pct = (text: string) => percentOf(parseIncrease(text, parseSize))

  it.each([
    [50, 1000, '5%', false],
    [51, 1000, '5%', true],
    [49, 1000, '5%', false],
    [25, 1000, '2.5%', false],
    [26, 1000, '2.5%', true],
    [1, 1000, '0.125%', false],
    [2, 1000, '0.125%', true],
    [0, 0, '5%', false],
    [1, 0, '5%', true],
    [0, 1000, '0%', false],
    [1, 1000, '0%', true],
    [-100, 1000, '5%', false],
    [MAX, MAX, '100%', false],
    [MAX, MAX - 1, '100%', true]
  ])(
    'treats a growth of %p on %p against %p as exceeding: %p',
    (delta, base, text, exceeds) => {
      expect(exceedsPercent(delta, base, pct(text))).toBe(exceeds)
    }
  )

  it('agrees with cross-multiplying the digits of the percentage', () => {
    const percentText = fc.tuple(digits(1, 4), digits(0, 6))

    fc.assert(
      fc.property(
        fc.maxSafeInteger(),
        fc.maxSafeNat(),
        percentText,
        (delta, base, [whole, fraction]) => {
          const text = fraction === '' ? `${whole}%` : `${whole}.${fraction}%`
          const scale = 100n * 10n ** BigInt(fraction.length)
          const expected =
            BigInt(delta) * scale > BigInt(base) * BigInt(whole + fraction)

          expect(exceedsPercent(delta, base, pct(text))).toBe(expected)
        }
      ),
      { numRuns: 2000 }
    )
  })

  it('does not count a growth of exactly the percentage as exceeding it', () => {
    fc.assert(
      fc.property(fc.nat(10 ** 9), fc.nat(500), (k, percent) => {
        const limit = pct(`${percent}%`)
        const base = k * 100
        const delta = k * percent

        expect(exceedsPercent(delta, base, limit)).toBe(false)
        expect(exceedsPercent(delta + 1, base, limit)).toBe(true)
      })
    )
  })
})

function percentOf(increase: Increase): Extract<Increase, { kind: 'percent' }> {
  if (increase.kind !== 'percent') throw new Error('not a percentage')
  return increase
}

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000],
    ['1m 30s', 90_000],
    ['1h 2m 3s 4ms', 3_723_004],
    ['90', 90_000],
    ['1.5', 1500],
    ['1.5s', 1500],
    ['1.5h', 5_400_000],
    ['0.001s', 1],
    ['2M', 120_000],
    ['500MS', 500],
    ['30 s', 30_000],
    ['  1m  ', 60_000],
    ['24h', DAY_MS],
    ['23h 60m', DAY_MS],
    ['86400', DAY_MS]
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each([
    '',
    'ms',
    '-1s',
    '+1s',
    '1e3',
    '1d',
    '1min',
    '30s1m',
    '1m1m',
    '1s 1s',
    '1m  30s',
    '1 30s',
    '1.s',
    '.5s',
    '1,5s',
    '1:30',
    'PT30S'
  ])('rejects %p with the list of accepted forms', (text) => {
    expect(outcome(() => parseDuration(text))).toEqual({ rejected: 'form' })
  })

  it('tells which forms it accepts', () => {
    expect(messageOf(() => parseDuration('soon'))).toBe(
      'expected a duration such as 30s, 2m, 1m30s, 1.5h or 500ms (a bare ' +
        'number is seconds), with the units h, m, s, ms each at most once ' +
        'and in that order'
    )
  })

  it.each([
    [
      '0.5ms',
      'it comes to 0.5 milliseconds, which is not a whole number of milliseconds'
    ],
    [
      '0.0001',
      'it comes to 0.1 milliseconds, which is not a whole number of milliseconds'
    ],
    ['24h 1ms', 'it exceeds 24h, the longest duration supported'],
    ['86401', 'it exceeds 24h, the longest duration supported']
  ])('rejects %p: %s', (text, message) => {
    const forms = messageOf(() => parseDuration('soon'))
    expect(messageOf(() => parseDuration(text))).toBe(
      message.includes('whole number') ? `${message}; ${forms}` : message
    )
  })

  it('reads any well-formed duration as the sum of its parts, or rejects it', () => {
    const part = (unit: string) =>
      fc.record({
        unit: fc.mixedCase(fc.constant(unit)),
        whole: digits(1, 5),
        fraction: fc.option(digits(1, 4), { nil: undefined }),
        space: fc.boolean()
      })
    const duration = fc.record({
      parts: fc
        .subarray(['h', 'm', 's', 'ms'], { minLength: 1 })
        .chain((units) => fc.tuple(...units.map(part))),
      separator: fc.constantFrom('', ' ')
    })

    fc.assert(
      fc.property(duration, ({ parts, separator }) => {
        const text = parts
          .map((p) => {
            const number =
              p.fraction === undefined ? p.whole : `${p.whole}.${p.fraction}`
            return `${number}${p.space ? ' ' : ''}${p.unit}`
          })
          .join(separator)

        expect(outcome(() => parseDuration(text))).toEqual(
          expectedDuration(parts)
        )
      }),
      { numRuns: 2000 }
    )
  })

  it('rejects a duration with a sign, exponent or non-ASCII character anywhere in it', () => {
    const valid = fc.constantFrom('0', '90', '1.5', '500ms', '1m30s', '1h 2m')

    fc.assert(
      fc.property(valid, fc.nat(), stray, (text, index, char) => {
        expect(
          outcome(() => parseDuration(insertAt(text, index, char)))
        ).toEqual({ rejected: 'form' })
      }),
      { numRuns: 1000 }
    )
  })

  it('reads formatDuration back to the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: DAY_MS }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms)
      }),
      { numRuns: 2000 }
    )
  })

  it('either reads arbitrary text as at most a day or throws a UnitError', () => {
    fc.assert(
      fc.property(garbage, (text) => {
        const result = outcome(() => parseDuration(text))
        const accepted = 'value' in result ? result.value : 0

        expect(result).not.toEqual({ rejected: 'other' })
        expect(Number.isSafeInteger(accepted)).toBe(true)
        expect(accepted >= 0 && accepted <= DAY_MS).toBe(true)
      }),
      { numRuns: 3000 }
    )
  })
})

/** What parseDuration must do, worked out part by part. */
function expectedDuration(
  parts: { unit: string; whole: string; fraction?: string }[]
): Outcome {
  let total = 0n
  for (const p of parts) {
    const fraction = p.fraction ?? ''
    const tenths = 10n ** BigInt(fraction.length)
    const factor = DURATION_UNITS[p.unit.toLowerCase()] ?? 0n
    const scaled = BigInt(p.whole + fraction) * factor
    if (scaled % tenths !== 0n) return { rejected: 'fraction' }
    total += scaled / tenths
  }
  return total > BigInt(DAY_MS)
    ? { rejected: 'range' }
    : { value: Number(total) }
}

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.00 kB (1000 B)'],
    [1023, '1.02 kB (1023 B)'],
    [1024, '1.02 kB (1.00 KiB)'],
    [1_000_000, '1.00 MB (976.56 KiB)'],
    [1_048_576, '1.05 MB (1.00 MiB)'],
    [1_270_000_000, '1.27 GB (1.18 GiB)'],
    [999_994, '999.99 kB (976.56 KiB)'],
    [999_995, '1.00 MB (976.56 KiB)'],
    [1_048_575, '1.05 MB (1.00 MiB)'],
    [5_000_000_000_000_000, '5.00 PB (4.44 PiB)'],
    [MAX, '9.01 PB (8.00 PiB)'],
    [-1_270_000_000, '-1.27 GB (-1.18 GiB)'],
    [-5, '-5 B']
  ])('shows %p bytes as %p', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text)
  })

  it.each([
    [999, '999 B'],
    [1000, '1.00 kB'],
    [1_270_000_000, '1.27 GB']
  ])('shows %p bytes briefly as %p', (bytes, text) => {
    expect(formatSizeShort(bytes)).toBe(text)
  })

  it.each([1.5, NaN, Infinity, MAX + 1])('refuses %p bytes', (bytes) => {
    expect(() => formatSize(bytes)).toThrow(RangeError)
  })

  it('shows the nearest hundredth of the largest unit that keeps it at 1.00 or more', () => {
    const decimal = [
      ['B', 1n],
      ['kB', 1000n],
      ['MB', 1000n ** 2n],
      ['GB', 1000n ** 3n],
      ['TB', 1000n ** 4n],
      ['PB', 1000n ** 5n]
    ] as const

    fc.assert(
      fc.property(fc.maxSafeNat(), (bytes) => {
        const [, number = '', name = ''] =
          /^(\d+(?:\.\d\d)?) (\w+)/.exec(formatSize(bytes)) ?? []
        const factor = decimal.find(([n]) => n === name)?.[1] ?? 0n
        const shown = BigInt(number.replace('.', ''))
        const error = shown * factor - BigInt(bytes) * (factor > 1n ? 100n : 1n)

        const inRange =
          factor === 1n
            ? bytes < 1000
            : shown >= 100n && (shown < 100_000n || name === 'PB')

        expect(factor).not.toBe(0n)
        expect(2n * (error < 0n ? -error : error) <= factor).toBe(true)
        expect(inRange).toBe(true)
      }),
      { numRuns: 2000 }
    )
  })
})

describe('formatCount', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1_234_567, '1,234,567'],
    [-1_234, '-1,234'],
    [MAX, '9,007,199,254,740,991']
  ])('shows %p as %p', (n, text) => {
    expect(formatCount(n)).toBe(text)
  })

  it('is read back by parseCount as the same number', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (n) => {
        expect(parseCount(formatCount(n))).toBe(n)
      }),
      { numRuns: 2000 }
    )
  })
})

describe('formatSizeExact', () => {
  it.each([
    [0, '0'],
    [1, '1'],
    [1234, '1234'],
    [1500, '1500'],
    [1000, '1kB'],
    [1024, '1KiB'],
    [1_500_000, '1.5MB'],
    [1_610_612_736, '1.5GiB'],
    [1_048_576, '1MiB'],
    [1_024_000, '1024kB'],
    [2_000_000_000_000, '2TB'],
    [MAX, '9007199254740991']
  ])('writes %p bytes as %p', (bytes, text) => {
    expect(formatSizeExact(bytes)).toBe(text)
  })

  it.each([-1, 0.5, NaN, MAX + 1])('refuses %p bytes', (bytes) => {
    expect(() => formatSizeExact(bytes)).toThrow(RangeError)
  })

  it('is read back by parseSize as the same number of bytes', () => {
    const unitMultiple = fc
      .tuple(fc.nat(100_000), fc.constantFrom(...Object.values(SIZE_UNITS)))
      .map(([k, unit]) => Number(BigInt(k) * unit))
      .filter((n) => n <= MAX)

    fc.assert(
      fc.property(fc.oneof(fc.maxSafeNat(), unitMultiple), (bytes) => {
        const text = formatSizeExact(bytes)

        expect(parseSize(text)).toBe(bytes)
        expect(text.length).toBeLessThanOrEqual(String(bytes).length)
      }),
      { numRuns: 3000 }
    )
  })
})

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1, '1ms'],
    [500, '500ms'],
    [30_000, '30s'],
    [150_000, '2m 30s'],
    [3_600_000, '1h'],
    [3_723_004, '1h 2m 3s 4ms'],
    [DAY_MS, '24h'],
    [90_061_001, '25h 1m 1s 1ms']
  ])('shows %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text)
  })

  it.each([-1, 1.5, NaN])('refuses %p ms', (ms) => {
    expect(() => formatDuration(ms)).toThrow(RangeError)
  })

  it('lists the parts from hours down, each below its next unit', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (ms) => {
        const parts = formatDuration(ms).split(' ')
        const units = parts.map((p) => p.replace(/^\d+/, ''))
        const order = ['h', 'm', 's', 'ms']
        const ranks = units.map((u) => order.indexOf(u))
        const limits: Record<string, number> = { m: 60, s: 60, ms: 1000 }

        expect([...ranks].sort((a, b) => a - b)).toEqual(ranks)
        expect(new Set(ranks).size).toBe(ranks.length)
        expect(ranks).not.toContain(-1)
        expect(
          parts.every(
            (p, i) => parseInt(p, 10) < (limits[units[i] ?? ''] ?? Infinity)
          )
        ).toBe(true)
      }),
      { numRuns: 1000 }
    )
  })
})

describe('formatPercent', () => {
  it.each([
    [5n, 1n, '5%'],
    [5n, 2n, '2.5%'],
    [10n, 4n, '2.5%'],
    [1n, 8n, '0.125%'],
    [0n, 1n, '0%'],
    [150n, 1n, '150%'],
    [100n, 3n, '≈33.3333%'],
    [200n, 3n, '≈66.6667%'],
    [-5n, 2n, '-2.5%'],
    [1n, 10n ** 10n, '0.0000000001%']
  ])('shows %p/%p as %p', (num, den, text) => {
    expect(formatPercent(num, den)).toBe(text)
  })

  it.each([0n, -1n])('refuses a denominator of %p', (den) => {
    expect(() => formatPercent(1n, den)).toThrow(RangeError)
  })

  it('shows any percentage parseIncrease read so that it reads back the same', () => {
    const percentText = fc
      .tuple(digits(1, 5), digits(0, 8), fc.constantFrom('', ' '))
      .map(([w, f, s]) => (f === '' ? `${w}${s}%` : `${w}.${f}${s}%`))

    fc.assert(
      fc.property(percentText, (text) => {
        const first = percentOf(parseIncrease(text, parseSize))
        const shown = formatPercent(first.numerator, first.denominator)
        const again = percentOf(parseIncrease(shown, parseSize))

        expect([again.numerator, again.denominator]).toEqual([
          first.numerator,
          first.denominator
        ])
      }),
      { numRuns: 2000 }
    )
  })
})
