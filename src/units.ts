/**
 * Sizes, counts, percentages and durations: reading them from what a user
 * typed, and writing them for people to read.
 *
 * HSS reports file sizes to the byte and a limit is compared with them to the
 * byte, so "1.1GB" must mean exactly 1100000000. Values are therefore worked
 * out with BigInt from the digits as typed; a float would turn 1.1 × 10^9 into
 * 1100000000.0000002 and a limit of "1.1GB" into one byte more or less.
 */

/**
 * A value that cannot be read. The message does not repeat the value: it says
 * what was expected, or what is wrong with a well-formed value, so that
 * `inputs.ts` can put it after the input's name and value:
 * `Input 'max-size' has an invalid value "12XB": expected a size such as …`.
 */
export class UnitError extends Error {
  override name = 'UnitError'
}

/**
 * A value written in none of the accepted forms, as opposed to one that is
 * well-formed but unusable (too large, a fraction of a millisecond). Kept
 * apart so that `parseIncrease` can offer percentages alongside the size or
 * count forms instead of replacing them.
 */
class FormError extends UnitError {
  constructor(readonly forms: string) {
    super(`expected ${forms}`)
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

// A Map rather than an object literal: a typed unit such as "constructor" must
// not find something on Object.prototype.
const SIZE_UNITS = new Map<string, bigint>([
  ['b', 1n],
  ['kb', 1000n],
  ['mb', 1000n ** 2n],
  ['gb', 1000n ** 3n],
  ['tb', 1000n ** 4n],
  ['kib', 1024n],
  ['mib', 1024n ** 2n],
  ['gib', 1024n ** 3n],
  ['tib', 1024n ** 4n]
])

const SIZE_FORMS =
  'a size such as 1048576 (bytes), 1.5GB or 500 MiB; the units are B, kB, ' +
  'MB, GB, TB (powers of 1000) and KiB, MiB, GiB, TiB (powers of 1024)'

// [A-Za-z] and not the i flag: only ASCII letters may spell a unit.
const SIZE_PATTERN = /^(\d+)(?:\.(\d+))?(?: ?([A-Za-z]+))?$/

/**
 * Reads a size in bytes: a bare integer is bytes; otherwise a decimal number,
 * an optional single space and a unit (B, kB, MB, GB, TB in powers of 1000;
 * KiB, MiB, GiB, TiB in powers of 1024; letters in any case, so "kb" is 1000).
 * The result is at most Number.MAX_SAFE_INTEGER. A value that is not a whole
 * number of bytes ("1.2GiB" is 1288490188.8) is rounded down: HSS counts
 * whole bytes, and a whole figure is above x exactly when it is above x
 * rounded down, so every verdict stays the one the exact value gives.
 *
 * @throws UnitError for anything else.
 */
export function parseSize(text: string): number {
  const match = SIZE_PATTERN.exec(text.trim())
  if (!match) throw new FormError(SIZE_FORMS)
  const [, whole = '', fraction = '', unit] = match

  // A bare "1.5" would have to mean 1.5 bytes, which nobody means: most likely
  // the unit was forgotten, so say which ones there are.
  if (unit === undefined && fraction !== '') throw new FormError(SIZE_FORMS)
  const factor = unit === undefined ? 1n : SIZE_UNITS.get(unit.toLowerCase())
  if (factor === undefined) throw new FormError(SIZE_FORMS)

  const bytes =
    (BigInt(whole + fraction) * factor) / 10n ** BigInt(fraction.length)
  if (bytes > MAX_SAFE) {
    throw new UnitError(
      `it exceeds ${MAX_SAFE} bytes (${formatSizeShort(Number(MAX_SAFE))}), ` +
        `the largest size supported; expected ${SIZE_FORMS}`
    )
  }
  return Number(bytes)
}

const COUNT_FORMS =
  'a whole number such as 25000, 25,000 or 25_000 ' +
  '(with a separator between every group of three digits, or none)'

// One kind of separator, between every group of three: "1,00" or "1,000_000"
// are more likely typos than numbers.
const COUNT_PATTERN =
  /^(?:\d+|[1-9]\d{0,2}(?:,\d{3})+|[1-9]\d{0,2}(?:_\d{3})+)$/

/**
 * Reads a count: a non-negative integer, optionally with `,` or `_` between
 * groups of three digits, at most Number.MAX_SAFE_INTEGER.
 *
 * @throws UnitError for anything else.
 */
export function parseCount(text: string): number {
  const trimmed = text.trim()
  if (!COUNT_PATTERN.test(trimmed)) throw new FormError(COUNT_FORMS)

  const count = BigInt(trimmed.replace(/[,_]/g, ''))
  if (count > MAX_SAFE) {
    throw new UnitError(
      `it exceeds ${formatCount(Number.MAX_SAFE_INTEGER)}, ` +
        `the largest count supported; expected ${COUNT_FORMS}`
    )
  }
  return Number(count)
}

/**
 * A limit on growth: an absolute amount (bytes or files), or a percentage of
 * the baseline. The percentage itself (not the share of the baseline) is kept
 * as an exact fraction in lowest terms with a positive denominator: "5%" is
 * 5/1, "2.5%" is 5/2, "0.125%" is 1/8; the share is numerator / (denominator
 * × 100).
 */
export type Increase =
  | { kind: 'absolute'; value: number }
  | {
      kind: 'percent'
      /** The percentage as the user wrote it, trimmed. */
      text: string
      numerator: bigint
      denominator: bigint
    }

const PERCENT_FORMS = 'a percentage such as 5% or 2.5%'
const PERCENT_PATTERN = /^(\d+)(?:\.(\d+))? ?%$/

/**
 * Reads a percentage ("5%", "2.5%", "0.125 %"), or else hands the text to
 * `absolute` (parseSize or parseCount).
 *
 * @throws UnitError when it is neither.
 */
export function parseIncrease(
  text: string,
  absolute: (text: string) => number
): Increase {
  const trimmed = text.trim()
  const match = PERCENT_PATTERN.exec(trimmed)
  if (match) {
    const [, whole = '', fraction = ''] = match
    const numerator = BigInt(whole + fraction)
    const denominator = 10n ** BigInt(fraction.length)
    const divisor = gcd(numerator, denominator)
    return {
      kind: 'percent',
      text: trimmed,
      numerator: numerator / divisor,
      denominator: denominator / divisor
    }
  }
  if (trimmed.endsWith('%')) throw new FormError(PERCENT_FORMS)

  try {
    return { kind: 'absolute', value: absolute(text) }
  } catch (error) {
    if (error instanceof FormError) {
      throw new FormError(`${PERCENT_FORMS}, or ${error.forms}`)
    }
    throw error
  }
}

/**
 * Whether `delta` is more than the percentage `pct` of `base`, exactly: a
 * growth of exactly 5% does not exceed a 5% limit. Both numbers must be safe
 * integers; `delta` may be negative.
 */
export function exceedsPercent(
  delta: number,
  base: number,
  pct: Extract<Increase, { kind: 'percent' }>
): boolean {
  return 100n * BigInt(delta) * pct.denominator > BigInt(base) * pct.numerator
}

const DURATION_UNITS = ['h', 'm', 's', 'ms'] as const
const DURATION_MS: Record<(typeof DURATION_UNITS)[number], bigint> = {
  h: 3_600_000n,
  m: 60_000n,
  s: 1000n,
  ms: 1n
}
const MAX_DURATION_MS = 24n * DURATION_MS.h

const DURATION_FORMS =
  'a duration such as 30s, 2m, 1m30s, 1.5h or 500ms (a bare number is ' +
  'seconds), with the units h, m, s, ms each at most once and in that order'

const BARE_SECONDS = /^(\d+)(?:\.(\d+))?$/
// "ms" before "m", or "1ms" would read as one minute followed by garbage.
const DURATION_PART = /(\d+)(?:\.(\d+))? ?([mM][sS]|[hHmMsS])/y

/**
 * Reads a duration of at most 24 hours into whole milliseconds: "0", "500ms",
 * "30s", "2m", "1h", "1m30s" or "1m 30s", or a bare number of seconds ("90").
 * Each part may have decimals ("1.5s") if it comes to whole milliseconds.
 *
 * @throws UnitError for anything else.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim()
  let total = 0n

  const bare = BARE_SECONDS.exec(trimmed)
  if (bare) {
    const [, whole = '', fraction = ''] = bare
    total = wholeMultiple(
      whole,
      fraction,
      DURATION_MS.s,
      'milliseconds',
      DURATION_FORMS
    )
  } else {
    if (trimmed === '') throw new FormError(DURATION_FORMS)
    let position = 0
    let previous = -1
    while (position < trimmed.length) {
      if (position > 0 && trimmed[position] === ' ') position++
      DURATION_PART.lastIndex = position
      const part = DURATION_PART.exec(trimmed)
      if (!part) throw new FormError(DURATION_FORMS)
      const [, whole = '', fraction = '', unitText = ''] = part

      const unit = DURATION_UNITS.find((u) => u === unitText.toLowerCase())
      const rank = unit === undefined ? -1 : DURATION_UNITS.indexOf(unit)
      if (unit === undefined || rank <= previous) {
        throw new FormError(DURATION_FORMS)
      }
      total += wholeMultiple(
        whole,
        fraction,
        DURATION_MS[unit],
        'milliseconds',
        DURATION_FORMS
      )
      previous = rank
      position = DURATION_PART.lastIndex
    }
  }

  if (total > MAX_DURATION_MS) {
    throw new UnitError('it exceeds 24h, the longest duration supported')
  }
  return Number(total)
}

type Scale = { name: string; factor: bigint }

const DECIMAL_SCALE: readonly Scale[] = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'].map(
  (name, i) => ({ name, factor: 1000n ** BigInt(i) })
)

const BINARY_SCALE: readonly Scale[] = [
  'B',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
  'PiB'
].map((name, i) => ({ name, factor: 1024n ** BigInt(i) }))

/**
 * A size for people: two decimals in the largest decimal unit, then the same in
 * binary units, e.g. 1270000000 is "1.27 GB (1.18 GiB)". Below 1000 bytes it is
 * just "999 B". Negative sizes (a shrinking image) keep their sign.
 *
 * @throws RangeError when `bytes` is not a safe integer.
 */
export function formatSize(bytes: number): string {
  const decimal = formatSizeShort(bytes)
  if (Math.abs(bytes) < 1000) return decimal
  return `${decimal} (${scaled(bytes, BINARY_SCALE)})`
}

/** Like formatSize without the binary part: "1.27 GB". */
export function formatSizeShort(bytes: number): string {
  return scaled(bytes, DECIMAL_SCALE)
}

/**
 * A count with a comma between groups of three digits, "1,234,567", written
 * out here rather than with toLocaleString so that it does not depend on the
 * runner's locale.
 *
 * @throws RangeError when `n` is not a safe integer.
 */
export function formatCount(n: number): string {
  requireSafeInteger(n, 'count')
  const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',')
  return n < 0 ? `-${digits}` : digits
}

/**
 * The shortest text that parseSize reads back as exactly `bytes`: 1500000 is
 * "1.5MB", 1610612736 is "1.5GiB", 1234 is "1234". On a tie a unit wins over
 * bare bytes (1024 is "1KiB") and a larger unit over a smaller one.
 *
 * @throws RangeError when `bytes` is not a non-negative safe integer.
 */
export function formatSizeExact(bytes: number): string {
  requireSafeInteger(bytes, 'size')
  if (bytes < 0) throw new RangeError(`A size cannot be negative: ${bytes}`)
  const n = BigInt(bytes)

  // Largest unit first and bare bytes last, so that the first of the shortest
  // wins a tie.
  const units = [
    ...BINARY_SCALE.slice(1, 5),
    ...DECIMAL_SCALE.slice(1, 5)
  ].sort((a, b) => (a.factor > b.factor ? -1 : 1))
  const candidates = units.map((u) => `${exactDecimal(n, u.factor)}${u.name}`)
  candidates.push(String(bytes))

  return candidates.reduce((best, c) => (c.length < best.length ? c : best))
}

/**
 * A duration for people: "2m 30s", "1h 5m", "500ms"; zero is "0s".
 *
 * @throws RangeError when `ms` is not a non-negative safe integer.
 */
export function formatDuration(ms: number): string {
  requireSafeInteger(ms, 'duration')
  if (ms < 0) throw new RangeError(`A duration cannot be negative: ${ms}`)
  if (ms === 0) return '0s'

  const parts: string[] = []
  let rest = BigInt(ms)
  for (const unit of DURATION_UNITS) {
    const amount = rest / DURATION_MS[unit]
    rest %= DURATION_MS[unit]
    if (amount > 0n) parts.push(`${amount}${unit}`)
  }
  return parts.join(' ')
}

/**
 * A percentage given as a fraction, as in Increase: 5/2 is "2.5%". Exact when
 * the decimal ends (always so for what parseIncrease returns); otherwise
 * rounded to four decimals and marked, e.g. 100/3 is "≈33.3333%".
 *
 * @throws RangeError when `denominator` is not positive.
 */
export function formatPercent(numerator: bigint, denominator: bigint): string {
  if (denominator <= 0n) {
    throw new RangeError(`A percentage needs a positive denominator`)
  }
  const sign = numerator < 0n ? '-' : ''
  const divisor = gcd(numerator, denominator)
  const p = abs(numerator) / divisor
  const q = denominator / divisor

  const exact = exactDecimal(p, q)
  if (exact !== undefined) return `${sign}${exact}%`
  const tenThousandths = roundedDivide(p * 10_000n, q)
  return `≈${sign}${toDecimal(tenThousandths, 4, 4)}%`
}

/** digits × factor ÷ 10^decimals, which must come to a whole number. */
function wholeMultiple(
  whole: string,
  fraction: string,
  factor: bigint,
  unitName: string,
  forms: string
): bigint {
  const product = BigInt(whole + fraction) * factor
  const scale = 10n ** BigInt(fraction.length)
  if (product % scale !== 0n) {
    const value = toDecimal(product, fraction.length)
    throw new UnitError(
      `it comes to ${value} ${unitName}, ` +
        `which is not a whole number of ${unitName}; expected ${forms}`
    )
  }
  return product / scale
}

/** `bytes` with two decimals in the largest unit of `scale` it reaches. */
function scaled(bytes: number, scale: readonly Scale[]): string {
  requireSafeInteger(bytes, 'size')
  const sign = bytes < 0 ? '-' : ''
  const n = abs(BigInt(bytes))

  let index = 0
  while (index + 1 < scale.length && n >= unitAt(scale, index + 1).factor) {
    index++
  }
  if (index === 0) return `${sign}${n} B`

  let hundredths = roundedDivide(n * 100n, unitAt(scale, index).factor)
  // Rounding can carry into the next unit (999999 B is 999.999 kB): show
  // "1.00 MB" rather than "1000.00 kB".
  const base = unitAt(scale, 1).factor
  if (hundredths >= base * 100n && index + 1 < scale.length) {
    index++
    hundredths = roundedDivide(n * 100n, unitAt(scale, index).factor)
  }
  return `${sign}${toDecimal(hundredths, 2, 2)} ${unitAt(scale, index).name}`
}

function unitAt(scale: readonly Scale[], index: number): Scale {
  const unit = scale[index]
  if (unit === undefined) throw new RangeError(`No unit at ${index}`)
  return unit
}

/**
 * `units` ÷ 10^places as a decimal numeral, without trailing zeros beyond
 * `keep` decimals. `units` must not be negative.
 */
function toDecimal(units: bigint, places: number, keep = 0): string {
  if (places === 0) return units.toString()
  const digits = units.toString().padStart(places + 1, '0')
  const head = digits.slice(0, -places)
  let tail = digits.slice(-places)
  while (tail.length > keep && tail.endsWith('0')) tail = tail.slice(0, -1)
  return tail === '' ? head : `${head}.${tail}`
}

/**
 * p ÷ q written out in full, or undefined when the decimal never ends (q has a
 * prime factor other than 2 and 5). p ≥ 0, q > 0.
 */
function exactDecimal(p: bigint, q: bigint): string | undefined {
  let rest = q
  let twos = 0
  let fives = 0
  while (rest % 2n === 0n) {
    rest /= 2n
    twos++
  }
  while (rest % 5n === 0n) {
    rest /= 5n
    fives++
  }
  if (rest !== 1n) return undefined

  const places = Math.max(twos, fives)
  return toDecimal(p * (10n ** BigInt(places) / q), places)
}

/** n ÷ d rounded half up, for n ≥ 0 and d > 0. */
function roundedDivide(n: bigint, d: bigint): bigint {
  return (2n * n + d) / (2n * d)
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [abs(a), abs(b)]
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n
}

function requireSafeInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`A ${what} must be a safe integer, not ${n}`)
  }
}
