// Pieces both transports share: collecting stdout and stderr under one byte cap, and checking an argv
// and the limits before anything runs.
import { type PartialOutput, TransportError } from './errors'
import type { CommandSpec, RunOptions, TransportLimits } from './types'

/**
 * Collects stdout and stderr as bytes (decoded once at the end, so a multi-byte character split between
 * chunks survives) and calls `onLimit` once, when the two together pass `maxBytes`.
 */
export class OutputCollector {
  private readonly chunks: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] }
  private total = 0
  exceeded = false

  constructor(
    private readonly maxBytes: number,
    private readonly onLimit: () => void,
  ) {}

  push(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    if (this.exceeded) return
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
    const room = this.maxBytes - this.total
    if (bytes.length > room) {
      this.chunks[stream].push(bytes.subarray(0, room))
      this.total = this.maxBytes
      this.exceeded = true
      this.onLimit()
      return
    }
    this.chunks[stream].push(bytes)
    this.total += bytes.length
  }

  text(stream: 'stdout' | 'stderr'): string {
    return Buffer.concat(this.chunks[stream]).toString('utf8')
  }

  partial(durationMs: number): PartialOutput {
    return { stdout: this.text('stdout'), stderr: this.text('stderr'), durationMs }
  }
}

/** An argv must name a program, and no element may hold a NUL byte (C strings would cut it short). */
export function checkArgv(command: CommandSpec, target: string): readonly string[] {
  const argv = command.argv
  if (!Array.isArray(argv) || argv.length === 0 || argv[0] === '') {
    throw new TransportError('INVALID_COMMAND', 'a command needs a program name: argv is empty', { target })
  }
  argv.forEach((arg, index) => {
    if (typeof arg !== 'string') {
      throw new TransportError('INVALID_COMMAND', `argv[${index}] is not a string`, { target })
    }
    if (arg.includes('\0')) {
      throw new TransportError('INVALID_COMMAND', `argv[${index}] contains a NUL byte`, { target, argv })
    }
  })
  return argv
}

const positiveInteger = (value: number) => Number.isSafeInteger(value) && value > 0

/** The limits for one run: the transport's, overridden by the run's options, all positive integers. */
export function runLimits(defaults: TransportLimits, options: RunOptions, target: string): TransportLimits {
  const limits = {
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    maxOutputBytes: options.maxOutputBytes ?? defaults.maxOutputBytes,
  }
  checkLimits(limits, target)
  return limits
}

export function checkLimits(limits: Record<string, number>, target: string): void {
  for (const [name, value] of Object.entries(limits)) {
    if (!positiveInteger(value)) {
      throw new TransportError('INVALID_OPTIONS', `${name} must be a positive integer, got ${value}`, { target })
    }
  }
}
