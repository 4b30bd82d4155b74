// How running a command on a node can fail, as one typed error with a closed set of codes, so a probe
// that did not run is told apart from one that ran and failed (a non-zero exit is a result, not an error).

export const TRANSPORT_ERROR_CODES = [
  /** The command ran longer than its timeout and was killed. */
  'TIMEOUT',
  /** stdout and stderr together passed the output cap; the command was killed. */
  'OUTPUT_LIMIT',
  /** The run was cancelled through its AbortSignal; the command was killed. */
  'ABORTED',
  /** Local: the program could not be started (missing, not executable, bad cwd). */
  'SPAWN_FAILED',
  /** SSH: nothing listens on the host's port. */
  'CONNECTION_REFUSED',
  /** SSH: no TCP connection or SSH handshake within connectTimeoutMs. */
  'CONNECT_TIMEOUT',
  /** SSH: the host name does not resolve, or there is no route to it. */
  'UNREACHABLE',
  /** SSH: the server's host key is not the pinned one. */
  'HOST_KEY_MISMATCH',
  /** SSH: the server refused our key for this user. */
  'AUTH_REFUSED',
  /** SSH: the connection dropped, or the command ended without an exit status. */
  'CONNECTION_LOST',
  /** SSH: the server refused to open a session or to run the command. */
  'CHANNEL_FAILED',
  /** The command was refused before running: empty argv, or an argument holding a NUL byte. */
  'INVALID_COMMAND',
  /** The transport's options are unusable (bad key, bad fingerprint, bad limits). */
  'INVALID_OPTIONS',
  /** run() after close(). */
  'CLOSED',
] as const
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number]

/** What a command printed before it was stopped, kept for the error report. */
export interface PartialOutput {
  stdout: string
  stderr: string
  durationMs: number
}

export class TransportError extends Error {
  override readonly name = 'TransportError'
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    readonly details: {
      /** Which transport and target, e.g. `ssh cabinet-probe@127.0.0.1:22220` or `local`. */
      target?: string
      /** The argv that was being run, when there was one. */
      argv?: readonly string[]
      partial?: PartialOutput
      cause?: unknown
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
  }
}

export const isTransportError = (error: unknown, code?: TransportErrorCode): error is TransportError =>
  error instanceof TransportError && (code === undefined || error.code === code)
