/**
 * The action's two error types. `main.ts` turns either into the one line given
 * to `core.setFailed`, so each message must stand on its own.
 */

/** A user-supplied value that cannot be used; raised before any request. */
export class InputError extends Error {
  override name = 'InputError'

  constructor(
    readonly input: string,
    readonly value: string,
    readonly expected: string
  ) {
    super(`Input '${input}' has an invalid value ${quote(value)}: ${expected}`)
  }
}

/**
 * Quotes a user's value for a one-line message: control characters are shown
 * escaped (a newline must not split the annotation) and long values are cut.
 */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value
  return JSON.stringify(shown)
}

/** A call to HSS, IAM or GitHub that did not give a usable answer. */
export class ServiceError extends Error {
  override name = 'ServiceError'

  constructor(
    message: string,
    readonly details: {
      /** What was being done, e.g. "reading file statistics of image 111". */
      operation: string
      status?: number
      code?: string
      serviceMessage?: string
      requestId?: string
      hint?: string
      /** True for 401/403: never retried, since HSS locks a key after 5 failures. */
      authFailure?: boolean
    }
  ) {
    super(message)
  }
}
